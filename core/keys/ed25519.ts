/**
 * The node's ed25519 identity: its messaging key, and the key peers check its answers
 * against. The node id is the 32-byte public key in hex.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../sdk/src/crypto/ed25519.ts';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { KeyFileError, readKeyFile, writeKeyFile } from './key-file.ts';

export const ED25519_KEY_TYPE = 'ed25519';
export const ED25519_KEY_FILE = 'ed25519.key';

export type Ed25519Identity = {
  /** 32-byte seed (RFC 8032 secret key). */
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  /** 0x + the public key in hex. */
  nodeId: `0x${string}`;
};

const toHex = (bytes: Uint8Array) => `0x${bytesToHex(bytes)}` as const;

export function ed25519Identity(secretKey: Uint8Array): Ed25519Identity {
  if (secretKey.length !== 32) throw new KeyFileError(`an ed25519 secret key is 32 bytes, got ${secretKey.length}`);
  const publicKey = ed25519PublicKey(secretKey);
  return { secretKey, publicKey, nodeId: toHex(publicKey) };
}

export function generateEd25519Identity(): Ed25519Identity {
  return ed25519Identity(new Uint8Array(randomBytes(32)));
}

/** Writes a new identity to `path` (0600, atomic, never overwriting). */
export function createEd25519KeyFile(path: string): Ed25519Identity {
  const identity = generateEd25519Identity();
  writeKeyFile(path, { type: ED25519_KEY_TYPE, secret: toHex(identity.secretKey), publicKey: identity.nodeId });
  return identity;
}

export function loadEd25519KeyFile(path: string): Ed25519Identity {
  const file = readKeyFile(path, ED25519_KEY_TYPE);
  const identity = ed25519Identity(hexToBytes(file.secret.slice(2)));
  if (file.publicKey && file.publicKey !== identity.nodeId) {
    throw new KeyFileError(`${path}: the stored public key does not match the secret; the file is damaged`);
  }
  return identity;
}

/** Loads `<keyDir>/ed25519.key`, creating it on first start. */
export function loadOrCreateEd25519Key(keyDir: string): { identity: Ed25519Identity; created: boolean; path: string } {
  const path = join(keyDir, ED25519_KEY_FILE);
  if (existsSync(path)) return { identity: loadEd25519KeyFile(path), created: false, path };
  return { identity: createEd25519KeyFile(path), created: true, path };
}

export const signEd25519 = (identity: Ed25519Identity, message: Uint8Array): Uint8Array => ed25519Sign(message, identity.secretKey);

/** False (never throws) on malformed keys or signatures. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return ed25519Verify(signature, message, publicKey);
}
