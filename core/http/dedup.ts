/**
 * The same request twice gets one answer: several round runners (gateways, nodes) may ask a
 * node for the same signature at about the same time, and a signature costs a pairing-free
 * but real BLS operation plus state checks. A request with the same method, path and body as
 * one in flight shares its result; one repeated within `ttlMs` after it settled is answered
 * from the cache. Refusals (HttpError, 4xx replies) are cached too: the second asker would
 * hear the same. Unexpected failures (500s) are shared while in flight but not kept.
 * Bounded: at most `maxEntries` remembered, the oldest dropped first.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { HttpError } from './errors.ts';
import type { Handler, JsonRequest } from './server.ts';

export type Dedup = {
  wrap: (handler: Handler) => Handler;
  stats: () => { hits: number; misses: number; size: number };
};

type Entry = { result: Promise<unknown>; settledAt?: number };

export function createDedup(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): Dedup {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 256;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let hits = 0;
  let misses = 0;
  const keyOf = (r: JsonRequest) => `${r.method} ${r.path} ${bytesToHex(sha256(utf8ToBytes(JSON.stringify(r.body ?? null))))}`;
  const fresh = (e: Entry) => e.settledAt === undefined || now() - e.settledAt < ttlMs;
  return {
    wrap: (handler) => async (request) => {
      const key = keyOf(request);
      const known = entries.get(key);
      if (known && fresh(known)) {
        hits++;
        return known.result;
      }
      misses++;
      const entry: Entry = { result: Promise.resolve().then(() => handler(request)) };
      entries.delete(key);
      entries.set(key, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      entry.result.then(
        () => (entry.settledAt = now()),
        (error: unknown) => {
          if (error instanceof HttpError) entry.settledAt = now();
          else if (entries.get(key) === entry) entries.delete(key);
        },
      );
      return entry.result;
    },
    stats: () => ({ hits, misses, size: entries.size }),
  };
}
