/**
 * The decommission ladder as this node sees it: from the reports it holds (plus any evidence
 * offered with a proposal) to verdicts per node. Commissioned and failing → decommission;
 * decommissioned and passing → recommission; decommissioned with no downtime credit left (or
 * an identity problem) → deregistration. A reboot, a blip or an outage shorter than the
 * window never reaches even the first rung, and only the credit running out reaches the last.
 */
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import { isActive, type NodeState } from '../../../core/state/network-state.ts';
import { votesToFailFor, type MembershipRules } from '../../../sdk/src/network/rules.ts';
import { maxDecommissions } from '../../../sdk/src/staking/constants.ts';
import type { TestReport } from '../../../sdk/src/network/test-report.ts';
import { judge, windowOf, type Judgment, type Votes } from './judgment.ts';
import type { AssignmentBook, ReportStore } from './reports.ts';
import { commissioned, commissionRoundOf, decommissioned } from './standing.ts';

export type Proposal = { round: string; decommission: string[]; recommission: string[]; evidence: TestReport[] };

export type Ladder = {
  judgmentOf: (nodeId: bigint, evidence?: readonly TestReport[]) => Judgment;
  /** Evidence reports that verify (store.check) and are not already held, by tested node. */
  admissible: (evidence: readonly unknown[]) => { reports: TestReport[]; refused: { index: number; reason: string }[] };
  proposal: () => Proposal;
  /** Why `node` may be deregistered now (chain time), or null. */
  deregistrationGround: (node: NodeState, chainNow: bigint) => string | null;
};

export function createLadder(o: {
  network: NetworkConsumer;
  rules: MembershipRules;
  store: ReportStore;
  book: AssignmentBook;
  currentPeriod: () => number;
  /** Downtime credit left, chain seconds (core/state/credit.ts downtimeCredit). */
  creditLeft: (node: NodeState, chainNow: bigint) => bigint;
}): Ladder {
  const evidenceVotes = (nodeId: bigint, evidence: readonly TestReport[]) => {
    const extra = new Map<number, Map<string, boolean>>();
    const held = new Set(o.store.about(nodeId).map((r) => `${r.period}/${r.tester}`));
    for (const r of evidence) {
      if (r.tested !== nodeId.toString() || held.has(`${r.period}/${r.tester}`)) continue;
      const m = extra.get(r.period) ?? new Map<string, boolean>();
      if (!m.has(r.tester)) m.set(r.tester, r.ok);
      extra.set(r.period, m);
    }
    return (p: number): Votes => {
      const v = { ...o.store.votes(nodeId, p) };
      for (const ok of extra.get(p)?.values() ?? []) ok ? v.passes++ : v.fails++;
      return v;
    };
  };
  const judgmentOf = (nodeId: bigint, evidence: readonly TestReport[] = []) => {
    const current = o.currentPeriod();
    return judge({ votes: evidenceVotes(nodeId, evidence), currentPeriod: current, rules: o.rules, votesNeeded: votesToFailFor(o.rules, o.book.at(current).ring.length) });
  };
  const admissible = (evidence: readonly unknown[]) => {
    const reports: TestReport[] = [];
    const refused: { index: number; reason: string }[] = [];
    evidence.forEach((raw, index) => {
      const c = o.store.check(raw);
      if (c.ok) reports.push(c.report);
      else refused.push({ index, reason: c.reason });
    });
    return { reports, refused };
  };
  const windowReports = (nodeId: bigint, sec: number) => {
    const w = windowOf(o.currentPeriod(), sec, o.rules.testPeriodSec);
    return o.store.about(nodeId).filter((r) => r.period >= w.from && r.period <= w.to);
  };
  return {
    judgmentOf,
    admissible,
    proposal() {
      const nodes = [...o.network.view().state.nodes.values()];
      const ring = nodes.filter(commissioned);
      const down = ring.filter((n) => judgmentOf(n.nodeId).failing).map((n) => n.nodeId);
      const up = nodes.filter(decommissioned).filter((n) => judgmentOf(n.nodeId).passing).map((n) => n.nodeId);
      // The contract takes at most ⌊commissioned/3⌋ per update; the rest wait for the next round.
      const decommission = down.sort((a, b) => (a < b ? -1 : 1)).slice(0, maxDecommissions(ring.length));
      const recommission = up.sort((a, b) => (a < b ? -1 : 1));
      const evidence = [
        ...decommission.flatMap((id) => windowReports(id, o.rules.decommissionAfterSec).filter((r) => !r.ok)),
        ...recommission.flatMap((id) => windowReports(id, o.rules.recommissionAfterSec).filter((r) => r.ok)),
      ];
      return { round: commissionRoundOf(o.network.view().state).toString(), decommission: decommission.map(String), recommission: recommission.map(String), evidence };
    },
    deregistrationGround(node, chainNow) {
      if (!isActive(node)) return null;
      if (node.identityProblem) return `identity problem: ${node.identityProblem}`;
      if (!decommissioned(node)) return null;
      const credit = o.creditLeft(node, chainNow);
      return credit === 0n ? 'decommissioned and its downtime credit is used up' : null;
    },
  };
}
