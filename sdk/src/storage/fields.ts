/**
 * Readers for one field of a storage request's params, as the anchor reads them
 * (rpc/client_rpc_endpoints.cpp parse_field): null counts as absent, a value of the wrong type
 * is refused with 400 "Invalid value given for 'x': expected …", and nothing here ever throws
 * anything but a StorageRpcError. Only the object's own keys are read, so "constructor" or
 * "__proto__" in hostile JSON are plain absent-or-wrong fields.
 */
import { fromBase64 } from './encoding.ts';
import { MAX_HASHES_PER_REQUEST, MIN_TIMESTAMP_MS, NAMESPACE_MAX, NAMESPACE_MIN } from './limits.ts';
import { StorageRpcError } from './types.ts';

export type Params = Record<string, unknown>;

/** A 400 refusal with the anchor's "invalid request: " prefix. */
export const invalid = (reason: string) => new StorageRpcError(400, `invalid request: ${reason}`);

const wrongType = (name: string, expected: string) => invalid(`Invalid value given for '${name}': expected ${expected}`);

export function isParams(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The raw value of an own field, undefined when absent or null. */
export function raw(p: Params, name: string): unknown {
  if (!Object.hasOwn(p, name)) return undefined;
  const v = p[name];
  return v === null ? undefined : v;
}

export function optString(p: Params, name: string): string | undefined {
  const v = raw(p, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw wrongType(name, 'string');
  return v;
}

export function optBool(p: Params, name: string): boolean | undefined {
  const v = raw(p, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw wrongType(name, 'boolean');
  return v;
}

export function optInteger(p: Params, name: string, options: { unsigned?: boolean; stringified?: boolean; expected?: string } = {}): number | undefined {
  let v = raw(p, name);
  if (v === undefined) return undefined;
  if (options.stringified && typeof v === 'string') {
    if (!/^-?[0-9]{1,16}$/.test(v)) throw invalid(`Invalid value given for '${name}': ${JSON.stringify(v.slice(0, 40))}`);
    v = Number(v);
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || (options.unsigned && v < 0)) throw wrongType(name, options.expected ?? (options.unsigned ? 'positive integer' : 'integer'));
  return v;
}

/** A unix-milliseconds timestamp: a non-negative integer that is not plausibly seconds. */
export function optTimestamp(p: Params, name: string, options: { stringified?: boolean } = {}): number | undefined {
  const v = optInteger(p, name, { unsigned: true, stringified: options.stringified, expected: 'integer timestamp (in milliseconds)' });
  if (v === undefined) return undefined;
  checkMilliseconds(name, v);
  return v;
}

function checkMilliseconds(name: string, v: number): void {
  if (v < MIN_TIMESTAMP_MS) throw invalid(`Invalid timestamp for '${name}': timestamp must be in milliseconds`);
}

/** A timestamp or an array of them (expire's `expiry`). */
export function optTimestamps(p: Params, name: string): number[] | undefined {
  const v = raw(p, name);
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (list.length > MAX_HASHES_PER_REQUEST) throw invalid(`'${name}' has ${list.length} entries; at most ${MAX_HASHES_PER_REQUEST} are accepted`);
  for (const x of list) if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw wrongType(name, 'timestamp array');
  for (const x of list as number[]) checkMilliseconds(name, x);
  return list as number[];
}

/** A string or an array of strings (message hashes), bounded in count. */
export function optStrings(p: Params, name: string): string[] | undefined {
  const v = raw(p, name);
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (list.length > MAX_HASHES_PER_REQUEST) throw invalid(`'${name}' has ${list.length} entries; at most ${MAX_HASHES_PER_REQUEST} are accepted`);
  for (const x of list) if (typeof x !== 'string') throw wrongType(name, 'string array');
  return list as string[];
}

function namespaceOf(name: string, v: number): number {
  if (v < NAMESPACE_MIN || v > NAMESPACE_MAX) throw invalid(`Invalid value given for '${name}': value out of range (namespaces are ${NAMESPACE_MIN}..${NAMESPACE_MAX})`);
  return v;
}

export function optNamespace(p: Params, name = 'namespace'): number | undefined {
  const v = raw(p, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw wrongType(name, '16-bit integer');
  return namespaceOf(name, v);
}

/** A namespace or the string "all". */
export function optScope(p: Params, name = 'namespace'): number | 'all' | undefined {
  const v = raw(p, name);
  if (v === undefined) return undefined;
  if (v === 'all') return 'all';
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw wrongType(name, 'integer or "all"');
  return namespaceOf(name, v);
}

export function require<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw invalid(`Required field '${name}' missing`);
  return value;
}

/** Exactly one of a field and its alias (pubkey/pubKey, last_hash/lastHash). */
export function oneOf<T>(first: string, a: T | undefined, second: string, b: T | undefined, required: boolean): T | undefined {
  if (a !== undefined && b !== undefined) throw invalid(`Cannot specify both '${first}' and '${second}'`);
  const v = a ?? b;
  if (required && v === undefined) throw invalid(`Required field '${first}' missing`);
  return v;
}

/** A JSON request signature: 64 bytes as base64 (86 characters, or 88 ending "=="). */
export function signatureOf(text: string, name = 'signature'): Uint8Array {
  const ok = text.length === 86 || (text.length === 88 && text.endsWith('=='));
  const bytes = ok ? fromBase64(text) : undefined;
  if (!bytes || bytes.length !== 64) throw invalid(`invalid ${name}: expected base64 encoded Ed25519 signature (64 bytes, 86 or 88 characters)`);
  return bytes;
}
