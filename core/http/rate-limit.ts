/**
 * Per-key token buckets (key = client IP): `capacity` requests in a burst, refilled at
 * `refillPerSecond`. Beyond `maxKeys` the least recently seen keys are forgotten (their
 * bucket starts full again), so memory stays bounded under many IPs.
 */
export type RateLimitOptions = {
  capacity: number;
  refillPerSecond: number;
  /** Bound on tracked keys; the oldest are dropped first (default 10,000). */
  maxKeys?: number;
  now?: () => number;
};

export type RateLimiter = {
  /** Takes one token; `retryAfterSec` says when the next one will be there if refused. */
  take: (key: string) => { ok: true } | { ok: false; retryAfterSec: number };
  /** Whether `key` has a token now, without taking it. */
  peek: (key: string) => boolean;
  size: () => number;
};

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new Error('rate limit: capacity must be ≥ 1 and refillPerSecond > 0');
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: options.capacity, at: t };
      bucket.tokens = Math.min(options.capacity, bucket.tokens + ((t - bucket.at) / 1000) * options.refillPerSecond);
      bucket.at = t;
      buckets.delete(key); // re-insert: Map order is then least-recently-used first
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        buckets.set(key, bucket);
        if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
        return { ok: true };
      }
      buckets.set(key, bucket);
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - bucket.tokens) / options.refillPerSecond)) };
    },
    peek(key) {
      const bucket = buckets.get(key);
      if (!bucket) return true;
      return Math.min(options.capacity, bucket.tokens + ((now() - bucket.at) / 1000) * options.refillPerSecond) >= 1;
    },
    size: () => buckets.size,
  };
}
