/**
 * Exit and deregistration signatures without amplification: the portal's POSTs are
 * unauthenticated, and each signing round asks every node. So a question ("deregistration of
 * node 5") gets at most one round per interval whoever asks:
 *   - concurrent callers share the round in flight;
 *   - a signature is served from cache while its signedAt is fresh enough to submit
 *     (`freshSeconds` of chain time, well inside the contracts' 10-minute validity);
 *   - a round that did not reach quorum is the answer for `retryMs`;
 *   - outside rounds run one at a time, and only while none of the gateway's own rounds
 *     (the fan-outs of checkpoints and of its deregistrations) is running: those are never
 *     starved, and outside ones wait only for a fan-out, not for a transaction to confirm;
 *   - at most `maxPerWindow` distinct outside questions start a round per `retryMs` window;
 *     beyond that, and when the queue is full, callers get 429 `busy` with a retry time.
 */
import { HttpError } from '../http/errors.ts';
import type { RoundReport } from './round.ts';

export type SignKind = 'exit' | 'deregistration';
export type Signed = { report: RoundReport; signedAt: number };

export class BusyError extends HttpError {
  override name = 'BusyError';
  constructor(reason: string, readonly retryAfterSec: number) {
    super(429, 'busy', reason, { 'retry-after': String(retryAfterSec) });
  }
}

export type SharedRounds = {
  /** The gateway's own rounds: never refused or queued behind outside callers. */
  own: <T>(run: () => Promise<T>) => Promise<T>;
  /** A signature for an outside caller (cached, shared, queued, bounded). */
  outside: (kind: SignKind, nodeId: bigint) => Promise<Signed>;
  /** The gateway's own exit / deregistration signature (shares the cache and any round in flight). */
  sign: (kind: SignKind, nodeId: bigint) => Promise<Signed>;
};

export function createSharedRounds(options: {
  run: (kind: SignKind, nodeId: bigint) => Promise<Signed>;
  chainNow: () => Promise<number>;
  freshSeconds?: number;
  retryMs?: number;
  maxPerWindow?: number;
  now?: () => number;
}): SharedRounds {
  const now = options.now ?? Date.now;
  const freshSeconds = options.freshSeconds ?? 240;
  const retryMs = options.retryMs ?? 5_000;
  const maxPerWindow = options.maxPerWindow ?? 8;
  const done = new Map<string, { signed: Signed; at: number }>();
  const inFlight = new Map<string, Promise<Signed>>();
  const started: { key: string; at: number }[] = [];
  let ownActive = 0;
  let outsideBusy = false;
  let waiting = 0;
  const wakers: (() => void)[] = [];
  const wake = () => wakers.splice(0).forEach((w) => w());

  const own: SharedRounds['own'] = async (run) => {
    ownActive++;
    try {
      return await run();
    } finally {
      ownActive--;
      wake();
    }
  };

  /** One outside round at a time, and none while an own round runs. */
  const outsideSlot = async <T>(run: () => Promise<T>): Promise<T> => {
    waiting++;
    try {
      while (outsideBusy || ownActive > 0) await new Promise<void>((r) => wakers.push(r));
    } finally {
      waiting--;
    }
    outsideBusy = true;
    try {
      return await run();
    } finally {
      outsideBusy = false;
      wake();
    }
  };

  const cached = async (key: string): Promise<Signed | undefined> => {
    const hit = done.get(key);
    if (!hit) return undefined;
    if (!hit.signed.report.ok) return now() - hit.at < retryMs ? hit.signed : undefined;
    return (await options.chainNow()) - hit.signed.signedAt <= freshSeconds ? hit.signed : undefined;
  };

  const runAndRemember = async (key: string, kind: SignKind, nodeId: bigint) => {
    const signed = await options.run(kind, nodeId);
    done.set(key, { signed, at: now() });
    if (done.size > 1_000) done.delete(done.keys().next().value!);
    return signed;
  };

  return {
    own,
    async sign(kind, nodeId) {
      const key = `${kind}:${nodeId}`;
      const hit = done.get(key);
      if (hit?.signed.report.ok && (await cached(key))) return hit.signed;
      // Not shared with a queued outside round: that one waits for us to finish.
      return own(() => runAndRemember(key, kind, nodeId));
    },
    async outside(kind, nodeId) {
      const key = `${kind}:${nodeId}`;
      const hit = await cached(key);
      if (hit) return hit;
      const shared = inFlight.get(key);
      if (shared) return shared;
      const t = now();
      while (started.length > 0 && t - started[0]!.at >= retryMs) started.shift();
      if (started.length >= maxPerWindow || waiting >= maxPerWindow) {
        const retryAfterSec = Math.max(1, Math.ceil((retryMs - (t - (started[0]?.at ?? t))) / 1000));
        throw new BusyError(`the gateway is already running ${maxPerWindow} outside signing rounds per ${retryMs / 1000} s; retry in ${retryAfterSec} s`, retryAfterSec);
      }
      started.push({ key, at: t });
      const round = outsideSlot(() => runAndRemember(key, kind, nodeId)).finally(() => inFlight.delete(key));
      inFlight.set(key, round);
      return round;
    },
  };
}
