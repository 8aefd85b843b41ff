/**
 * Signing and verification, with the same equation as BN254.verifySignature:
 *   gamma = keccak256(abi.encode(H, sigma, apk1, apk2)) mod R
 *   e(sigma + gamma·apk1, −G2gen) · e(H + gamma·G1gen, apk2) == 1
 * Signatures are in G1 (sigma = sk·H); keys in G1 and G2.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { type Hex } from 'viem';
import { bn254, Fp12, G1, G2, GROUP_ORDER, type G1Point, type G2Point } from './curve.ts';
import { g1ToSolidity, g2ToSolidity } from './encoding.ts';
import { hashToG1 } from './hash-to-curve.ts';

export type Precompute = ReturnType<typeof bn254.utils.calcPairingPrecomputes>;

// Many signers of one digest in one process (a devnet, tests, the gateway's checks) reuse the
// hashed point; from its second use it gets a window table, making each multiply ~5x cheaper.
const RECENT_LIMIT = 16;
const recentPoints = new Map<string, { point: G1Point; uses: number }>();

/** hashToG1(digest), memoised for the last few digests. */
export function messagePoint(digest: Hex): G1Point {
  const key = String(digest).toLowerCase();
  let entry = recentPoints.get(key);
  if (entry) recentPoints.delete(key);
  else entry = { point: hashToG1(digest), uses: 0 };
  if (++entry.uses === 2) entry.point.precompute(6);
  recentPoints.set(key, entry);
  if (recentPoints.size > RECENT_LIMIT) recentPoints.delete(recentPoints.keys().next().value!);
  return entry.point;
}

/** The G1 signature of `digest` (a 32-byte hex value) under `secretKey` (constant-time multiply). */
export function signDigest(secretKey: bigint, digest: Hex): G1Point {
  return messagePoint(digest).multiply(secretKey);
}

/** The random-looking scalar binding the G1 and G2 keys in the check (as in the contract). */
export function verificationGamma(h: G1Point, sigma: G1Point, apk1: G1Point, apk2: G2Point): bigint {
  const a = g1ToSolidity(h);
  const b = g1ToSolidity(sigma);
  const c = g1ToSolidity(apk1);
  const d = g2ToSolidity(apk2);
  const values = [a.x, a.y, b.x, b.y, c.x, c.y, d.x[0], d.x[1], d.y[0], d.y[1]];
  const bytes = new Uint8Array(32 * values.length);
  values.forEach((v, i) => {
    for (let j = 31; j >= 0; j--, v >>= 8n) bytes[i * 32 + j] = Number(v & 0xffn);
  });
  let gamma = 0n;
  for (const byte of keccak_256(bytes)) gamma = (gamma << 8n) | BigInt(byte);
  return gamma % GROUP_ORDER;
}

// G2 line precomputes are the costly half of a pairing: cache them per point object
// (−G2gen always; a gateway that keeps node key objects gets theirs cached too).
const precomputes = new WeakMap<G2Point, Precompute>();
/** −G2gen, the fixed G2 argument of every check. */
export const NEG_G2: G2Point = G2.BASE.negate();

/** Miller-loop line coefficients of a G2 point, cached per point object. */
export function precompute(point: G2Point): Precompute {
  let cached = precomputes.get(point);
  if (!cached) {
    cached = bn254.utils.calcPairingPrecomputes(point);
    precomputes.set(point, cached);
  }
  return cached;
}

/** Verifies `sigma` on the message point `h` for a key given in G1 and G2 (the contract's equation). */
export function verifyMessagePoint(h: G1Point, sigma: G1Point, apk1: G1Point, apk2: G2Point): boolean {
  try {
    for (const p of [h, sigma, apk1]) if (!p.is0()) p.assertValidity();
    if (!apk2.is0()) apk2.assertValidity();
  } catch {
    return false;
  }
  const gamma = verificationGamma(h, sigma, apk1, apk2);
  const left = gamma === 0n ? sigma : sigma.add(apk1.multiplyUnsafe(gamma));
  const right = gamma === 0n ? h : h.add(G1.BASE.multiply(gamma));
  // A term with an identity point contributes 1, as in the precompile.
  const pairs: [Precompute, bigint, bigint][] = [];
  if (!left.is0()) {
    const { x, y } = left.toAffine();
    pairs.push([precompute(NEG_G2), x, y]);
  }
  if (!right.is0() && !apk2.is0()) {
    const { x, y } = right.toAffine();
    pairs.push([precompute(apk2), x, y]);
  }
  return Fp12.eql(Fp12.finalExponentiate(bn254.millerLoopBatch(pairs)), Fp12.ONE);
}

/** Verifies a signature on a 32-byte digest for the key (publicKeyG1, publicKeyG2). */
export function verifySignature(args: { digest: Hex; signature: G1Point; publicKeyG1: G1Point; publicKeyG2: G2Point }): boolean {
  return verifyMessagePoint(messagePoint(args.digest), args.signature, args.publicKeyG1, args.publicKeyG2);
}
