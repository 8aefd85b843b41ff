/**
 * Stage-2 invite codes. A participant may hand out MAX_INVITES codes; code k of inviter I is
 *   base64url( I (20 bytes) ‖ k (2 bytes) ‖ HMAC-SHA256(secret, "sesh-testnet-invite-v1" ‖ I ‖ k)[0..10] )
 * so codes are derived, not stored: the faucet recomputes the MAC to check a code, which
 * proves it was issued to I and bounds each inviter to MAX_INVITES codes. Codes are single
 * use: the eligibility state records every redeemed code with who redeemed it.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, getAddress, hexToBytes, type Address } from 'viem';

export const MAX_INVITES = 5;
const DOMAIN = new TextEncoder().encode('sesh-testnet-invite-v1');
const MAC_BYTES = 10;

export class InviteError extends Error {
  override name = 'InviteError';
}

function mac(secret: Uint8Array, inviter: Address, k: number): Uint8Array {
  const message = new Uint8Array([...DOMAIN, ...hexToBytes(inviter), k >> 8, k & 0xff]);
  return hmac(sha256, secret, message).slice(0, MAC_BYTES);
}

export function inviteCode(secret: Uint8Array, inviter: Address, k: number): string {
  if (!Number.isInteger(k) || k < 0 || k >= MAX_INVITES) throw new InviteError(`invite number must be 0–${MAX_INVITES - 1}`);
  const bytes = new Uint8Array([...hexToBytes(inviter), k >> 8, k & 0xff, ...mac(secret, inviter, k)]);
  return Buffer.from(bytes).toString('base64url');
}

export function inviteCodes(secret: Uint8Array, inviter: Address): string[] {
  return Array.from({ length: MAX_INVITES }, (_, k) => inviteCode(secret, inviter, k));
}

/** Checks a code's MAC and returns who it was issued to. Does not check single use. */
export function verifyInviteCode(secret: Uint8Array, code: string): { inviter: Address; k: number } {
  const bytes = /^[A-Za-z0-9_-]+$/.test(code) ? new Uint8Array(Buffer.from(code, 'base64url')) : new Uint8Array();
  if (bytes.length !== 20 + 2 + MAC_BYTES) throw new InviteError('this is not an invite code (wrong length); copy the whole code');
  const inviter = getAddress(bytesToHex(bytes.slice(0, 20)));
  const k = (bytes[20]! << 8) | bytes[21]!;
  const expected = k < MAX_INVITES ? mac(secret, inviter, k) : new Uint8Array(MAC_BYTES);
  let diff = k < MAX_INVITES ? 0 : 1;
  for (let i = 0; i < MAC_BYTES; i++) diff |= expected[i]! ^ bytes[22 + i]!;
  if (diff !== 0) throw new InviteError('invalid invite code (not issued by this program)');
  return { inviter, k };
}
