import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from 'viem';
import { issueProProof, NoActiveProError } from '../../node/src/pro/proofs.ts';
import { ProProofError, verifyProProof, type ProProof } from '../src/pro/proof.ts';

const nodeKey = ed25519.utils.randomSecretKey();
const nodePub = bytesToHex(ed25519.getPublicKey(nodeKey));
const domain = { chainId: 42161, pro: '0x5555555555555555555555555555555555555555' } as const;
const account = `05${'7a'.repeat(32)}`;
const now = 1_800_000_000;

const issue = (subscriptionExpiry: number, ttl = 3600) =>
  issueProProof({ accountId: account, subscriptionExpiry, now, ttl, chainId: domain.chainId, pro: domain.pro, nodeSecretKey: nodeKey });
const fails = (proof: ProProof, reason: string, opts: Partial<Parameters<typeof verifyProProof>[1]> = {}) =>
  assert.throws(() => verifyProProof(proof, { trustedNodes: [nodePub], domain, now, ...opts }), (e: unknown) => e instanceof ProProofError && e.reason === reason);

describe('Pro proofs (node issues, client verifies offline)', () => {
  it('expires at min(subscription expiry, now + TTL) and verifies with the node key', () => {
    const long = issue(now + 86_400 * 30);
    assert.equal(long.expiresAt, now + 3600);
    assert.deepEqual(verifyProProof(long, { trustedNodes: [nodePub], domain, now }), { accountId: account, expiresAt: now + 3600 });
    const short = issue(now + 100);
    assert.equal(short.expiresAt, now + 100);
    assert.equal(verifyProProof(short, { trustedNodes: [nodePub], domain, now: now + 99 }).expiresAt, now + 100);
    fails(short, 'expired', { now: now + 100 });
  });

  it('reveals nothing but the account, times, domain and node key', () => {
    assert.deepEqual(Object.keys(issue(now + 1000)).sort(), ['accountId', 'chainId', 'expiresAt', 'issuedAt', 'nodePublicKey', 'pro', 'signature']);
  });

  it('refuses a lapsed subscription and a bad account ID at issue time', () => {
    assert.throws(() => issue(now), NoActiveProError);
    assert.throws(() => issueProProof({ accountId: '05zz', subscriptionExpiry: now + 10, now, chainId: 1, pro: domain.pro, nodeSecretKey: nodeKey }), /account ID/);
  });

  it('refuses tampered fields, untrusted nodes, other networks, and future issue times', () => {
    const proof = issue(now + 86_400);
    fails({ ...proof, expiresAt: proof.expiresAt + 1 }, 'bad-signature');
    fails({ ...proof, accountId: `05${'7b'.repeat(32)}` }, 'bad-signature');
    const other = ed25519.utils.randomSecretKey();
    fails({ ...proof, nodePublicKey: bytesToHex(ed25519.getPublicKey(other)) }, 'untrusted-node');
    fails({ ...proof, nodePublicKey: bytesToHex(ed25519.getPublicKey(other)) }, 'bad-signature', { trustedNodes: [nodePub, bytesToHex(ed25519.getPublicKey(other))] });
    fails(proof, 'wrong-domain', { domain: { ...domain, chainId: 1 } });
    fails(proof, 'issued-in-future', { now: now - 1000 });
    fails({ ...proof, signature: '0x12' }, 'malformed');
    fails({ ...proof, accountId: 'nope' }, 'malformed');
  });
});
