/** Builds the NetworkAuthority.NetworkSignature struct for a contract call. */
import { BlsEncodingError } from './errors.ts';
import type { G1Point, G2Point } from './curve.ts';
import { g1ToSolidity, g2ToSolidity, type SolidityG1, type SolidityG2 } from './encoding.ts';

export type NonSigner = { nodeId: bigint | number; publicKeyG1: G1Point };

/** The struct as viem takes it. */
export type NetworkSignatureArgs = {
  sigma: SolidityG1;
  apkG2: SolidityG2;
  nonSigners: readonly bigint[];
  nonSignerY: readonly bigint[];
};

/**
 * The struct for `sigma` (aggregate signature of the signers), `apkG2` (aggregate G2 key of
 * the signers) and the non-signers, which are sorted by node id as the contract requires.
 * Throws BlsEncodingError for a node id listed twice.
 */
export function networkSignatureArgs(args: { sigma: G1Point; apkG2: G2Point; nonSigners: readonly NonSigner[] }): NetworkSignatureArgs {
  const sorted = args.nonSigners
    .map((n) => ({ nodeId: BigInt(n.nodeId), y: n.publicKeyG1.toAffine().y }))
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.nodeId === sorted[i - 1]!.nodeId) throw new BlsEncodingError(`non-signer node ${sorted[i]!.nodeId} is listed twice`);
  }
  return {
    sigma: g1ToSolidity(args.sigma),
    apkG2: g2ToSolidity(args.apkG2),
    nonSigners: sorted.map((n) => n.nodeId),
    nonSignerY: sorted.map((n) => n.y),
  };
}
