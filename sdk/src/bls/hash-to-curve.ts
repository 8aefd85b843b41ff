/**
 * hashToG1: the same try-and-increment hash as BN254.hashToG1 in contracts/src/crypto/BN254.sol
 * (the spec is in that file's header):
 *   for counter = 0..255: h_i = keccak256(DST ‖ digest ‖ uint8(counter) ‖ uint8(i)), i = 0, 1
 *   x = (h0·2^256 + h1) mod P; y = (x³ + 3)^((P+1)/4); if y² = x³ + 3, pick the y whose lowest
 *   bit equals h0's lowest bit and return (x, y).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import { BlsEncodingError } from './errors.ts';
import { FIELD_MODULUS, Fp, G1, type G1Point } from './curve.ts';

/** keccak256("SESH.BN254.hashToG1.v1"), the domain tag of the hash. */
export const HASH_TO_G1_DST: Hex = bytesToHex(keccak_256(new TextEncoder().encode('SESH.BN254.hashToG1.v1')));

const DST_BYTES = hexToBytes(HASH_TO_G1_DST);
const SQRT_EXPONENT = (FIELD_MODULUS + 1n) / 4n;

function bytesToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Parses a 32-byte hex digest; throws BlsEncodingError otherwise. */
export function digestBytes(digest: Hex): Uint8Array {
  if (typeof digest !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(digest)) {
    throw new BlsEncodingError(`digest must be 32 bytes of hex (0x + 64 hex digits), got ${String(digest).slice(0, 80)}`);
  }
  return hexToBytes(digest);
}

/** Hashes a 32-byte digest to a G1 point, identically to the contract. */
export function hashToG1(digest: Hex): G1Point {
  const preimage = new Uint8Array(66);
  preimage.set(DST_BYTES, 0);
  preimage.set(digestBytes(digest), 32);
  for (let counter = 0; counter < 256; counter++) {
    preimage[64] = counter;
    preimage[65] = 0;
    const h0 = bytesToBigint(keccak_256(preimage));
    preimage[65] = 1;
    const h1 = bytesToBigint(keccak_256(preimage));
    const x = Fp.create((h0 << 256n) + h1);
    const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 3n);
    let y = Fp.pow(rhs, SQRT_EXPONENT);
    if (!Fp.eql(Fp.sqr(y), rhs)) continue;
    if ((y & 1n) !== (h0 & 1n)) y = Fp.neg(y);
    return G1.fromAffine({ x, y });
  }
  throw new Error('hashToG1: no point in 256 tries (probability 2^-256)');
}
