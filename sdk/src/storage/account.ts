/**
 * Storage accounts: who a message box belongs to and which key may sign for it.
 *
 * An account is a 33-byte public key: a network/type byte and 32 key bytes, written as 66 hex
 * characters (the anchor's user_pubkey). `05…` is a Session ID, whose 32 bytes are an X25519
 * key: it cannot sign, so a request for it carries `pubkey_ed25519`, the Ed25519 key it was
 * derived from, and the node checks that this key converts to exactly the X25519 bytes of the
 * ID before it checks the signature. `03…` (groups) and any other type byte hold an Ed25519
 * key that signs directly. A Session-style keypair is derived from a 32-byte Ed25519 seed.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed25519PublicKey } from '../crypto/ed25519.ts';
import { fromHex, toHex } from './encoding.ts';
import { StorageRpcError } from './types.ts';

/** The type byte of a Session ID (X25519 key). */
export const SESSION_ID_TYPE = 0x05;
/** The type byte of a closed group (Ed25519 key). */
export const GROUP_TYPE = 0x03;

export type Account = {
  /** 66 lower-case hex characters: the type byte then the key (the anchor's prefixed_hex). */
  id: string;
  /** The type/network byte (5 Session ID, 3 group, …). */
  type: number;
  /** The 32 key bytes after the type byte. */
  key: Uint8Array;
  /** All 33 bytes: type byte then key (the anchor's prefixed_raw; hashed into message hashes). */
  bytes: Uint8Array;
};

/**
 * Parses an account pubkey as the anchor does: 66 hex characters, any type byte. Refuses with
 * 400 and a reason naming the field otherwise.
 */
export function parseAccount(value: unknown, field = 'pubkey'): Account {
  if (typeof value !== 'string') throw new StorageRpcError(400, `invalid request: Invalid value given for '${field}': expected string`);
  const bytes = fromHex(value, 33);
  if (!bytes) {
    throw new StorageRpcError(400, `invalid request: Pubkey must be 66 hex digits (33 bytes) long, e.g. 05 followed by a 64-hex-digit key; got ${describe(value)}`);
  }
  return { id: value.toLowerCase(), type: bytes[0]!, key: bytes.subarray(1), bytes };
}

/** The account of a 66-hex id the caller knows is well formed (throws StorageRpcError if not). */
export const account = (id: string): Account => parseAccount(id);

/**
 * The X25519 public key an Ed25519 public key converts to (libsodium's
 * crypto_sign_ed25519_pk_to_curve25519), or undefined when the bytes are not a usable Ed25519
 * point (off the curve or of small order, which libsodium refuses too).
 */
export function ed25519ToX25519(publicKey: Uint8Array): Uint8Array | undefined {
  if (publicKey.length !== 32) return undefined;
  const id = toHex(publicKey);
  if (conversions.has(id)) return conversions.get(id);
  let x: Uint8Array | undefined;
  try {
    const point = ed25519.Point.fromBytes(publicKey);
    x = point.isSmallOrder() ? undefined : ed25519.utils.toMontgomery(publicKey);
  } catch {
    x = undefined;
  }
  if (conversions.size >= CONVERSION_CACHE_LIMIT) conversions.clear();
  conversions.set(id, x);
  return x;
}

// The conversion decompresses a point in JavaScript (about 1 ms); a node sees the same few
// keys again and again (every signed request of an account), so results are kept.
const CONVERSION_CACHE_LIMIT = 10_000;
const conversions = new Map<string, Uint8Array | undefined>();

/**
 * The Ed25519 key whose signatures speak for `account`, or undefined when none can:
 *   - a Session ID with `pubkeyEd25519`: that key, iff it converts to the ID's X25519 bytes;
 *   - any account without it: its own 32 key bytes (for a Session ID signatures will then not
 *     verify, as at the anchor, since an X25519 key is not an Ed25519 key).
 * `pubkeyEd25519` on an account that is not a Session ID is refused when the request is parsed.
 */
export function signingKeyOf(account: Account, pubkeyEd25519: Uint8Array | undefined): Uint8Array | undefined {
  if (pubkeyEd25519 === undefined) return account.key;
  if (account.type !== SESSION_ID_TYPE) return undefined;
  const x = ed25519ToX25519(pubkeyEd25519);
  if (!x || !equalBytes(x, account.key)) return undefined;
  return pubkeyEd25519;
}

export type SessionKeys = {
  /** The 32-byte Ed25519 seed (secret). */
  seed: Uint8Array;
  ed25519PublicKey: Uint8Array;
  /** The 32-byte X25519 public key derived from it. */
  x25519PublicKey: Uint8Array;
  /** "05" + the X25519 public key in hex. */
  sessionId: string;
  account: Account;
};

/** A Session-style identity from a 32-byte Ed25519 seed: Session ID = "05" + X25519(pub). */
export function sessionKeysFromSeed(seed: Uint8Array): SessionKeys {
  if (seed.length !== 32) throw new Error(`a Session seed is 32 bytes, got ${seed.length}`);
  const edPub = ed25519PublicKey(seed);
  const xPub = ed25519.utils.toMontgomery(edPub);
  const sessionId = `05${toHex(xPub)}`;
  return { seed: Uint8Array.from(seed), ed25519PublicKey: edPub, x25519PublicKey: xPub, sessionId, account: parseAccount(sessionId) };
}

/** Keys of an Ed25519-addressed account (type byte `type`, e.g. 03 for a group) from a seed. */
export function ed25519AccountFromSeed(seed: Uint8Array, type = GROUP_TYPE): { seed: Uint8Array; ed25519PublicKey: Uint8Array; account: Account } {
  const edPub = ed25519PublicKey(seed);
  return { seed: Uint8Array.from(seed), ed25519PublicKey: edPub, account: parseAccount(`${type.toString(16).padStart(2, '0')}${toHex(edPub)}`) };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function describe(value: string): string {
  if (value.length > 80) return `${value.length} characters`;
  return `"${value}" (${value.length} characters)`;
}
