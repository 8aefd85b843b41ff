/**
 * The BN254 (alt_bn128) curve as used by the EVM precompiles (EIP-196/197), from
 * @noble/curves. Every constant comes from `bn254.fields`; none is typed by hand.
 */
import { bn254 } from '@noble/curves/bn254.js';

export { bn254 };

export const Fp = bn254.fields.Fp;
export const Fp2 = bn254.fields.Fp2;
export const Fp12 = bn254.fields.Fp12;
/** The base-field modulus P. */
export const FIELD_MODULUS: bigint = Fp.ORDER;
/** The group order R (secret keys and scalars live mod R). */
export const GROUP_ORDER: bigint = bn254.fields.Fr.ORDER;

export type G1Point = ReturnType<typeof bn254.G1.Point.fromAffine>;
export type G2Point = ReturnType<typeof bn254.G2.Point.fromAffine>;

export const G1 = bn254.G1.Point;
export const G2 = bn254.G2.Point;
