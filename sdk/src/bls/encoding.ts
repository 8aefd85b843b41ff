/**
 * Encodings of BN254 points: the Solidity ABI shapes of BN254.sol (G2 in EIP-197 order,
 * IMAGINARY PART FIRST) and hex for key files and JSON.
 *
 * Hex layouts (big-endian 32-byte words):
 *   G1 (64 bytes):  x ‖ y
 *   G2 (128 bytes): x_imag ‖ x_real ‖ y_imag ‖ y_real   (EIP-197)
 *   public key (192 bytes): G1 ‖ G2;   secret key: 32 bytes;   signature: a G1 point.
 */
import { type Hex } from 'viem';
import { BlsEncodingError, BlsPointError } from './errors.ts';
import { FIELD_MODULUS, G1, G2, GROUP_ORDER, type G1Point, type G2Point } from './curve.ts';

/** A G1 point as the Solidity struct BN254.G1Point. */
export type SolidityG1 = { x: bigint; y: bigint };
/** A G2 point as the Solidity struct BN254.G2Point: [imaginary, real] (EIP-197). */
export type SolidityG2 = { x: readonly [bigint, bigint]; y: readonly [bigint, bigint] };

export function g1ToSolidity(point: G1Point): SolidityG1 {
  const { x, y } = point.toAffine(); // the identity becomes (0, 0), as in the precompiles
  return { x, y };
}

export function g2ToSolidity(point: G2Point): SolidityG2 {
  const { x, y } = point.toAffine();
  return { x: [x.c1, x.c0], y: [y.c1, y.c0] };
}

function checkCoordinate(value: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value >= FIELD_MODULUS) {
    throw new BlsEncodingError(`${what} must be an integer in [0, P) of the BN254 base field`);
  }
}

/** A G1 point from Solidity coordinates; throws BlsPointError if off the curve or the identity. */
export function g1FromSolidity(point: SolidityG1): G1Point {
  checkCoordinate(point.x, 'G1 x');
  checkCoordinate(point.y, 'G1 y');
  if (point.x === 0n && point.y === 0n) throw new BlsPointError('G1 point is the identity (0, 0); a key or signature cannot be');
  const p = G1.fromAffine({ x: point.x, y: point.y });
  try {
    p.assertValidity();
  } catch {
    throw new BlsPointError(`(${point.x}, ${point.y}) is not on the BN254 G1 curve y² = x³ + 3`);
  }
  return p;
}

/** A G2 point from Solidity coordinates (EIP-197 order); throws BlsPointError if invalid or the identity. */
export function g2FromSolidity(point: SolidityG2): G2Point {
  for (const [i, v] of [...point.x, ...point.y].entries()) checkCoordinate(v, `G2 coordinate ${i}`);
  if ([...point.x, ...point.y].every((v) => v === 0n)) throw new BlsPointError('G2 point is the identity; a key cannot be');
  const p = G2.fromAffine({ x: { c0: point.x[1], c1: point.x[0] }, y: { c0: point.y[1], c1: point.y[0] } });
  try {
    p.assertValidity();
  } catch {
    throw new BlsPointError('G2 point is not on the BN254 twist or not in the prime-order subgroup (check the EIP-197 order: imaginary part first)');
  }
  return p;
}

/** The lowest bit of y: the parity bit the contract stores next to x. */
export function compressedKeyParity(point: G1Point): 0 | 1 {
  return (point.toAffine().y & 1n) === 1n ? 1 : 0;
}

/** The contract's one-slot form of a G1 key: x | (yParity << 255). */
export function compressG1(point: G1Point): bigint {
  return point.toAffine().x | (BigInt(compressedKeyParity(point)) << 255n);
}

const word = (v: bigint) => v.toString(16).padStart(64, '0');

function words(hex: string, count: number, what: string): bigint[] {
  if (typeof hex !== 'string' || !new RegExp(`^0x[0-9a-fA-F]{${count * 64}}$`).test(hex)) {
    throw new BlsEncodingError(`${what} must be 0x followed by ${count * 64} hex digits (${count * 32} bytes)`);
  }
  return Array.from({ length: count }, (_, i) => BigInt(`0x${hex.slice(2 + i * 64, 2 + (i + 1) * 64)}`));
}

export function g1ToHex(point: G1Point): Hex {
  const { x, y } = g1ToSolidity(point);
  return `0x${word(x)}${word(y)}`;
}

export function g1FromHex(hex: string): G1Point {
  const [x, y] = words(hex, 2, 'G1 point hex') as [bigint, bigint];
  return g1FromSolidity({ x, y });
}

export function g2ToHex(point: G2Point): Hex {
  const { x, y } = g2ToSolidity(point);
  return `0x${word(x[0])}${word(x[1])}${word(y[0])}${word(y[1])}`;
}

export function g2FromHex(hex: string): G2Point {
  const [a, b, c, d] = words(hex, 4, 'G2 point hex') as [bigint, bigint, bigint, bigint];
  return g2FromSolidity({ x: [a, b], y: [c, d] });
}

export type BlsPublicKey = { publicKeyG1: G1Point; publicKeyG2: G2Point };

/** 192 bytes: G1 ‖ G2. Does not prove the two halves share a secret (the PoP does). */
export function blsPublicKeyToHex(key: BlsPublicKey): Hex {
  return `0x${g1ToHex(key.publicKeyG1).slice(2)}${g2ToHex(key.publicKeyG2).slice(2)}`;
}

export function blsPublicKeyFromHex(hex: string): BlsPublicKey {
  words(hex, 6, 'BLS public key hex');
  return { publicKeyG1: g1FromHex(hex.slice(0, 2 + 128)), publicKeyG2: g2FromHex(`0x${hex.slice(2 + 128)}`) };
}

export function blsSecretKeyToHex(secretKey: bigint): Hex {
  return `0x${word(secretKey)}`;
}

export function blsSecretKeyFromHex(hex: string): bigint {
  const [secret] = words(hex, 1, 'BLS secret key hex') as [bigint];
  if (secret === 0n || secret >= GROUP_ORDER) throw new BlsEncodingError('BLS secret key must satisfy 1 ≤ key < the BN254 group order');
  return secret;
}

export const blsSignatureToHex = g1ToHex;
export const blsSignatureFromHex = g1FromHex;
