/**
 * The chain-following part of `/health`, shared by the session node and the gateway.
 *
 * - `ok` is false while the node is not following the chain: the last poll failed, or the
 *   consumer threw (a bug; the tracker retries it every poll and never feeds it past the
 *   failing block).
 * - `degraded` is true once the state machine skipped an event it could not apply (an
 *   anomaly). The node still follows the chain and agrees with every other node (they all
 *   skip the same events), but someone should look: `anomalies.latest` says what and where.
 */
import type { TrackerStatus } from '../chain/tracker.ts';
import type { Anomaly, NetworkState } from './network-state.ts';

export type ChainHealth = {
  ok: boolean;
  degraded: boolean;
  /** Why ok is false or degraded is true (null when neither). */
  reason: string | null;
  height: number;
  lastError: string | null;
  consumerError: string | null;
  anomalies: { count: number; latest: Anomaly[] };
};

export function chainHealth(status: TrackerStatus, state: NetworkState): ChainHealth {
  const { count, latest } = state.anomalies;
  const consumerError = status.consumerError ?? null;
  const lastError = status.lastError ?? null;
  const ok = !lastError && !consumerError;
  const reasons = [
    consumerError ? `the chain consumer is failing: ${consumerError}` : lastError ? `the last chain poll failed: ${lastError}` : null,
    count > 0 ? `${count} chain event${count === 1 ? ' was' : 's were'} skipped: the state machine could not apply ${count === 1 ? 'it' : 'them'} (see anomalies.latest)` : null,
  ].filter((r): r is string => r !== null);
  return { ok, degraded: count > 0, reason: reasons.length > 0 ? reasons.join('; ') : null, height: status.height, lastError, consumerError, anomalies: { count, latest: [...latest] } };
}
