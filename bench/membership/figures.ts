/**
 * The bench's figures, from a stage's raw observations:
 *   probes / gossip per node per minute   counters between the end of the warm-up and the end
 *                                          of the run, over the identities that are not dead;
 *   announcement spread                   per re-announcement, seconds until each other
 *                                          identity first accepted it; p99 over the identities
 *                                          that were up (not dead, not paused) for 60 s after it;
 *   dead-node decision                    per dead identity, seconds from t0 to the first
 *                                          FAILING judgment about it;
 *   false positives                       identities not dead that any judge ever judged FAILING.
 */
import { isPausedAt } from './faults.ts';
import type { StageObservations } from './stage.ts';

export const percentile = (xs: readonly number[], p: number): number | null => {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (x: number | null, digits = 2) => (x === null ? null : Number(x.toFixed(digits)));
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function perMinute(o: StageObservations, field: 'probesSent' | 'gossipSent' | 'gossipReceived') {
  const before = new Map(o.countersAtWarmup.map((c) => [c.index, c[field]]));
  const rates = o.countersAtEnd.filter((c) => !o.plan.dead.has(c.index)).map((c) => ((c[field] - (before.get(c.index) ?? 0)) * 60) / o.measuredSec);
  return { mean: round(mean(rates)), max: round(Math.max(0, ...rates)), p99: round(percentile(rates, 99)) };
}

export function announcementSpread(o: StageObservations) {
  return o.announcements.map((a) => {
    const sec = (a.at - o.t0) / 1000;
    const up = o.identities.filter((i) => i.index !== a.origin && !o.plan.dead.has(i.index) && ![0, 10, 20, 30, 40, 50, 60].some((d) => isPausedAt(o.plan, i.index, sec + d)));
    const upSet = new Set(up.map((i) => i.index));
    const delays = o.seen.filter((s) => s.key === a.key && s.timestamp === a.timestamp && upSet.has(s.index)).map((s) => Math.max(0, (s.at - a.at) / 1000));
    const reached = delays.length / Math.max(1, up.length);
    // p99 exists only if 99% of them got it at all.
    const p99 = reached >= 0.99 ? percentile(delays.concat(Array(up.length - delays.length).fill(Infinity)), 99) : null;
    return { origin: a.origin, atSec: round(sec, 1), nodesUp: up.length, reachedFraction: round(reached, 4), p50Seconds: round(percentile(delays, 50)), p99Seconds: round(p99), maxSeconds: round(delays.length ? Math.max(...delays) : null) };
  });
}

export function deadNodeDecisions(o: StageObservations) {
  const first = o.failing;
  const dead = [...o.plan.dead.keys()];
  const seconds = dead.filter((i) => first.has(i)).map((i) => (first.get(i)! - o.t0) / 1000);
  const falsePositives = [...first.keys()].filter((i) => !o.plan.dead.has(i));
  return {
    dead: dead.length,
    decided: seconds.length,
    seconds: { min: round(seconds.length ? Math.min(...seconds) : null), mean: round(seconds.length ? mean(seconds) : null), max: round(seconds.length ? Math.max(...seconds) : null) },
    falsePositives,
  };
}
