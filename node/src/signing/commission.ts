/**
 * /sign/commission: a node signs a commission update only when it agrees with every listed
 * change, from its own reports plus the evidence sent with the request (each report verified:
 * signature, registered key, assigned tester, window). Pure verdict; the route signs.
 */
import type { NetworkView } from '../../../core/state/consumer.ts';
import { maxDecommissions } from '../../../sdk/src/staking/constants.ts';
import { checkSignedAt, type Verdict } from './checks.ts';
import type { Ladder } from '../testing/ladder.ts';
import { commissioned, commissionRoundOf, decommissioned } from '../testing/standing.ts';

export type CommissionRequest = { round: bigint; decommission: bigint[]; recommission: bigint[]; signedAt: number; evidence: unknown[] };

const refuse = (error: string, reason: string, status = 422): Verdict => ({ ok: false, status, error, reason, differences: [] });
const increasing = (xs: readonly bigint[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

export function checkCommission(view: NetworkView, r: CommissionRequest, ctx: { chainNow: number; ladder: Ladder }): Verdict {
  const round = commissionRoundOf(view.state);
  if (r.round !== round) return { ok: false, status: 409, error: 'wrong_round', reason: `the next commission update is round ${round}, not ${r.round}`, differences: [{ field: 'round', requested: String(r.round), mine: String(round) }] };
  if (r.decommission.length + r.recommission.length === 0) return refuse('empty', 'an update must change at least one node');
  if (!increasing(r.decommission) || !increasing(r.recommission)) return refuse('unordered', 'decommission and recommission must each be strictly increasing node ids');
  const both = r.decommission.find((id) => r.recommission.includes(id));
  if (both !== undefined) return refuse('conflict', `node ${both} is in both lists`);
  const time = checkSignedAt(r.signedAt, ctx.chainNow);
  if (!time.ok) return time;
  const nodes = view.state.nodes;
  const ring = [...nodes.values()].filter(commissioned).length;
  if (r.decommission.length > maxDecommissions(ring)) return refuse('too_many', `at most ${maxDecommissions(ring)} decommissions per update with ${ring} commissioned nodes`);

  const { reports, refused } = ctx.ladder.admissible(r.evidence);
  const note = refused.length ? ` (${refused.length} evidence reports refused, first: #${refused[0]!.index}: ${refused[0]!.reason})` : '';
  for (const id of r.decommission) {
    const node = nodes.get(id);
    if (!node || !commissioned(node)) return refuse('not_commissioned', `node ${id} is not a commissioned node as far as this node knows (block ${view.height})`, 409);
    const j = ctx.ladder.judgmentOf(id, reports);
    if (!j.failing) return refuse('no_grounds', `this node does not see node ${id} failing for the whole window (periods ${j.failWindow.from}–${j.failWindow.to}, ${j.votesNeeded} failure reports needed each): ${j.why.failing}${note}`);
  }
  for (const id of r.recommission) {
    const node = nodes.get(id);
    if (!node || !decommissioned(node)) return refuse('not_decommissioned', `node ${id} is not a decommissioned node as far as this node knows (block ${view.height})`, 409);
    const j = ctx.ladder.judgmentOf(id, reports);
    if (!j.passing) return refuse('no_grounds', `this node does not see node ${id} passing for the whole window (periods ${j.passWindow.from}–${j.passWindow.to}, ${j.votesNeeded} pass reports needed each): ${j.why.passing}${note}`);
  }
  return { ok: true };
}
