/**
 * Messages as they travel between nodes (handoff pushes and pulls, storage-test samples):
 * the stored fields with the data in base64, and the checks a receiver runs on every one it
 * gets, because a peer is trusted for nothing it can be checked on: the hash is recomputed
 * from the content, the data size and expiry are held to the client protocol's limits, and
 * the account must belong to the receiver's swarm. A message that fails is refused alone,
 * with its reason; the rest of the batch is stored.
 */
import { account } from '../../../sdk/src/storage/account.ts';
import { MAX_MESSAGE_BYTES, TTL_MAX_PRIVATE_MS } from '../../../sdk/src/storage/limits.ts';
import { messageHash } from '../../../sdk/src/storage/message-hash.ts';
import type { StoredMessage, SwarmView } from './types.ts';

export type WireMessage = { account: string; namespace: number; hash: string; data: string; timestamp: number; expiry: number };

export const toWire = (m: StoredMessage): WireMessage => ({
  account: m.account,
  namespace: m.namespace,
  hash: m.hash,
  data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('base64'),
  timestamp: m.timestamp,
  expiry: m.expiry,
});

/** Bytes a message takes in a JSON body (base64 data plus the other fields, roughly). */
export const wireSize = (m: StoredMessage) => Math.ceil(m.data.byteLength / 3) * 4 + m.account.length + m.hash.length + 96;

export type TransferLimits = {
  /** The client protocol's data limit (76,800 bytes). */
  maxDataBytes: number;
  /** The longest TTL a client may ask for: an expiry further than this from now is refused. */
  maxTtlMs: number;
  /** The anchor's message hash of this content. */
  hashOf: (m: StoredMessage) => string;
};

/** The client protocol's own limits and hash (sdk/src/storage). */
export const PROTOCOL_LIMITS: TransferLimits = Object.freeze({
  maxDataBytes: MAX_MESSAGE_BYTES,
  maxTtlMs: TTL_MAX_PRIVATE_MS,
  hashOf: (m: StoredMessage) => messageHash(account(m.account), m.namespace, m.data),
});
/** Clocks of two nodes differ a little: an expiry this far beyond the limit still passes. */
const CLOCK_SLACK_MS = 60_000;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Checks one received message; returns it decoded, or why it is refused. */
export function acceptWire(value: unknown, o: TransferLimits & { swarmView: SwarmView; nowMs: number; mustHold?: boolean }): { ok: true; message: StoredMessage } | { ok: false; hash: string; reason: string } {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof WireMessage, unknown>>;
  const hash = typeof v.hash === 'string' ? v.hash.slice(0, 100) : '?';
  const refuse = (reason: string) => ({ ok: false as const, hash, reason });
  if (typeof v.account !== 'string' || !/^[0-9a-f]{66}$/.test(v.account)) return refuse('account must be 66 lower-case hex characters (prefix byte and key)');
  if (typeof v.namespace !== 'number' || !Number.isInteger(v.namespace) || v.namespace < -32768 || v.namespace > 32767) return refuse('namespace must be an integer from -32768 to 32767');
  if (typeof v.hash !== 'string' || v.hash.length === 0 || v.hash.length > 100) return refuse('hash must be a non-empty string');
  if (typeof v.data !== 'string' || v.data.length % 4 !== 0 || !BASE64.test(v.data)) return refuse('data must be standard base64');
  if (typeof v.timestamp !== 'number' || !Number.isSafeInteger(v.timestamp) || v.timestamp < 0) return refuse('timestamp must be unix milliseconds');
  if (typeof v.expiry !== 'number' || !Number.isSafeInteger(v.expiry)) return refuse('expiry must be unix milliseconds');
  const data = new Uint8Array(Buffer.from(v.data, 'base64'));
  if (data.byteLength > o.maxDataBytes) return refuse(`data is ${data.byteLength} bytes, more than the ${o.maxDataBytes} a message may hold`);
  if (v.expiry <= o.nowMs) return refuse('the message has expired');
  if (v.expiry > o.nowMs + o.maxTtlMs + CLOCK_SLACK_MS) return refuse(`expiry is more than the longest TTL (${o.maxTtlMs} ms) from now`);
  const message: StoredMessage = { account: v.account, namespace: v.namespace, hash: v.hash, data, timestamp: v.timestamp, expiry: v.expiry };
  const expected = o.hashOf(message);
  if (expected !== v.hash) return refuse(`hash does not match the content (recomputed ${expected})`);
  if (o.mustHold !== false && !o.swarmView.holds(v.account)) return refuse(`account ${v.account} is not in this node's swarm`);
  return { ok: true, message };
}

/** Splits messages into batches under `maxBytes` and `maxCount` each (one oversized message still gets its own batch). */
export function batches(messages: readonly StoredMessage[], maxBytes: number, maxCount: number): StoredMessage[][] {
  const out: StoredMessage[][] = [];
  let current: StoredMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = wireSize(m);
    if (current.length > 0 && (bytes + size > maxBytes || current.length >= maxCount)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
