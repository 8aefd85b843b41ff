/**
 * The node's pure handlers against the real chain: Pro proofs from SessionPro.expiryOf, and
 * name resolution (forward and reverse) from the registry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, erc20Abi, type Abi, type Address } from 'viem';
import { SessionNameRegistry } from '../../sdk/src/generated/contracts.ts';
import { NoActiveProError, proProofHandler } from '../../node/src/pro/proofs.ts';
import { nameHandlers } from '../../node/src/names/resolve.ts';
import { buyProCall } from '../../sdk/src/pro/calls.ts';
import { verifyProProof } from '../../sdk/src/pro/proof.ts';
import { commitCall, InvalidAccountIdError, InvalidNameError, nameId, randomSecret, registerCall } from '../../sdk/src/names/index.ts';
import { sesh } from '../../sdk/src/units.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const ACCOUNT = `05${'3c'.repeat(32)}`;

describe('node handlers: Pro proofs and name resolution', () => {
  let sys: LocalSystem;
  const nodeKey = ed25519.utils.randomSecretKey();
  const exec = async (who: number, c: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) =>
    (await sys.as(who)).send(c.address, c.abi, c.functionName, c.args);

  before(async () => {
    sys = await startLocalSystem();
    const admin = await sys.as(0);
    const { SESH: token, SessionPro: pro, SessionNameRegistrar: registrar } = sys.deployments.contracts as Record<string, Address>;
    await admin.send(token, erc20Abi, 'transfer', [sys.accounts[1]!.address, sesh(1_000)]);
    await (await sys.as(1)).send(token, erc20Abi, 'approve', [pro, 2n ** 255n]);
    await (await sys.as(1)).send(token, erc20Abi, 'approve', [registrar, 2n ** 255n]);
  });
  after(() => sys.stop());

  it('issues a proof only for an active subscription, capped at the subscription expiry', async () => {
    const client = (await sys.as(0)).publicClient;
    const handler = proProofHandler({ client, deployments: sys.deployments, nodeSecretKey: nodeKey, ttl: 3600 });
    await assert.rejects(handler(ACCOUNT), NoActiveProError);
    await exec(1, buyProCall(sys.deployments, ACCOUNT, 1n, sesh(5)));
    const proof = await handler(ACCOUNT);
    const now = Number(await sys.now());
    assert.equal(proof.expiresAt, proof.issuedAt + 3600);
    const domain = { chainId: sys.deployments.chainId, pro: sys.deployments.contracts.SessionPro! };
    assert.deepEqual(verifyProProof(proof, { trustedNodes: [bytesToHex(ed25519.getPublicKey(nodeKey))], domain, now }), { accountId: ACCOUNT, expiresAt: proof.expiresAt });
    // Near the end of the subscription the proof ends with it, not after.
    const longTtl = proProofHandler({ client, deployments: sys.deployments, nodeSecretKey: nodeKey, ttl: 90 * 86_400 });
    const capped = await longTtl(ACCOUNT);
    assert.equal(BigInt(capped.expiresAt), await client.readContract({ address: domain.pro, abi: [{ type: 'function', name: 'expiryOf', stateMutability: 'view', inputs: [{ type: 'bytes32' }], outputs: [{ type: 'uint64' }] }] as const, functionName: 'expiryOf', args: [`0x${'3c'.repeat(32)}`] }));
    await assert.rejects(handler('05nope'), InvalidAccountIdError);
  });

  it('resolves names and reverse lookups from the chain', async () => {
    const client = (await sys.as(0)).publicClient;
    const names = nameHandlers(client, sys.deployments);
    assert.deepEqual(await names.resolve('NodeName'), { name: 'nodename', accountId: null, expiry: 0 });
    const request = { name: 'nodename', owner: sys.accounts[1]!.address, accountId: ACCOUNT, secret: randomSecret() };
    await exec(1, commitCall(sys.deployments, request).call);
    await sys.increaseTime(60);
    await exec(1, registerCall(sys.deployments, request, sesh(10)));
    await exec(1, { address: sys.deployments.contracts.SessionNameRegistry!, abi: SessionNameRegistry.abi as Abi, functionName: 'setPrimaryName', args: [nameId('nodename')] });
    const answer = await names.resolve('NodeName');
    assert.equal(answer.accountId, ACCOUNT);
    assert.ok(answer.expiry > Number(await sys.now()));
    assert.deepEqual(await names.reverse(ACCOUNT.toUpperCase().replace(/^05/, '05')), { accountId: ACCOUNT, name: 'nodename', verified: false });
    await assert.rejects(names.resolve('-bad'), InvalidNameError);
  });
});
