/**
 * Session account IDs: 66 hex characters, `05` followed by a 32-byte X25519 public key.
 * On-chain only the 32 bytes after `05` are stored (a bytes32).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, type Hex } from 'viem';

export class InvalidAccountIdError extends Error {
  override name = 'InvalidAccountIdError';
}

/** Parses a Session account ID ("05" + 64 hex) into the bytes32 the contracts store. */
export function parseAccountId(text: string): Hex {
  const t = text.trim().toLowerCase();
  if (!/^[0-9a-f]*$/.test(t)) throw new InvalidAccountIdError(`account ID "${text}" must be hexadecimal: 05 followed by 64 hex digits`);
  if (t.length !== 66) throw new InvalidAccountIdError(`account ID "${text}" has ${t.length} hex digits; a Session ID has 66 (05 + 64)`);
  if (!t.startsWith('05')) throw new InvalidAccountIdError(`account ID "${text}" must start with 05 (a Session ID), not ${t.slice(0, 2)}`);
  const key = t.slice(2);
  if (/^0+$/.test(key)) throw new InvalidAccountIdError('account ID 05000…0 is not a real Session ID');
  return `0x${key}`;
}

/** Formats the stored bytes32 as a Session account ID ("05" + 64 hex); undefined for zero. */
export function formatAccountId(stored: Hex): string | undefined {
  const key = stored.toLowerCase().replace(/^0x/, '').padStart(64, '0');
  if (!/^[0-9a-f]{64}$/.test(key)) throw new InvalidAccountIdError(`${stored} is not a 32-byte value`);
  return /^0+$/.test(key) ? undefined : `05${key}`;
}

export function isAccountId(text: string): boolean {
  try {
    parseAccountId(text);
    return true;
  } catch {
    return false;
  }
}

/** The Session account ID ("05" + X25519 key) of a Session ed25519 public key. */
export function accountIdFromEd25519(publicKey: Uint8Array): string {
  return `05${bytesToHex(ed25519.utils.toMontgomery(publicKey)).slice(2)}`;
}
