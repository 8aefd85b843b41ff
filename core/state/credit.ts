/**
 * Downtime credit: how long a decommissioned node may stay out of the signing set before the
 * network deregisters it. CHAIN seconds throughout (block timestamps), so every node computes
 * the same credit for the same node from the same events:
 * - creditInitialSec at activation;
 * - + creditPerDaySec per chain day commissioned, pro rata to the second (rounded down per
 *   commissioned stretch), capped at creditMaxSec;
 * - − 1 s per second decommissioned, down to 0.
 * Derived from NodeState's activation time and downtimes, not stored, so the rules can come
 * from the deployments file without the reducer knowing them.
 */
import type { MembershipRules } from '../../sdk/src/network/rules.ts';
import type { NodeState } from './network-state.ts';

const DAY = 86_400n;

export type CreditRules = Pick<MembershipRules, 'creditInitialSec' | 'creditPerDaySec' | 'creditMaxSec'>;

/** Seconds of downtime credit `node` has left at chain time `chainNow` (0 for a node never activated). */
export function downtimeCredit(node: Pick<NodeState, 'activatedAt' | 'downtimes'>, chainNow: bigint, rules: CreditRules): bigint {
  if (node.activatedAt === null) return 0n;
  const max = BigInt(rules.creditMaxSec);
  const perDay = BigInt(rules.creditPerDaySec);
  let credit = BigInt(rules.creditInitialSec) < max ? BigInt(rules.creditInitialSec) : max;
  let at = BigInt(node.activatedAt);
  const earn = (until: bigint) => {
    if (until > at) {
      const earned = credit + ((until - at) * perDay) / DAY;
      credit = earned < max ? earned : max;
    }
  };
  for (const d of node.downtimes) {
    if (d.from >= chainNow) break;
    earn(d.from);
    const end = d.to === null || d.to > chainNow ? chainNow : d.to;
    const drained = credit - (end - d.from);
    credit = drained > 0n ? drained : 0n;
    at = end;
    if (end === chainNow) return credit;
  }
  earn(chainNow);
  return credit;
}
