/**
 * Nodes that gave a bad answer sit out for a while: the fan-out skips them until their
 * cooldown ends, so one broken or malicious node cannot slow every round down.
 */
export type Cooldown = { until: number; reason: string; strikes: number };

export type CooldownRegistry = {
  /** Puts `nodeId` on cooldown; each repeat offence doubles the time, up to maxMs. */
  put: (nodeId: string, reason: string) => Cooldown;
  /** The active cooldown of `nodeId`, if any. */
  get: (nodeId: string) => Cooldown | undefined;
  clear: (nodeId: string) => void;
  active: () => { nodeId: string; cooldown: Cooldown }[];
};

export function createCooldownRegistry(options: { durationMs: number; maxMs?: number; now?: () => number }): CooldownRegistry {
  if (!(options.durationMs > 0)) throw new RangeError('cooldown durationMs must be > 0');
  const now = options.now ?? Date.now;
  const maxMs = options.maxMs ?? options.durationMs;
  const entries = new Map<string, Cooldown>();
  const get = (nodeId: string) => {
    const c = entries.get(nodeId);
    return c && c.until > now() ? c : undefined;
  };
  return {
    put(nodeId, reason) {
      // Strikes survive the end of a cooldown, so a node that keeps failing waits longer.
      const strikes = (entries.get(nodeId)?.strikes ?? 0) + 1;
      const c = { until: now() + Math.min(maxMs, options.durationMs * 2 ** (strikes - 1)), reason, strikes };
      entries.set(nodeId, c);
      return c;
    },
    get,
    clear: (nodeId) => void entries.delete(nodeId),
    active: () => [...entries.keys()].flatMap((nodeId) => {
      const cooldown = get(nodeId);
      return cooldown ? [{ nodeId, cooldown }] : [];
    }),
  };
}
