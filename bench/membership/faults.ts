/**
 * The fault mix, drawn once per run from a seed so the parent and every worker agree on it:
 *   dead     2% of identities: announce once at the start, then never answer again (half
 *            refuse connections, half accept and stay silent, like a machine that vanished);
 *   paused   random 10–60 s pauses: the identity neither answers nor acts (a reboot, a
 *            network blip); a pause never lasts past the configured decommission window;
 *   dropped  5% of the requests an identity receives: answered never, or the connection reset.
 */
export type FaultConfig = {
  deadFraction: number;
  dropFraction: number;
  /** Chance that an identity pauses at least once; each pause lasts pauseMinSec..pauseMaxSec. */
  pausedFraction: number;
  pauseMinSec: number;
  pauseMaxSec: number;
};

export const DEFAULT_FAULTS: FaultConfig = { deadFraction: 0.02, dropFraction: 0.05, pausedFraction: 0.25, pauseMinSec: 10, pauseMaxSec: 60 };

export type DeadMode = 'refuse' | 'silent';

export type FaultPlan = {
  dead: Map<number, DeadMode>;
  /** Per identity, its pauses as [start, end) in seconds after the testing start. */
  pauses: Map<number, [number, number][]>;
};

/** mulberry32: a small seeded PRNG (the plan must be reproducible, not secure). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedNumber(seed: string): number {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Pauses fall in [0, runSec − pauseMaxSec) so each one ends, and is seen ending, within the run. */
export function planFaults(nodes: number, runSec: number, seed: string, config: FaultConfig = DEFAULT_FAULTS): FaultPlan {
  const random = prng(seedNumber(seed));
  const dead = new Map<number, DeadMode>();
  const deadCount = Math.max(1, Math.round(nodes * config.deadFraction));
  while (dead.size < deadCount) {
    const i = Math.floor(random() * nodes);
    if (!dead.has(i)) dead.set(i, dead.size % 2 === 0 ? 'refuse' : 'silent');
  }
  const pauses = new Map<number, [number, number][]>();
  const room = Math.max(0, runSec - config.pauseMaxSec);
  for (let i = 0; i < nodes; i++) {
    if (dead.has(i) || random() >= config.pausedFraction || room === 0) continue;
    const start = Math.floor(random() * room);
    const length = config.pauseMinSec + Math.floor(random() * (config.pauseMaxSec - config.pauseMinSec + 1));
    pauses.set(i, [[start, start + length]]);
  }
  return { dead, pauses };
}

export const isPausedAt = (plan: FaultPlan, index: number, sec: number) => (plan.pauses.get(index) ?? []).some(([a, b]) => sec >= a && sec < b);
