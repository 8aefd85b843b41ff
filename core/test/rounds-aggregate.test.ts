/** The gateway's aggregate-first check: honest shares pass in one check; a bad share and a key that is not the registered one are found and dropped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blsKeyPairFromSecret, g2ToHex, networkDigest, signDigest, verifySignature, aggregateG1, type BlsKeyPair } from '../../sdk/src/bls/index.ts';
import { G1, G2 } from '../../sdk/src/bls/curve.ts';
import { aggregateShares, type Share } from '../rounds/aggregate.ts';

const digest = networkDigest({ chainId: 1, contract: '0x00000000000000000000000000000000000000a1', purpose: `0x${'01'.repeat(32)}`, payloadHash: `0x${'02'.repeat(32)}` });
// Keys in arithmetic progression: one point addition each (G2 multiplications are slow).
const base = blsKeyPairFromSecret(987654321987654321n);
const keys: BlsKeyPair[] = [base];
for (let i = 1; i < 6; i++) {
  const p = keys[i - 1]!;
  keys.push({ secretKey: p.secretKey + 1n, publicKeyG1: p.publicKeyG1.add(G1.BASE), publicKeyG2: p.publicKeyG2.add(G2.BASE) });
}
const share = (i: number, k: BlsKeyPair = keys[i]!): Share => ({ nodeId: BigInt(i + 1), signature: signDigest(k.secretKey, digest), publicKeyG2: k.publicKeyG2, g2Hex: g2ToHex(k.publicKeyG2) });
const registeredKey = (id: bigint) => keys[Number(id) - 1]!.publicKeyG1;

describe('aggregateShares', () => {
  it('accepts honest shares with one aggregate check; the result verifies for the signers\' registered keys', () => {
    const r = aggregateShares({ digest, shares: keys.map((_, i) => share(i)), registeredKey });
    assert.equal(r.valid.length, 6);
    assert.deepEqual(r.invalid, []);
    assert.ok(verifySignature({ digest, signature: r.sigma, publicKeyG1: aggregateG1(keys.map((k) => k.publicKeyG1)), publicKeyG2: r.apkG2 }));
  });

  it('drops a share that does not verify and a share made with a key other than the registered one', () => {
    const shares = keys.map((_, i) => share(i));
    shares[1] = { ...shares[1]!, signature: shares[1]!.signature.add(G1.BASE) };
    const stranger = blsKeyPairFromSecret(5n);
    shares[4] = share(4, stranger);
    const r = aggregateShares({ digest, shares, registeredKey });
    assert.deepEqual(r.invalid.map((i) => [i.nodeId, i.reason]), [
      [2n, 'signature does not verify under its BLS key'],
      [5n, 'BLS key is not the key registered for this node'],
    ]);
    assert.deepEqual(r.valid.map((s) => s.nodeId), [1n, 3n, 4n, 6n]);
    const apk1 = aggregateG1([0, 2, 3, 5].map((i) => keys[i]!.publicKeyG1));
    assert.ok(verifySignature({ digest, signature: r.sigma, publicKeyG1: apk1, publicKeyG2: r.apkG2 }));
  });
});
