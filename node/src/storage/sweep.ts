/**
 * The expiry sweep: expired messages are already invisible (every read filters on expiry),
 * so the sweep only reclaims their space, on a timer, as the anchor's clean_expired does
 * every 10 seconds. One DELETE through the expiry index; a failure is logged, not fatal.
 */
import type { MessageDb } from './types.ts';

export const SWEEP_INTERVAL_MS = 10_000;

export function startExpirySweep(db: MessageDb, options: { intervalMs?: number; now?: () => number; log?: (line: string) => void } = {}): { stop: () => void; sweepNow: () => number } {
  const now = options.now ?? Date.now;
  const sweepNow = () => {
    try {
      return db.sweepExpired(now());
    } catch (error) {
      options.log?.(`storage: expiry sweep failed: ${(error as Error).message}`);
      return 0;
    }
  };
  const timer = setInterval(sweepNow, options.intervalMs ?? SWEEP_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), sweepNow };
}
