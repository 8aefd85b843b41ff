/**
 * Turning the shares of a round into one NetworkSignature the contract accepts.
 *
 * Fast path: Σ signatures, Σ G2 keys (as the nodes sent them) and Σ registered G1 keys of
 * the signers, checked ONCE with the contract's own equation (verifyMessagePoint). Only if
 * that fails do we look for the culprits: first shares invalid under their own G2 key
 * (findInvalidShares bisects), then G2 keys that do not match the node's registered G1 key
 * (one pairing each, cached once a key is known good). Culprits are dropped and reported.
 */
import type { Hex } from 'viem';
import {
  findInvalidShares,
  messagePoint,
  networkSignatureArgs,
  verifyMessagePoint,
  type G1Point,
  type G2Point,
  type NetworkSignatureArgs,
} from '../../sdk/src/bls/index.ts';
import { bn254, Fp12, G1, G2 } from '../../sdk/src/bls/curve.ts';

export type Share = { nodeId: bigint; signature: G1Point; publicKeyG2: G2Point; g2Hex: string };

const keysKnownGood = new Set<string>();

/** The G2 key decoded WITHOUT the (slow) subgroup check: the aggregate check covers the sum. */
const g2Cache = new Map<string, G2Point>();
export function decodeG2Unchecked(hex: string): G2Point {
  let point = g2Cache.get(hex);
  if (point) return point;
  if (!/^0x[0-9a-f]{256}$/.test(hex)) throw new Error('blsPublicKeyG2 must be 128 bytes of lower-case hex');
  const w = (i: number) => BigInt(`0x${hex.slice(2 + i * 64, 2 + (i + 1) * 64)}`);
  point = G2.fromAffine({ x: { c0: w(1), c1: w(0) }, y: { c0: w(3), c1: w(2) } });
  if (g2Cache.size > 50_000) g2Cache.clear();
  g2Cache.set(hex, point);
  return point;
}

/** e(pk1, G2) == e(G1, pk2): the two halves of a key share one secret. */
function keysMatch(pk1: G1Point, pk2: G2Point): boolean {
  try {
    pk2.assertValidity();
    return Fp12.eql(bn254.pairing(pk1, G2.BASE), bn254.pairing(G1.BASE, pk2));
  } catch {
    return false;
  }
}

export type AggregateResult = {
  valid: Share[];
  /** Shares dropped, with why. */
  invalid: { nodeId: bigint; reason: string }[];
  sigma: G1Point;
  apkG2: G2Point;
};

export function aggregateShares(args: { digest: Hex; shares: readonly Share[]; registeredKey: (nodeId: bigint) => G1Point }): AggregateResult {
  const h = messagePoint(args.digest);
  const sum = (shares: readonly Share[]) => {
    let sigma = G1.ZERO;
    let apk1 = G1.ZERO;
    let apk2 = G2.ZERO;
    for (const s of shares) {
      sigma = sigma.add(s.signature);
      apk1 = apk1.add(args.registeredKey(s.nodeId));
      apk2 = apk2.add(s.publicKeyG2);
    }
    return { sigma, apk1, apk2 };
  };
  const check = (shares: readonly Share[]) => {
    const s = sum(shares);
    return { ok: shares.length > 0 && verifyMessagePoint(h, s.sigma, s.apk1, s.apk2), ...s };
  };
  let valid = [...args.shares];
  const invalid: AggregateResult['invalid'] = [];
  let result = check(valid);
  if (!result.ok && valid.length > 0) {
    const bad = new Set(findInvalidShares({ digest: args.digest, shares: valid }));
    for (const i of bad) invalid.push({ nodeId: valid[i]!.nodeId, reason: 'signature does not verify under its BLS key' });
    valid = valid.filter((_, i) => !bad.has(i));
    result = check(valid);
    if (!result.ok) {
      const mismatched = valid.filter((s) => !keysKnownGood.has(s.g2Hex) && !keysMatch(args.registeredKey(s.nodeId), s.publicKeyG2));
      for (const s of mismatched) invalid.push({ nodeId: s.nodeId, reason: 'BLS key is not the key registered for this node' });
      valid = valid.filter((s) => !mismatched.includes(s));
      result = check(valid);
      if (!result.ok && valid.length > 0) throw new Error('aggregate does not verify although every share and key checks out; refusing to submit');
    }
  }
  for (const s of valid) keysKnownGood.add(s.g2Hex);
  return { valid, invalid, sigma: result.sigma, apkG2: result.apk2 };
}

export function signatureArgs(result: AggregateResult, nonSigners: readonly { nodeId: bigint; publicKeyG1: G1Point }[]): NetworkSignatureArgs {
  return networkSignatureArgs({ sigma: result.sigma, apkG2: result.apkG2, nonSigners });
}

/** The struct as JSON for the portal: every integer as a decimal string. */
export function signatureArgsJson(args: NetworkSignatureArgs) {
  return {
    sigma: { x: args.sigma.x.toString(), y: args.sigma.y.toString() },
    apkG2: { x: args.apkG2.x.map(String), y: args.apkG2.y.map(String) },
    nonSigners: args.nonSigners.map(String),
    nonSignerY: args.nonSignerY.map(String),
  };
}
