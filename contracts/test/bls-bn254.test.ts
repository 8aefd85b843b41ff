/** BN254.sol against @noble/curves and the sdk's BLS module, on a real chain. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, type Address, type Hex } from 'viem';
import { BN254Harness } from '../../sdk/src/generated/contracts.ts';
import { bn254 } from '@noble/curves/bn254.js';
import {
  FIELD_MODULUS,
  GROUP_ORDER,
  blsKeyPairFromSecret,
  g1ToSolidity,
  g2ToSolidity,
  hashToG1,
  signDigest,
  verifySignature,
  type SolidityG1,
} from '../../sdk/src/bls/index.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const abi = BN254Harness.abi;
const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));

describe('BN254 library (harness)', () => {
  let sys: LocalSystem;
  let harness: Address;
  const read = async <T>(functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address: harness, abi, functionName, args } as never)) as T;

  before(async () => {
    sys = await startLocalSystem();
    harness = await (await sys.as(0)).deploy('BN254Harness');
  });
  after(() => sys.stop());

  it('has the curve constants of @noble/curves', async () => {
    const [p, r, twoPow256ModP, sqrtExponent] = await read<readonly bigint[]>('constants');
    assert.equal(p, FIELD_MODULUS);
    assert.equal(r, GROUP_ORDER);
    assert.equal(p, bn254.fields.Fp.ORDER);
    assert.equal(twoPow256ModP, (1n << 256n) % FIELD_MODULUS);
    assert.equal(sqrtExponent, (FIELD_MODULUS + 1n) / 4n);
    assert.deepEqual(await read('negG2Generator'), g2ToSolidity(G2.BASE.negate()));
  });

  it('hashToG1 gives the same point on-chain and off-chain (50 random digests)', async () => {
    await fc.assert(
      fc.asyncProperty(digestArb, async (digest) => {
        const onChain = await read<SolidityG1>('hashToG1', [digest]);
        const offChain = hashToG1(digest as Hex);
        offChain.assertValidity();
        assert.deepEqual(onChain, g1ToSolidity(offChain));
      }),
      { numRuns: 50 },
    );
  });

  it('hashToG1 regression vectors (pinned in sdk/test/bls-sdk.test.ts) hold on-chain too', async () => {
    for (const digest of [`0x${'00'.repeat(32)}`, `0x${'ff'.repeat(32)}`] as Hex[]) {
      assert.deepEqual(await read<SolidityG1>('hashToG1', [digest]), g1ToSolidity(hashToG1(digest)));
    }
  });

  it('add, negate and scalarMul match noble; bad points are refused', async () => {
    const a = G1.BASE.multiply(12345n);
    const b = G1.BASE.multiply(987654321n);
    assert.deepEqual(await read('add', [g1ToSolidity(a), g1ToSolidity(b)]), g1ToSolidity(a.add(b)));
    assert.deepEqual(await read('negate', [g1ToSolidity(a)]), g1ToSolidity(a.negate()));
    assert.deepEqual(await read('negate', [{ x: 0n, y: 0n }]), { x: 0n, y: 0n });
    assert.deepEqual(await read('scalarMul', [g1ToSolidity(a), 77n]), g1ToSolidity(a.multiply(77n)));
    const offCurve = { x: 1n, y: 3n };
    await expectRevert(read('add', [offCurve, g1ToSolidity(a)]), 'EcAddFailed');
    await expectRevert(read('scalarMul', [offCurve, 2n]), 'EcMulFailed');
    assert.equal(await read('isOnCurveG1', [g1ToSolidity(a)]), true);
    assert.equal(await read('isOnCurveG1', [offCurve]), false);
    assert.equal(await read('isOnCurveG1', [{ x: 0n, y: 0n }]), false);
    const { x, y } = a.toAffine();
    assert.equal(await read('isOnCurveG1', [{ x: x + FIELD_MODULUS, y }]), false);
    assert.equal(await read('yFromX', [x, y & 1n]), y);
    assert.equal(await read('yFromX', [x, 1n - (y & 1n)]), FIELD_MODULUS - y);
  });

  it('pairing2 checks e(a,b)·e(c,d) = 1 and refuses an invalid G2 point', async () => {
    const a = G1.BASE.multiply(5n);
    const q = G2.BASE.multiply(7n);
    // e(5·G1, 7·G2) · e(−35·G1, G2) = 1
    assert.equal(await read('pairing2', [g1ToSolidity(a), g2ToSolidity(q), g1ToSolidity(G1.BASE.multiply(35n).negate()), g2ToSolidity(G2.BASE)]), true);
    assert.equal(await read('pairing2', [g1ToSolidity(a), g2ToSolidity(q), g1ToSolidity(G1.BASE.multiply(36n).negate()), g2ToSolidity(G2.BASE)]), false);
    const bad = { x: [1n, 2n], y: [3n, 4n] } as const;
    await expectRevert(read('pairing2', [g1ToSolidity(a), bad, g1ToSolidity(a), g2ToSolidity(q)]), 'PairingFailed');
  });

  it('verifySignature agrees with the sdk on valid and invalid signatures', async () => {
    await fc.assert(
      fc.asyncProperty(digestArb, fc.bigInt({ min: 1n, max: GROUP_ORDER - 1n }), async (digest, secret) => {
        const key = blsKeyPairFromSecret(secret);
        const sigma = signDigest(secret, digest as Hex);
        const h = hashToG1(digest as Hex);
        assert.equal(verifySignature({ digest: digest as Hex, signature: sigma, publicKeyG1: key.publicKeyG1, publicKeyG2: key.publicKeyG2 }), true);
        const args = [g1ToSolidity(h), g1ToSolidity(sigma), g1ToSolidity(key.publicKeyG1), g2ToSolidity(key.publicKeyG2)];
        assert.equal(await read('verifySignature', args), true);
        const wrongSigma = sigma.add(G1.BASE);
        assert.equal(await read('verifySignature', [args[0], g1ToSolidity(wrongSigma), args[2], args[3]]), false);
        assert.equal(verifySignature({ digest: digest as Hex, signature: wrongSigma, publicKeyG1: key.publicKeyG1, publicKeyG2: key.publicKeyG2 }), false);
        // A G2 key of another secret fails even with a matching G1 key and signature.
        const otherG2 = G2.BASE.multiply(secret === 1n ? 2n : secret - 1n);
        assert.equal(await read('verifySignature', [args[0], args[1], args[2], g2ToSolidity(otherG2)]), false);
        assert.equal(verifySignature({ digest: digest as Hex, signature: sigma, publicKeyG1: key.publicKeyG1, publicKeyG2: otherG2 }), false);
        // Off-curve inputs are a false, not a revert.
        assert.equal(await read('verifySignature', [args[0], { x: 1n, y: 3n }, args[2], args[3]]), false);
        assert.equal(await read('verifySignature', [args[0], args[1], args[2], { x: [1n, 2n], y: [3n, 4n] }]), false);
      }),
      { numRuns: 10 },
    );
  });
});
