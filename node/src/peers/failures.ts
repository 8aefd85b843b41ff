/**
 * Consecutive probe failures per peer, as a pure reducer: a success resets the count; a
 * peer at or past the threshold is a candidate for a deregistration vote.
 */
export type PeerFailures = { consecutive: number; lastReason?: string; firstFailureAt?: number };
export type FailureState = ReadonlyMap<string, PeerFailures>;

export const emptyFailureState = (): FailureState => new Map();

export type ProbeOutcome = { ok: true } | { ok: false; reason: string };

/** Returns the new state after a probe of `peer` at time `at` (seconds). */
export function recordProbe(state: FailureState, peer: string, outcome: ProbeOutcome, at: number): FailureState {
  const next = new Map(state);
  if (outcome.ok) {
    next.delete(peer);
    return next;
  }
  const previous = state.get(peer);
  next.set(peer, { consecutive: (previous?.consecutive ?? 0) + 1, lastReason: outcome.reason, firstFailureAt: previous?.firstFailureAt ?? at });
  return next;
}

export type DeregistrationCandidate = { peer: string } & PeerFailures;

/** Peers with at least `threshold` consecutive failures, most failures first (ties by id, for determinism). */
export function deregistrationCandidates(state: FailureState, threshold: number): DeregistrationCandidate[] {
  if (!Number.isSafeInteger(threshold) || threshold < 1) throw new Error(`threshold must be a positive integer, got ${threshold}`);
  return [...state.entries()]
    .filter(([, f]) => f.consecutive >= threshold)
    .map(([peer, f]) => ({ peer, ...f }))
    .sort((a, b) => b.consecutive - a.consecutive || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

/** Drops peers no longer registered, so the state does not grow forever. */
export function keepPeers(state: FailureState, registered: ReadonlySet<string>): FailureState {
  return new Map([...state].filter(([peer]) => registered.has(peer)));
}
