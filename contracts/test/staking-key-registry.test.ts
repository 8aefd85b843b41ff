/**
 * The seam between SessionStaking (the money) and NetworkKeyRegistry (who signs): the registry
 * is SessionStaking's own, written only by it, binds every digest to the SessionStaking address,
 * and SessionStaking's network-key views answer exactly what the registry does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NetworkKeyRegistry, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { g1ToSolidity, networkDigest, proofOfPossessionDigest } from '../../sdk/src/bls/index.ts';
import { EXIT_PURPOSE } from '../../sdk/src/staking/index.ts';
import { expectRevert } from '../../devnet/testkit.ts';
import { networkSignature, read, readStaking } from './staking-kit.ts';
import { stakingFixture, type StakingFixture } from './staking-setup.ts';

describe('SessionStaking / NetworkKeyRegistry seam', () => {
  let f: StakingFixture;
  before(async () => {
    f = await stakingFixture(4);
  });
  after(() => f.sys.stop());
  const readRegistry = <T>(fn: string, args: readonly unknown[] = []) => read<T>(f, f.registry, NetworkKeyRegistry.abi, fn, args);

  it('is the registry SessionStaking deployed, listed in the deployments file, and the one StakingRewards verifies with', async () => {
    assert.equal(await readStaking(f, 'keyRegistry'), f.registry);
    assert.equal(await readRegistry('staking'), f.staking);
    assert.equal(await read(f, f.rewards, StakingRewards.abi, 'keyRegistry'), f.registry);
    assert.ok(f.sys.deployments.contracts.NetworkKeyRegistry);
  });

  it('takes key changes from SessionStaking only', async () => {
    const outsider = f.users[3]!;
    await expectRevert(outsider.send(f.registry, NetworkKeyRegistry.abi, 'removeNodeKey', [f.active[0]!]), 'NotStaking');
    const key = g1ToSolidity(f.keyPairs.get(f.active[0]!)!.publicKeyG1);
    await expectRevert(outsider.send(f.registry, NetworkKeyRegistry.abi, 'addNodeKey', [999n, key]), 'NotStaking');
    assert.equal(await readRegistry('activeNodeCount'), BigInt(f.active.length));
  });

  it('binds its digests to the SessionStaking address (signers keep signing for contract: SessionStaking)', async () => {
    const pk = f.keyPairs.get(f.active[0]!)!.publicKeyG1;
    const operator = f.users[0]!.account.address;
    const payloadHash = `0x${'42'.repeat(32)}` as const;
    const expectedNetwork = networkDigest({ chainId: f.chainId, contract: f.staking, purpose: EXIT_PURPOSE, payloadHash });
    const expectedPop = proofOfPossessionDigest({ chainId: f.chainId, contract: f.staking, operator, publicKey: pk });
    assert.equal(await readRegistry('networkDigest', [EXIT_PURPOSE, payloadHash]), expectedNetwork);
    assert.equal(await readStaking(f, 'networkDigest', [EXIT_PURPOSE, payloadHash]), expectedNetwork);
    assert.equal(await readRegistry('proofOfPossessionDigest', [operator, g1ToSolidity(pk)]), expectedPop);
    assert.equal(await readStaking(f, 'proofOfPossessionDigest', [operator, g1ToSolidity(pk)]), expectedPop);
    // A signature for contract: SessionStaking verifies at both; one for the registry's own address at neither.
    const sig = networkSignature(f, f.active, EXIT_PURPOSE, payloadHash);
    await readRegistry('verifyNetworkSignature', [EXIT_PURPOSE, payloadHash, sig]);
    await readStaking(f, 'verifyNetworkSignature', [EXIT_PURPOSE, payloadHash, sig]);
    const wrongDomain = networkSignature(f, f.active, EXIT_PURPOSE, payloadHash, [], { contract: f.registry });
    await expectRevert(readRegistry('verifyNetworkSignature', [EXIT_PURPOSE, payloadHash, wrongDomain]), 'InvalidNetworkSignature');
    await expectRevert(readStaking(f, 'verifyNetworkSignature', [EXIT_PURPOSE, payloadHash, wrongDomain]), 'InvalidNetworkSignature');
  });

  it("SessionStaking's network-key views forward the registry's answers", async () => {
    for (const fn of ['activeNodeCount', 'aggregateKey']) assert.deepEqual(await readStaking(f, fn), await readRegistry(fn));
    for (const id of f.active) {
      assert.deepEqual(await readStaking(f, 'nodeKey', [id]), await readRegistry('nodeKey', [id]));
      const x = f.keyPairs.get(id)!.publicKeyG1.toAffine().x;
      assert.equal(await readStaking(f, 'nodeIdOfKey', [x]), id);
    }
    await expectRevert(readStaking(f, 'nodeKey', [999n]), 'NodeKeyNotActive');
    assert.ok(SessionStaking.abi.some((item) => item.type === 'function' && item.name === 'keyRegistry'));
  });
});
