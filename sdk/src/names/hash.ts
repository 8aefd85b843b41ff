/**
 * Name ids: uint256(blake2b-256(normalised name)) — the hash Oxen's name system stored, and
 * the ERC-721 token id of the name in SessionNameRegistry.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, hexToBigInt, type Hex } from 'viem';
import { normaliseName } from './rules.ts';

/** blake2b-256 of the normalised name's bytes (the Oxen ONS name hash). */
export function nameHash(name: string): Hex {
  return bytesToHex(blake2b(new TextEncoder().encode(normaliseName(name)), { dkLen: 32 }));
}

/** The registry token id of `name`. */
export function nameId(name: string): bigint {
  return hexToBigInt(nameHash(name));
}
