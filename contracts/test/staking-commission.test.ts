/**
 * Decommission / recommission (NetworkKeyRegistry.updateCommission) on a real chain: who signs
 * afterwards, what a refusal leaves (nothing), the per-update cap, and exits and deregistrations
 * of a decommissioned node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEventLogs, type Hex } from 'viem';
import { NetworkKeyRegistry } from '../../sdk/src/generated/contracts.ts';
import {
  DEREGISTER_PURPOSE,
  EXIT_PURPOSE,
  commissionMessage,
  deregisterPayloadHash,
  exitPayloadHash,
  maxDecommissions,
  updateCommissionCall,
  type CommissionUpdate,
} from '../../sdk/src/staking/index.ts';
import { aggregateOf, balanceOf, DAY, networkSignature, read, readNode, readStaking } from './staking-kit.ts';
import { fingerprint, stakingAbi, stakingFixture, type StakingFixture } from './staking-setup.ts';
import { expectRevert } from '../../devnet/testkit.ts';

describe('NetworkKeyRegistry commission updates', () => {
  let f: StakingFixture;
  let clean: Hex;
  let all: bigint[];
  before(async () => {
    f = await stakingFixture(7);
    all = [...f.active];
    clean = await f.sys.snapshot();
  });
  after(() => f.sys.stop());
  const fresh = async () => {
    await f.sys.revert(clean);
    clean = await f.sys.snapshot();
    f.active = [...all];
  };
  const reg = <T>(fn: string, args: readonly unknown[] = []) => read<T>(f, f.registry, NetworkKeyRegistry.abi, fn, args);
  const commissioned = () => f.active; // the test keeps f.active = the commissioned set

  /** The update signed by `signers` (default: every commissioned node) at `signedAt` (default: now). */
  const signed = async (u: Partial<CommissionUpdate> & { signers?: bigint[]; nonSigners?: bigint[] }) => {
    const update: CommissionUpdate = {
      round: u.round ?? (await reg<bigint>('commissionRound')),
      decommission: u.decommission ?? [],
      recommission: u.recommission ?? [],
      signedAt: u.signedAt ?? (await f.sys.now()),
    };
    const { purpose, payloadHash } = commissionMessage(update);
    const sig = networkSignature(f, u.signers ?? commissioned(), purpose, payloadHash, u.nonSigners ?? []);
    return { update, sig };
  };
  const submit = async (s: Awaited<ReturnType<typeof signed>>, by = f.users[5]!) => {
    const call = updateCommissionCall(f.registry, { ...s.update, sig: s.sig });
    return by.send(call.address, call.abi, call.functionName, call.args);
  };
  /** Everything an update may change: the key set views, the round, every node's record and flag. */
  const views = async () => {
    const parts: unknown[] = [await fingerprint(f, all), await reg('commissionRound')];
    for (const id of all) parts.push(await reg('isDecommissioned', [id]));
    return JSON.stringify(parts, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  };
  const refuses = async (s: Awaited<ReturnType<typeof signed>>, error: string) => {
    const before = await views();
    await expectRevert(submit(s), error);
    assert.equal(await views(), before, `state changed although ${error} was raised`);
  };

  it('decommission: the key leaves the aggregate and the count, stays stored, and cannot be a non-signer', async () => {
    await fresh();
    const gone = all[2]!;
    const hash = await submit(await signed({ decommission: [gone] }));
    f.active = all.filter((id) => id !== gone);

    assert.equal(await reg('activeNodeCount'), BigInt(all.length - 1));
    assert.deepEqual(await reg('aggregateKey'), aggregateOf(f, f.active));
    assert.equal(await reg('isDecommissioned', [gone]), true);
    assert.equal(await readStaking(f, 'isDecommissioned', [gone]), true);
    assert.equal(await reg('isDecommissioned', [all[0]!]), false);
    assert.equal(await reg('commissionRound'), 1n);
    assert.equal(await readStaking(f, 'commissionRound'), 1n);
    // Stored still: the same key, and it still blocks re-registration (nodeIdOfKey).
    const x = f.keyPairs.get(gone)!.publicKeyG1.toAffine().x;
    assert.equal(await reg('nodeIdOfKey', [x]), gone);
    assert.equal(((await reg('nodeKey', [gone])) as { x: bigint }).x, x);

    const receipt = await (await f.sys.as(0)).publicClient.getTransactionReceipt({ hash });
    const events = parseEventLogs({ abi: NetworkKeyRegistry.abi, logs: receipt.logs, eventName: 'NodeDecommissioned' });
    assert.deepEqual(events.map((e) => [e.args.nodeId, e.args.round]), [[gone, 0n]]);

    // The commissioned set signs alone (6 of 6, or 5 of 6 naming a commissioned non-signer).
    const payload = `0x${'17'.repeat(32)}` as Hex;
    await reg('verifyNetworkSignature', [EXIT_PURPOSE, payload, networkSignature(f, f.active, EXIT_PURPOSE, payload)]);
    await reg('verifyNetworkSignature', [EXIT_PURPOSE, payload, networkSignature(f, f.active, EXIT_PURPOSE, payload, [all[0]!])]);
    // Naming the decommissioned node as a non-signer is refused; adding its signature breaks the check.
    await expectRevert(
      reg('verifyNetworkSignature', [EXIT_PURPOSE, payload, networkSignature(f, all, EXIT_PURPOSE, payload, [gone])]),
      'NonSignerNotActive',
    );
    await expectRevert(reg('verifyNetworkSignature', [EXIT_PURPOSE, payload, networkSignature(f, all, EXIT_PURPOSE, payload)]), 'InvalidNetworkSignature');
  });

  it('recommission restores the aggregate and the count exactly', async () => {
    await fresh();
    const [a, b] = [all[1]!, all[4]!];
    await submit(await signed({ decommission: [a, b] }));
    f.active = all.filter((id) => id !== a && id !== b);
    assert.equal(await reg('activeNodeCount'), BigInt(all.length - 2));
    const hash = await submit(await signed({ recommission: [a] }));
    f.active = all.filter((id) => id !== b);
    assert.deepEqual(await reg('aggregateKey'), aggregateOf(f, f.active));
    const receipt = await (await f.sys.as(0)).publicClient.getTransactionReceipt({ hash });
    const events = parseEventLogs({ abi: NetworkKeyRegistry.abi, logs: receipt.logs, eventName: 'NodeRecommissioned' });
    assert.deepEqual(events.map((e) => [e.args.nodeId, e.args.round]), [[a, 1n]]);
    // Both directions in one update: b back in, a out again.
    await submit(await signed({ decommission: [a], recommission: [b] }));
    f.active = all.filter((id) => id !== a);
    assert.deepEqual(await reg('aggregateKey'), aggregateOf(f, f.active));
    await submit(await signed({ recommission: [a] }));
    f.active = [...all];
    assert.deepEqual(await reg('aggregateKey'), aggregateOf(f, all));
    assert.equal(await reg('activeNodeCount'), BigInt(all.length));
    assert.equal(await reg('commissionRound'), 4n);
    for (const id of all) assert.equal(await reg('isDecommissioned', [id]), false);
  });

  it('refuses replays, stale and future signatures, wrong rounds and signer sets, leaving every view unchanged', async () => {
    await fresh();
    const first = await signed({ decommission: [all[0]!] });
    await submit(first);
    f.active = all.slice(1);
    await refuses(first, 'CommissionRoundMismatch'); // the same signature again
    await refuses(await signed({ round: 5n, decommission: [all[1]!] }), 'CommissionRoundMismatch');
    const now = await f.sys.now();
    await refuses(await signed({ decommission: [all[1]!], signedAt: now - 700n }), 'SignatureExpired');
    await refuses(await signed({ decommission: [all[1]!], signedAt: now + 400n }), 'SignatureFromFuture');
    // Signed over other lists than the ones submitted.
    const other = await signed({ decommission: [all[1]!] });
    await refuses({ update: { ...other.update, decommission: [all[2]!] }, sig: other.sig }, 'InvalidNetworkSignature');
    // Signed by the whole set including the decommissioned node: not the current set's signature.
    await refuses(await signed({ decommission: [all[1]!], signers: all }), 'InvalidNetworkSignature');
    // Fewer than 2/3 of the commissioned set (6): 3 non-signers.
    await refuses(await signed({ decommission: [all[1]!], nonSigners: [all[2]!, all[3]!, all[4]!] }), 'InsufficientSigners');
  });

  it('refuses malformed lists: empty, unsorted, repeated, in both, wrong state, too many', async () => {
    await fresh();
    await submit(await signed({ decommission: [all[6]!] }));
    f.active = all.slice(0, 6);
    const [a, b, c] = [all[0]!, all[1]!, all[2]!];
    await refuses(await signed({}), 'EmptyCommissionUpdate');
    await refuses(await signed({ decommission: [b, a] }), 'CommissionListNotSorted');
    await refuses(await signed({ decommission: [a, a] }), 'CommissionListNotSorted');
    await refuses(await signed({ decommission: [a], recommission: [a] }), 'CommissionListedTwice');
    await refuses(await signed({ decommission: [a, b], recommission: [b] }), 'CommissionListedTwice');
    await refuses(await signed({ recommission: [a] }), 'NodeNotDecommissioned');
    await refuses(await signed({ recommission: [999n] }), 'NodeNotDecommissioned');
    await refuses(await signed({ decommission: [all[6]!] }), 'NodeNotCommissioned');
    await refuses(await signed({ decommission: [999n] }), 'NodeNotCommissioned');
    // 6 commissioned: at most 2 per update.
    assert.equal(maxDecommissions(6), 2);
    await refuses(await signed({ decommission: [a, b, c] }), 'TooManyDecommissions');
    await submit(await signed({ decommission: [a, b] })); // 2 is fine
    assert.equal(await reg('activeNodeCount'), 4n);
  });

  it('a decommissioned node keeps its stake, can exit with a signature of the commissioned set, and be deregistered', async () => {
    await fresh();
    const [leaver, culprit] = [all[0]!, all[1]!];
    const before = await readNode(f, leaver);
    await submit(await signed({ decommission: [leaver, culprit] }));
    f.active = all.slice(2);
    assert.deepEqual(await readNode(f, leaver), before); // stake and status untouched

    // Exit: request (2 h after activation), 15 days, then the commissioned set signs.
    await f.sys.increaseTime(2n * 3600n);
    await f.users[0]!.send(f.staking, stakingAbi, 'requestExit', [leaver]);
    await f.sys.increaseTime(15n * DAY + 1n);
    const operator = f.users[0]!.account.address;
    const balance = await balanceOf(f, operator);
    let now = await f.sys.now();
    await f.users[5]!.send(f.staking, stakingAbi, 'exitWithSignature', [leaver, now, networkSignature(f, f.active, EXIT_PURPOSE, exitPayloadHash(leaver, now))]);
    assert.equal(await balanceOf(f, operator), balance + f.requirement);
    assert.equal((await readNode(f, leaver)).status, 'Exited');
    assert.equal(await reg('isDecommissioned', [leaver]), false); // the key is gone altogether
    await expectRevert(reg('nodeKey', [leaver]), 'NodeKeyNotActive');
    // The aggregate and the count did not move (the key had already left them).
    assert.deepEqual(await reg('aggregateKey'), aggregateOf(f, f.active));
    assert.equal(await reg('activeNodeCount'), BigInt(f.active.length));

    // Deregistration of the other one, then its stake back after 30 days.
    now = await f.sys.now();
    await f.users[5]!.send(f.staking, stakingAbi, 'deregisterWithSignature', [
      culprit,
      now,
      networkSignature(f, f.active, DEREGISTER_PURPOSE, deregisterPayloadHash(culprit, now)),
    ]);
    assert.equal((await readNode(f, culprit)).status, 'Deregistered');
    assert.deepEqual(await reg('aggregateKey'), aggregateOf(f, f.active));
    assert.equal(await reg('activeNodeCount'), BigInt(f.active.length));
    await f.sys.increaseTime(30n * DAY + 1n);
    const held = await balanceOf(f, operator);
    await f.users[5]!.send(f.staking, stakingAbi, 'releaseDeregisteredStake', [culprit]);
    assert.ok((await balanceOf(f, operator)) > held, 'the deregistered stake (minus the penalty) came back');
  });

  it('never decommissions the last node, and allows one when a third rounds to zero', () => {
    assert.deepEqual([1, 2, 3, 5, 6, 2000].map(maxDecommissions), [0, 1, 1, 1, 2, 666]);
  });
});
