/**
 * Is the chain connection alive, and what time is it on chain, without ever hanging a request:
 * health from the tracker's last completed sync, chain time from a short-lived cache of the
 * latest block (refreshed with one quick RPC call), and a deadline for any other chain read.
 * A request that needs the chain while it is unreachable gets 503 `chain_unavailable` in
 * about two seconds instead of waiting through the RPC pool's retries.
 */
import type { Hex } from 'viem';
import { HttpError } from '../http/errors.ts';
import type { Tracker } from './tracker.ts';
import type { RpcRequest } from './rpc.ts';

export class ChainUnavailableError extends HttpError {
  override name = 'ChainUnavailableError';
  constructor(reason: string) {
    super(503, 'chain_unavailable', reason);
  }
}

export type ChainConnection = { ok: boolean; lastSyncAgoSeconds: number | null; lastError: string | null };

/**
 * Stalled when the last completed sync is older than a few poll intervals (at least
 * `minStallMs`, so one slow poll on a busy machine is not an outage).
 */
export function chainConnectionOf(tracker: Pick<Tracker, 'status'>, options: { pollIntervalMs: number; minStallMs?: number; now?: () => number }): () => ChainConnection {
  const now = options.now ?? Date.now;
  const stallMs = Math.max(options.minStallMs ?? 5_000, 4 * options.pollIntervalMs);
  const started = now();
  return () => {
    const st = tracker.status();
    const since = st.lastSyncAt ?? started;
    const ago = now() - since;
    const lastError = st.lastError ?? (st.rpc.find((e) => !e.healthy)?.lastError ?? null);
    return { ok: ago <= stallMs, lastSyncAgoSeconds: st.lastSyncAt === undefined ? null : Math.floor(ago / 1000), lastError: ago <= stallMs ? (st.lastError ?? null) : (lastError ?? `no completed chain sync for ${Math.floor(ago / 1000)} s`) };
  };
}

/** Rejects with ChainUnavailableError if `promise` has not settled within `ms`. */
export function withinChainDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ChainUnavailableError(`${what}: the chain RPC did not answer within ${ms} ms; try again when it is back`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: Error) => {
        clearTimeout(timer);
        reject(e instanceof HttpError ? e : new ChainUnavailableError(`${what}: ${e.message.split('\n')[0]}`));
      },
    );
  });
}

export type ChainClock = {
  /**
   * Timestamp of the latest block (never ahead of the chain: a signature must not be "from the
   * future"). With `notBefore` (a time the caller claims, e.g. a request's signedAt), a cached
   * time earlier than that is re-read once it is `recheckMs` old, so a node that was busy for a
   * moment does not refuse on a clock the chain has since passed.
   */
  now: (notBefore?: number) => Promise<number>;
};

/**
 * Latest block time, cached for `freshMs` (concurrent callers share one read). `request`
 * should be a pool with a short timeout and few attempts; the whole read is bounded by
 * `timeoutMs` either way. A cached time counts as old as the moment its read was SENT: a
 * reply handled late (a stalled event loop) must not look fresh.
 */
export function createChainClock(options: { request: RpcRequest; freshMs?: number; recheckMs?: number; timeoutMs?: number; now?: () => number }): ChainClock {
  const clock = options.now ?? Date.now;
  const freshMs = options.freshMs ?? 1_000;
  const recheckMs = Math.min(options.recheckMs ?? 200, freshMs);
  const timeoutMs = options.timeoutMs ?? 1_800;
  let cached: { time: number; at: number } | undefined;
  let inFlight: Promise<number> | undefined;
  const usable = (notBefore: number | undefined) => {
    if (!cached) return false;
    const age = clock() - cached.at;
    if (age > freshMs) return false;
    return notBefore === undefined || cached.time >= notBefore || age < recheckMs;
  };
  return {
    now(notBefore) {
      if (usable(notBefore)) return Promise.resolve(cached!.time);
      if (!inFlight) {
        const sentAt = clock();
        inFlight = withinChainDeadline(options.request<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]), timeoutMs, 'reading the chain time')
          .then((block) => {
            cached = { time: Number(BigInt(block.timestamp)), at: sentAt };
            return cached.time;
          })
          .finally(() => (inFlight = undefined));
      }
      return inFlight;
    },
  };
}
