/**
 * When a failing peer becomes a vote to deregister it (a slash of its stake), as pure
 * functions. A blip must never cost a stake: a peer is a candidate only after it has failed
 * EVERY probe for at least `deregisterAfterSec` AND at least `minFailures` probes; one
 * passing probe clears it. A newly activated peer gets `graceSec` before failures count (its
 * operator may still be starting it). A peer whose registration is bad (a cloned ed25519 key,
 * a failed identity proof) is a candidate at once, whatever its probes say.
 *
 * Failure times are this node's clock (seconds); the probes run on it. If this node itself
 * stopped probing for longer than `maxGapSec` (frozen, suspended, overloaded), nobody watched
 * in between, so the streak starts again rather than counting the gap as failure.
 */
export type FailurePolicy = {
  graceSec: number;
  deregisterAfterSec: number;
  minFailures: number;
  maxGapSec: number;
  /** How often peers are probed; only for the estimate of when a peer becomes a candidate. */
  probeIntervalSec: number;
};

/**
 * A peer's current streak of failed probes. `failures` counts only probes outside its grace;
 * `firstFailureAt` is null while every failure so far fell in the grace period.
 */
export type PeerFailures = { failures: number; firstFailureAt: number | null; lastFailureAt: number; lastReason: string };
export type FailureState = ReadonlyMap<string, PeerFailures>;

export const emptyFailureState = (): FailureState => new Map();

export type ProbeOutcome = { ok: true } | { ok: false; reason: string };

/** The new state after a probe of `peer` at time `at` (seconds). Never mutates `state`. */
export function recordProbe(state: FailureState, peer: string, outcome: ProbeOutcome, at: number, options: { inGrace: boolean; maxGapSec: number }): FailureState {
  const next = new Map(state);
  if (outcome.ok) {
    next.delete(peer);
    return next;
  }
  const previous = state.get(peer);
  if (options.inGrace) {
    next.set(peer, { failures: 0, firstFailureAt: null, lastFailureAt: at, lastReason: outcome.reason });
    return next;
  }
  const continues = previous !== undefined && previous.firstFailureAt !== null && at - previous.lastFailureAt <= options.maxGapSec;
  next.set(peer, continues
    ? { failures: previous.failures + 1, firstFailureAt: previous.firstFailureAt, lastFailureAt: at, lastReason: outcome.reason }
    : { failures: 1, firstFailureAt: at, lastFailureAt: at, lastReason: outcome.reason });
  return next;
}

export type PeerStanding = {
  candidate: boolean;
  /** Why it is (or is not yet) a candidate, in words. */
  reason: string;
  /** When it becomes (or became) a candidate if it keeps failing every probe; null if it is passing. An estimate while counting. */
  candidateAt: number | null;
};

/** Decides one peer. `graceUntil`: end of its grace on this node's clock (null: none). */
export function standingOf(
  failures: PeerFailures | undefined,
  peer: { graceUntil: number | null; identityProblem: string | null },
  policy: FailurePolicy,
  now: number,
): PeerStanding {
  if (peer.identityProblem) return { candidate: true, reason: `identity problem: ${peer.identityProblem}`, candidateAt: now };
  const inGrace = peer.graceUntil !== null && now < peer.graceUntil;
  if (!failures) {
    return { candidate: false, reason: inGrace ? `passing (newly activated: in its grace period until ${peer.graceUntil})` : 'passing', candidateAt: null };
  }
  if (failures.firstFailureAt === null) {
    const from = Math.max(peer.graceUntil ?? now, now);
    return {
      candidate: false,
      reason: inGrace
        ? `failing (${failures.lastReason}), but newly activated: failures count only after its grace period ends at ${peer.graceUntil}`
        : `failing (${failures.lastReason}); its grace period is over, so the window starts at its next failed test`,
      candidateAt: from + Math.max(policy.deregisterAfterSec, (policy.minFailures - 1) * policy.probeIntervalSec),
    };
  }
  const windowEnds = failures.firstFailureAt + policy.deregisterAfterSec;
  const enoughAt = failures.lastFailureAt + Math.max(0, policy.minFailures - failures.failures) * policy.probeIntervalSec;
  const candidate = failures.failures >= policy.minFailures && failures.lastFailureAt >= windowEnds;
  const streak = `failed all ${failures.failures} probes since ${failures.firstFailureAt} (last: ${failures.lastReason})`;
  if (candidate) return { candidate, reason: `${streak}: at least ${policy.deregisterAfterSec} s and ${policy.minFailures} probes, a vote to deregister it`, candidateAt: windowEnds };
  return { candidate, reason: `${streak}; a candidate only after ${policy.deregisterAfterSec} s and ${policy.minFailures} failed probes in a row`, candidateAt: Math.max(windowEnds, enoughAt) };
}

/** Drops peers no longer registered, so the state does not grow forever. */
export function keepPeers(state: FailureState, registered: ReadonlySet<string>): FailureState {
  return new Map([...state].filter(([peer]) => registered.has(peer)));
}

/**
 * End of a peer's grace period on this node's clock, or null if it has none left. Two
 * sources, the later wins: the chain's activation time (so a node that restarts still gives
 * a recent peer its grace), and when this node first saw the peer active while running (the
 * devnet's clock runs faster than real time, so chain seconds alone would be too short).
 * `firstSeenLiveAt` is null for peers already active when this node started.
 */
export function graceUntil(a: { activatedAt: number | null; chainNow: number; firstSeenLiveAt: number | null; now: number; graceSec: number }): number | null {
  const byChain = a.activatedAt !== null && a.chainNow < a.activatedAt + a.graceSec ? a.now + (a.activatedAt + a.graceSec - a.chainNow) : null;
  const byClock = a.firstSeenLiveAt !== null && a.now < a.firstSeenLiveAt + a.graceSec ? a.firstSeenLiveAt + a.graceSec : null;
  if (byChain === null) return byClock;
  return byClock === null ? byChain : Math.max(byChain, byClock);
}
