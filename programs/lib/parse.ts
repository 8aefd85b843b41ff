/**
 * Field parsers shared by the programs' input formats. Each returns a value or throws a
 * plain Error whose message becomes the bad row's reason.
 */
import { getAddress, isAddress, type Address } from 'viem';

const checked = new Map<string, Address>();

/**
 * An ETH address. Mixed-case input must carry a valid EIP-55 checksum; all-lowercase or
 * all-uppercase input is accepted and checksummed. Results are cached: the same few
 * thousand addresses repeat millions of times in the snapshots.
 */
export function parseAddress(text: string): Address {
  const hit = checked.get(text);
  if (hit) return hit;
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new Error(`"${text}" is not an ETH address (0x + 40 hex digits)`);
  const body = text.slice(2);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixed && !isAddress(text, { strict: true })) throw new Error(`address ${text} has a bad EIP-55 checksum (typo?); expected ${getAddress(text)}`);
  const address = getAddress(text.toLowerCase());
  checked.set(text, address);
  return address;
}

/** A non-negative integer amount in atomic units, as a decimal string or safe integer. */
export function parseAtomic(value: unknown, what: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,30}$/.test(value)) return BigInt(value);
  throw new Error(`${what} must be a non-negative integer in atomic units, got ${JSON.stringify(value)}`);
}

/** A time as unix seconds (integer) or an ISO-8601 UTC string; returns unix seconds. */
export function parseTime(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    if (/^\d{1,12}$/.test(value)) return Number(value);
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?Z$/.test(value)) {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
    }
  }
  throw new Error(`${what} must be unix seconds or an ISO time like 2024-01-31T00:00:00Z, got ${JSON.stringify(value)}`);
}

/** Unix seconds of an ISO UTC time, for constants. */
export function utc(iso: string): number {
  return parseTime(iso, 'time');
}

export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Parses one JSON-lines record, refusing anything but a plain JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('not a JSON object');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  return raw as Record<string, unknown>;
}
