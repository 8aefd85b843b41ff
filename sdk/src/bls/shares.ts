/**
 * Checking the signature shares a gateway collects for one digest. Keys registered on-chain
 * passed a proof of possession, which tied each G2 key to its G1 key, so a share only needs
 * e(sigma_i, −G2gen) · e(H, pkG2_i) == 1.
 *
 * For a signing round: `findInvalidShares` first checks the plain aggregate (one pairing, ~0.1 s
 * for 2,000 shares); only if that fails does it bisect, ~2·log2(n) aggregate checks per bad share.
 */
import { type Hex } from 'viem';
import { bn254, Fp12, G1, G2, type G1Point, type G2Point } from './curve.ts';
import { messagePoint, NEG_G2, precompute, type Precompute } from './sign.ts';

export type SignatureShare = { signature: G1Point; publicKeyG2: G2Point };

function isValidPoint(point: G1Point | G2Point): boolean {
  try {
    point.assertValidity();
    return !point.is0();
  } catch {
    return false;
  }
}

/** e(sigmaSum, −G2gen) · e(h, keySum) == 1, with identity terms counting as 1 (as the precompile). */
function pairingCheck(sigmaSum: G1Point, h: G1Point, keySum: G2Point): boolean {
  const pairs: [Precompute, bigint, bigint][] = [];
  if (!sigmaSum.is0()) {
    const { x, y } = sigmaSum.toAffine();
    pairs.push([precompute(NEG_G2), x, y]);
  }
  if (!keySum.is0()) {
    const { x, y } = h.toAffine();
    pairs.push([precompute(keySum), x, y]);
  }
  return Fp12.eql(Fp12.finalExponentiate(bn254.millerLoopBatch(pairs)), Fp12.ONE);
}

/**
 * Checks one signer's share e(sigma, −G2gen) · e(H, pkG2) == 1 using only its G2 key: the
 * gateway's fast path for keys registered on-chain with a proof of possession (which already
 * tied the G2 key to the G1 key). ~2x faster than verifySignature.
 */
export function verifySignatureShare(args: { digest: Hex; signature: G1Point; publicKeyG2: G2Point }): boolean {
  return verifySignatureShares({ digest: args.digest, shares: [args] });
}

/**
 * Checks many shares of one digest at once: with random 64-bit r_i,
 *   e(Σ r_i·sigma_i, −G2gen) · Π e(r_i·H, pkG2_i) == 1,
 * one Miller loop per share and ONE final exponentiation (~5x faster per share than one by one).
 * True only if every share is valid, except with probability ≤ 2^-64 (false for no shares).
 * On false, split the batch to find the bad shares.
 */
export function verifySignatureShares(args: { digest: Hex; shares: readonly SignatureShare[] }): boolean {
  if (args.shares.length === 0) return false;
  const h = messagePoint(args.digest);
  let sigmaSum = G1.ZERO;
  const pairs: [Precompute, bigint, bigint][] = [];
  for (const { signature, publicKeyG2 } of args.shares) {
    try {
      signature.assertValidity();
      publicKeyG2.assertValidity();
    } catch {
      return false;
    }
    if (signature.is0() || publicKeyG2.is0()) return false;
    const r = args.shares.length === 1 ? 1n : randomScalar64();
    sigmaSum = sigmaSum.add(signature.multiplyUnsafe(r)); // r is public randomness, not a secret
    const { x, y } = h.multiplyUnsafe(r).toAffine();
    pairs.push([precompute(publicKeyG2), x, y]);
  }
  if (!sigmaSum.is0()) {
    const { x, y } = sigmaSum.toAffine();
    pairs.push([precompute(NEG_G2), x, y]);
  }
  return Fp12.eql(Fp12.finalExponentiate(bn254.millerLoopBatch(pairs)), Fp12.ONE);
}

/**
 * The indices (ascending) of shares to drop so that the aggregate of the rest verifies: every
 * malformed share and every share found bad by bisection. Shares whose errors cancel out within
 * a passing group are kept, which is harmless: that group's aggregate is valid.
 */
export function findInvalidShares(args: { digest: Hex; shares: readonly SignatureShare[] }): number[] {
  const h = messagePoint(args.digest);
  const bad: number[] = [];
  const candidates: number[] = [];
  args.shares.forEach((share, i) => (isValidPoint(share.signature) && isValidPoint(share.publicKeyG2) ? candidates : bad).push(i));
  const bisect = (indices: number[]): void => {
    if (indices.length === 0) return;
    let sigmaSum = G1.ZERO;
    let keySum = G2.ZERO;
    for (const i of indices) {
      sigmaSum = sigmaSum.add(args.shares[i]!.signature);
      keySum = keySum.add(args.shares[i]!.publicKeyG2);
    }
    if (pairingCheck(sigmaSum, h, keySum)) return;
    if (indices.length === 1) {
      bad.push(indices[0]!);
      return;
    }
    const middle = indices.length >> 1;
    bisect(indices.slice(0, middle));
    bisect(indices.slice(middle));
  };
  bisect(candidates);
  return bad.sort((a, b) => a - b);
}

function randomScalar64(): bigint {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2)) as unknown as [number, number];
  return ((BigInt(hi) << 32n) | BigInt(lo)) + 1n;
}
