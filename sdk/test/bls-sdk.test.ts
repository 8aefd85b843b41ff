/** The sdk's BN254 BLS module off-chain: keys, hashing, signing, aggregation, encodings, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { keccak256, toBytes, type Hex } from 'viem';
import { bn254 } from '@noble/curves/bn254.js';
import {
  BlsEncodingError,
  BlsPointError,
  FIELD_MODULUS,
  GROUP_ORDER,
  aggregateG1,
  aggregateG2,
  blsKeyPairFromSecret,
  consecutiveBlsKeyPairs,
  blsPublicKeyFromHex,
  blsPublicKeyToHex,
  blsPurpose,
  blsSecretKeyFromHex,
  blsSecretKeyToHex,
  blsSignatureFromHex,
  blsSignatureToHex,
  compressG1,
  compressedKeyParity,
  g1FromHex,
  g1FromSolidity,
  g1ToHex,
  g2FromHex,
  g2FromSolidity,
  g2ToHex,
  g2ToSolidity,
  generateBlsKeyPair,
  hashToG1,
  networkDigest,
  networkSignatureArgs,
  proofOfPossessionDigest,
  signDigest,
  signNetworkMessage,
  signProofOfPossession,
  verifySignature,
  verifySignatureShare,
  verifySignatureShares,
  findInvalidShares,
} from '../src/bls/index.ts';

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const secretArb = fc.bigInt({ min: 1n, max: GROUP_ORDER - 1n });
const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString('hex')}` as Hex);
const CONTRACT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const OPERATOR = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('BLS keys', () => {
  it('derives G1 and G2 keys of the same secret, and refuses secrets out of range', () => {
    const key = blsKeyPairFromSecret(123456789n);
    assert.ok(key.publicKeyG1.equals(G1.BASE.multiply(123456789n)));
    // e(pk1, G2) = e(G1, pk2) ⇔ same secret
    assert.ok(bn254.fields.Fp12.eql(bn254.pairing(key.publicKeyG1, G2.BASE), bn254.pairing(G1.BASE, key.publicKeyG2)));
    for (const bad of [0n, -1n, GROUP_ORDER, GROUP_ORDER + 5n]) assert.throws(() => blsKeyPairFromSecret(bad), BlsEncodingError);
    const a = generateBlsKeyPair();
    const b = generateBlsKeyPair();
    assert.notEqual(a.secretKey, b.secretKey);
    assert.ok(a.secretKey > 0n && a.secretKey < GROUP_ORDER);
  });
});

describe('consecutiveBlsKeyPairs', () => {
  it('gives the same keys as deriving each consecutive secret on its own', () => {
    const pairs = consecutiveBlsKeyPairs(5);
    assert.equal(pairs.length, 5);
    for (const [i, pair] of pairs.entries()) {
      assert.equal(pair.secretKey, pairs[0]!.secretKey + BigInt(i));
      const derived = blsKeyPairFromSecret(pair.secretKey);
      assert.ok(pair.publicKeyG1.equals(derived.publicKeyG1) && pair.publicKeyG2.equals(derived.publicKeyG2), `pair ${i}`);
    }
  });
});

describe('hashToG1', () => {
  it('matches the regression vectors (also checked on-chain in contracts/test/bls-bn254.test.ts)', () => {
    assert.equal(
      g1ToHex(hashToG1(`0x${'00'.repeat(32)}`)),
      '0x06e45fd634df92dddb5b12599e18b23936288b41c7b9e7a3a9fa855f44b7e7a70daad7ded719e9b3c6eb1b60c5609bb19a311e7756dc3771b362ad67a187b62d',
    );
    assert.equal(
      g1ToHex(hashToG1(`0x${'ff'.repeat(32)}`)),
      '0x158e9cbe0fccc9dbb7a1ca13c673ecf8e3791092e5f335d70cc1674d89a2a9f530105e1f6891c59beac2d0f90611ce6a5157c48eaaec8458745680b2474eb251',
    );
  });

  it('always gives a valid non-identity G1 point, different per digest', () => {
    fc.assert(
      fc.property(digestArb, digestArb, (a, b) => {
        const p = hashToG1(a);
        p.assertValidity();
        assert.ok(!p.is0());
        if (a !== b) assert.ok(!p.equals(hashToG1(b)));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a digest that is not 32 bytes of hex', () => {
    for (const bad of ['0x', '0x1234', `0x${'zz'.repeat(32)}`, '00'.repeat(32), `0x${'00'.repeat(33)}`]) {
      assert.throws(() => hashToG1(bad as Hex), BlsEncodingError);
    }
  });
});

describe('signing and aggregation', () => {
  it('an aggregate of n signatures verifies against the aggregate keys; anything else fails', () => {
    fc.assert(
      fc.property(fc.array(secretArb, { minLength: 1, maxLength: 6 }), digestArb, (secrets, digest) => {
        const keys = secrets.map(blsKeyPairFromSecret);
        const signature = aggregateG1(keys.map((k) => signDigest(k.secretKey, digest)));
        const publicKeyG1 = aggregateG1(keys.map((k) => k.publicKeyG1));
        const publicKeyG2 = aggregateG2(keys.map((k) => k.publicKeyG2));
        const sum = secrets.reduce((a, b) => (a + b) % GROUP_ORDER, 0n);
        if (sum === 0n) return; // the keys cancel out: no meaningful aggregate
        assert.equal(verifySignature({ digest, signature, publicKeyG1, publicKeyG2 }), true);
        const otherDigest = keccak256(digest);
        assert.equal(verifySignature({ digest: otherDigest, signature, publicKeyG1, publicKeyG2 }), false);
        assert.equal(verifySignature({ digest, signature: signature.add(G1.BASE), publicKeyG1, publicKeyG2 }), false);
        assert.equal(verifySignature({ digest, signature, publicKeyG1: publicKeyG1.add(G1.BASE), publicKeyG2 }), false);
        assert.equal(verifySignature({ digest, signature, publicKeyG1, publicKeyG2: publicKeyG2.add(G2.BASE) }), false);
      }),
      { numRuns: 8 },
    );
  });

  it('share checks accept valid shares and reject any batch with a bad one', () => {
    const digest = keccak256(toBytes('shares'));
    const keys = [11n, 22n, 33n, 44n, 55n].map(blsKeyPairFromSecret);
    // The same digest signed repeatedly goes through the memoised, precomputed message point.
    const shares = keys.map((k) => ({ signature: signDigest(k.secretKey, digest), publicKeyG2: k.publicKeyG2 }));
    for (const k of keys) assert.ok(signDigest(k.secretKey, digest).equals(hashToG1(digest).multiply(k.secretKey)));
    assert.equal(verifySignatureShare({ digest, ...shares[0]! }), true);
    assert.equal(verifySignatureShare({ digest, signature: shares[0]!.signature, publicKeyG2: keys[1]!.publicKeyG2 }), false);
    assert.equal(verifySignatureShares({ digest, shares }), true);
    assert.equal(verifySignatureShares({ digest: keccak256(digest), shares }), false);
    // Two shares that cancel in a plain sum still fail the randomised batch.
    const delta = G1.BASE.multiply(999n);
    const cancelling = [...shares];
    cancelling[1] = { ...shares[1]!, signature: shares[1]!.signature.add(delta) };
    cancelling[2] = { ...shares[2]!, signature: shares[2]!.signature.subtract(delta) };
    assert.equal(verifySignatureShares({ digest, shares: cancelling }), false);
    assert.equal(verifySignatureShares({ digest, shares: [] }), false);
  });

  it('findInvalidShares names the bad shares and the rest aggregates to a valid signature', () => {
    const digest = keccak256(toBytes('round'));
    const keys = Array.from({ length: 24 }, (_, i) => blsKeyPairFromSecret(BigInt(i + 1) * 7919n));
    const shares = keys.map((k) => ({ signature: signDigest(k.secretKey, digest), publicKeyG2: k.publicKeyG2 }));
    assert.deepEqual(findInvalidShares({ digest, shares }), []);
    shares[3] = { ...shares[3]!, signature: signDigest(keys[3]!.secretKey, keccak256(digest)) }; // another message
    shares[11] = { ...shares[11]!, signature: shares[11]!.signature.add(G1.BASE) }; // tampered
    shares[17] = { ...shares[17]!, signature: G1.fromAffine({ x: 1n, y: 3n }) }; // not a curve point
    shares[20] = { ...shares[20]!, publicKeyG2: keys[21]!.publicKeyG2 }; // someone else's key
    const bad = findInvalidShares({ digest, shares });
    assert.deepEqual(bad, [3, 11, 17, 20]);
    const good = shares.filter((_, i) => !bad.includes(i));
    const goodKeys = keys.filter((_, i) => !bad.includes(i));
    assert.equal(
      verifySignature({ digest, signature: aggregateG1(good.map((s) => s.signature)), publicKeyG1: aggregateG1(goodKeys.map((k) => k.publicKeyG1)), publicKeyG2: aggregateG2(goodKeys.map((k) => k.publicKeyG2)) }),
      true,
    );
  });

  it('the empty aggregates are the identity and the identity signature never verifies', () => {
    assert.ok(aggregateG1([]).is0());
    assert.ok(aggregateG2([]).is0());
    const key = blsKeyPairFromSecret(5n);
    const digest = keccak256(toBytes('x'));
    assert.equal(verifySignature({ digest, signature: G1.ZERO, publicKeyG1: key.publicKeyG1, publicKeyG2: key.publicKeyG2 }), false);
  });
});

describe('messages', () => {
  it('proofs of possession and network messages are bound to their context', () => {
    const key = blsKeyPairFromSecret(42n);
    const ctx = { chainId: 31337, contract: CONTRACT, operator: OPERATOR } as const;
    const pop = signProofOfPossession({ ...ctx, secretKey: key.secretKey, publicKey: key.publicKeyG1 });
    const digest = proofOfPossessionDigest({ ...ctx, publicKey: key.publicKeyG1 });
    assert.equal(verifySignature({ digest, signature: pop, publicKeyG1: key.publicKeyG1, publicKeyG2: key.publicKeyG2 }), true);
    assert.ok(signProofOfPossession({ ...ctx, secretKey: key.secretKey }).equals(pop)); // public key derived
    assert.notEqual(proofOfPossessionDigest({ ...ctx, chainId: 1, publicKey: key.publicKeyG1 }), digest);
    assert.notEqual(proofOfPossessionDigest({ ...ctx, operator: CONTRACT, publicKey: key.publicKeyG1 }), digest);
    const msg = { chainId: 31337, contract: CONTRACT, purpose: blsPurpose('SESH.rewards.v1'), payloadHash: keccak256(toBytes('p')) } as const;
    const sig = signNetworkMessage({ ...msg, secretKey: key.secretKey });
    assert.equal(verifySignature({ digest: networkDigest(msg), signature: sig, publicKeyG1: key.publicKeyG1, publicKeyG2: key.publicKeyG2 }), true);
    assert.notEqual(networkDigest({ ...msg, purpose: blsPurpose('SESH.exit.v1') }), networkDigest(msg));
    assert.throws(() => networkDigest({ ...msg, purpose: '0x1234' }), BlsEncodingError);
    assert.throws(() => networkDigest({ ...msg, payloadHash: 'nothex' as Hex }), BlsEncodingError);
  });
});

describe('encodings', () => {
  it('round-trips keys, signatures and secrets through hex', () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const key = blsKeyPairFromSecret(secret);
        const back = blsPublicKeyFromHex(blsPublicKeyToHex(key));
        assert.ok(back.publicKeyG1.equals(key.publicKeyG1) && back.publicKeyG2.equals(key.publicKeyG2));
        assert.equal(blsSecretKeyFromHex(blsSecretKeyToHex(secret)), secret);
        assert.ok(g1FromHex(g1ToHex(key.publicKeyG1)).equals(key.publicKeyG1));
        assert.ok(g2FromHex(g2ToHex(key.publicKeyG2)).equals(key.publicKeyG2));
        const sig = signDigest(secret, keccak256(toBytes('m')));
        assert.ok(blsSignatureFromHex(blsSignatureToHex(sig)).equals(sig));
        const { x, y } = key.publicKeyG1.toAffine();
        assert.equal(compressedKeyParity(key.publicKeyG1), Number(y & 1n));
        assert.equal(compressG1(key.publicKeyG1), x | ((y & 1n) << 255n));
      }),
      { numRuns: 10 },
    );
  });

  it('writes G2 in EIP-197 order (imaginary part first)', () => {
    const g = G2.BASE.toAffine();
    assert.deepEqual(g2ToSolidity(G2.BASE), { x: [g.x.c1, g.x.c0], y: [g.y.c1, g.y.c0] });
    // The EIP-197 generator, imaginary parts first.
    assert.equal(g2ToSolidity(G2.BASE).x[0], 11559732032986387107991004021392285783925812861821192530917403151452391805634n);
  });

  it('refuses malformed input with typed errors', () => {
    const key = blsKeyPairFromSecret(7n);
    const { x, y } = key.publicKeyG1.toAffine();
    assert.throws(() => g1FromSolidity({ x, y: y + 1n }), BlsPointError);
    assert.throws(() => g1FromSolidity({ x: 0n, y: 0n }), BlsPointError);
    assert.throws(() => g1FromSolidity({ x: x + FIELD_MODULUS, y }), BlsEncodingError);
    const g2 = g2ToSolidity(key.publicKeyG2);
    assert.throws(() => g2FromSolidity({ x: [g2.x[1], g2.x[0]], y: [g2.y[1], g2.y[0]] }), BlsPointError); // real part first
    assert.throws(() => g2FromSolidity({ x: [0n, 0n], y: [0n, 0n] }), BlsPointError);
    assert.throws(() => g1FromHex('0x1234'), BlsEncodingError);
    assert.throws(() => g1FromHex(`0x${'gg'.repeat(64)}`), BlsEncodingError);
    assert.throws(() => blsPublicKeyFromHex(g1ToHex(key.publicKeyG1)), BlsEncodingError);
    assert.throws(() => blsSecretKeyFromHex(`0x${'00'.repeat(32)}`), BlsEncodingError);
    assert.throws(() => blsSecretKeyFromHex(blsSecretKeyToHex(GROUP_ORDER)), BlsEncodingError);
    const error = (() => {
      try {
        g1FromHex('0x12');
      } catch (e) {
        return e as Error;
      }
    })();
    assert.equal(error?.name, 'BlsEncodingError');
  });

  it('networkSignatureArgs sorts non-signers by node id and refuses duplicates', () => {
    const keys = [5, 1, 3].map((i) => blsKeyPairFromSecret(BigInt(i) * 1000n));
    const args = networkSignatureArgs({
      sigma: G1.BASE,
      apkG2: G2.BASE,
      nonSigners: [
        { nodeId: 5, publicKeyG1: keys[0]!.publicKeyG1 },
        { nodeId: 1n, publicKeyG1: keys[1]!.publicKeyG1 },
        { nodeId: 3, publicKeyG1: keys[2]!.publicKeyG1 },
      ],
    });
    assert.deepEqual(args.nonSigners, [1n, 3n, 5n]);
    assert.deepEqual(args.nonSignerY, [keys[1]!, keys[2]!, keys[0]!].map((k) => k.publicKeyG1.toAffine().y));
    assert.deepEqual(args.sigma, { x: 1n, y: 2n });
    assert.throws(
      () => networkSignatureArgs({ sigma: G1.BASE, apkG2: G2.BASE, nonSigners: [{ nodeId: 2, publicKeyG1: G1.BASE }, { nodeId: 2n, publicKeyG1: G1.BASE }] }),
      BlsEncodingError,
    );
  });
});
