/**
 * When the next reward checkpoint is expected: the chain time between the last two checkpoints
 * this gateway saw, added to the last one. Chain time, because the portal counts down in chain
 * time (a devnet clock runs many times faster than a wall clock).
 */
export type NextCheckpoint = { estimatedAt: number | null; basis: string };

export function createCheckpointClock(intervalMs: number | null) {
  const seen: { epoch: bigint; time: number }[] = [];
  return {
    next(last: { epoch: bigint; time: number } | null, chainTime: number): NextCheckpoint {
      if (!last) return { estimatedAt: null, basis: 'no checkpoint has landed yet' };
      if (seen.at(-1)?.epoch !== last.epoch) {
        seen.push(last);
        if (seen.length > 2) seen.shift();
      }
      const [prev, latest] = seen.length === 2 ? seen : [undefined, seen[0]!];
      if (prev && latest && latest.time > prev.time) {
        const gap = latest.time - prev.time;
        // Overdue: the next one is "now", not in the past.
        return { estimatedAt: Math.max(latest.time + gap, chainTime), basis: `the last two checkpoints were ${gap} s of chain time apart` };
      }
      if (intervalMs !== null) return { estimatedAt: null, basis: `this gateway proposes one every ${Math.round(intervalMs / 1000)} s of real time` };
      return { estimatedAt: null, basis: 'not known until this gateway has seen two checkpoints' };
    },
  };
}
