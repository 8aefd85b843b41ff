/**
 * The expiry sweep: expired messages are already invisible (every read filters on expiry),
 * so the sweep only reclaims their space, on a timer, as the anchor's clean_expired does
 * every 10 seconds. It deletes through the expiry index in chunks, yielding between them, so
 * a mass expiry never holds the event loop (and the writers) for long; a failure is logged.
 */
import type { MessageDb } from './types.ts';

export const SWEEP_INTERVAL_MS = 10_000;

/** Rows one chunk deletes: a few milliseconds of work. */
export const SWEEP_CHUNK = 2_000;

export function startExpirySweep(db: MessageDb, options: { intervalMs?: number; now?: () => number; log?: (line: string) => void } = {}): { stop: () => void; sweepNow: () => Promise<number> } {
  const now = options.now ?? Date.now;
  let running: Promise<number> | undefined;
  let stopped = false;
  const sweepNow = (): Promise<number> =>
    (running ??= (async () => {
      let total = 0;
      try {
        for (;;) {
          const n = db.sweepExpired(now(), SWEEP_CHUNK);
          total += n;
          if (n < SWEEP_CHUNK || stopped) return total;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        if (!stopped) options.log?.(`storage: expiry sweep failed: ${(error as Error).message}`);
        return total;
      } finally {
        running = undefined;
      }
    })());
  const timer = setInterval(() => void sweepNow(), options.intervalMs ?? SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
    sweepNow,
  };
}
