/**
 * Key files: `{ "type": "...", "secret": "0x…", "publicKey": "0x…" }` in JSON, created
 * atomically with mode 0600 and never overwritten. Used for the node's ed25519 identity now
 * and for its BLS key later (same format, another `type`).
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic, FileExistsError } from '../atomic-file.ts';

export type KeyFile = {
  /** What the secret is, e.g. "ed25519" or "bls-bn254". */
  type: string;
  /** The secret, 0x-prefixed hex. */
  secret: `0x${string}`;
  /** The public key, 0x-prefixed hex, so a reader can check the secret is the one expected. */
  publicKey?: `0x${string}`;
};

export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

const HEX = /^0x([0-9a-f]{2})+$/;

/** Creates a key file (mode 0600, atomic); refuses if one already exists at `path`. */
export function writeKeyFile(path: string, key: KeyFile): void {
  if (!/^[a-z0-9-]+$/.test(key.type)) throw new KeyFileError(`key type "${key.type}" must be lower-case letters, digits and dashes`);
  if (!HEX.test(key.secret)) throw new KeyFileError('the secret must be 0x-prefixed lower-case hex');
  if (key.publicKey !== undefined && !HEX.test(key.publicKey)) throw new KeyFileError('the public key must be 0x-prefixed lower-case hex');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileAtomic(path, `${JSON.stringify({ type: key.type, secret: key.secret, ...(key.publicKey ? { publicKey: key.publicKey } : {}) }, null, 2)}\n`, {
      mode: 0o600,
      exclusive: true,
    });
  } catch (error) {
    if (error instanceof FileExistsError) throw new KeyFileError(`${path} already exists; refusing to overwrite a key (move it away first if you really mean to replace it)`);
    throw error;
  }
}

/** Reads a key file of the `expected` type; refuses files readable by group or others. */
export function readKeyFile(path: string, expected: string): KeyFile {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new KeyFileError(`no key file at ${path}; create one first (the daemon does it on first start)`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new KeyFileError(`${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`);
  }
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new KeyFileError(`${path} is not a JSON key file: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new KeyFileError(`${path} is not a JSON key file`);
  if (parsed.type !== expected) throw new KeyFileError(`${path} holds a ${String(parsed.type)} key, expected ${expected}`);
  if (typeof parsed.secret !== 'string' || !HEX.test(parsed.secret)) throw new KeyFileError(`${path}: "secret" must be 0x-prefixed lower-case hex`);
  if (parsed.publicKey !== undefined && (typeof parsed.publicKey !== 'string' || !HEX.test(parsed.publicKey))) {
    throw new KeyFileError(`${path}: "publicKey" must be 0x-prefixed lower-case hex`);
  }
  return { type: parsed.type, secret: parsed.secret as `0x${string}`, ...(parsed.publicKey ? { publicKey: parsed.publicKey as `0x${string}` } : {}) };
}
