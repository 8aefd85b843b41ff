/**
 * The store of signed test reports, fed by this node's own tests and by gossip. Bounded: only
 * periods of the judgment window are kept, one report per (period, tester, tested), and only
 * reports that verify, are for this chain and contract, are signed by the tester's registered
 * key, and come from a tester assigned to that node in that period (the assignment this node
 * computed for the period, kept in the book: see assignment.ts for why a late-computed one may
 * differ, which only drops reports).
 */
import type { Address, Hex } from 'viem';
import { verifyTestReport, type TestReport } from '../../../sdk/src/network/test-report.ts';
import type { Assignment } from './assignment.ts';
import type { Votes } from './judgment.ts';

export type OfferOutcome = { accepted: true; fresh: boolean } | { accepted: false; reason: string };

export type AssignmentBook = {
  /** The assignment of `period`, computed on first use and then kept. */
  at: (period: number) => Assignment;
  prune: (oldestKept: number) => void;
};

export function createAssignmentBook(compute: (period: number) => Assignment): AssignmentBook {
  const kept = new Map<number, Assignment>();
  return {
    at(period) {
      let a = kept.get(period);
      if (!a) kept.set(period, (a = compute(period)));
      return a;
    },
    prune(oldest) {
      for (const p of kept.keys()) if (p < oldest) kept.delete(p);
    },
  };
}

export type ReportStore = {
  offer: (report: unknown) => OfferOutcome;
  votes: (nodeId: bigint, period: number) => Votes;
  /** Reports about `nodeId`, newest period first. */
  about: (nodeId: bigint) => TestReport[];
  /** Checks a report as `offer` would, without storing it (evidence of a commission proposal). */
  check: (report: unknown) => { ok: true; report: TestReport } | { ok: false; reason: string };
  prune: () => void;
  size: () => number;
  /** Failures, and every report about a node `isDecommissioned` says is out, newest first, at most `limit`. */
  worthGossip: (limit?: number) => TestReport[];
};

export function createReportStore(options: {
  chainId: number;
  contract: Address;
  book: AssignmentBook;
  /** The registered ed25519 key of a live node, lower case. */
  keyOf: (nodeId: bigint) => Hex | undefined;
  currentPeriod: () => number;
  /** Periods kept and accepted: the judgment window (the longer of the two) plus one. */
  windowPeriods: number;
  isDecommissioned?: (nodeId: bigint) => boolean;
}): ReportStore {
  /** period → tested → tester → report */
  const byPeriod = new Map<number, Map<string, Map<string, TestReport>>>();
  const contract = options.contract.toLowerCase();
  let count = 0;

  const check = (raw: unknown): { ok: true; report: TestReport } | { ok: false; reason: string } => {
    const v = verifyTestReport(raw);
    if (!v.ok) return v;
    const r = v.report;
    if (r.chainId !== options.chainId || r.contract !== contract) return { ok: false, reason: `a report for chain ${r.chainId} contract ${r.contract}, not this network` };
    const current = options.currentPeriod();
    if (r.period > current + 1) return { ok: false, reason: `period ${r.period} is in the future (now ${current})` };
    if (r.period < current - options.windowPeriods) return { ok: false, reason: `period ${r.period} is older than the judgment window (from ${current - options.windowPeriods})` };
    const key = options.keyOf(BigInt(r.tester));
    if (!key) return { ok: false, reason: `tester ${r.tester} is not a live registered node` };
    if (key !== r.testerKey) return { ok: false, reason: `testerKey is not the ed25519 key node ${r.tester} registered` };
    if (!options.book.at(r.period).testersOf(BigInt(r.tested)).includes(BigInt(r.tester))) {
      return { ok: false, reason: `node ${r.tester} is not an assigned tester of node ${r.tested} in period ${r.period}` };
    }
    return { ok: true, report: r };
  };

  const prune = () => {
    const oldest = options.currentPeriod() - options.windowPeriods;
    for (const [p, m] of byPeriod) {
      if (p >= oldest) continue;
      for (const testers of m.values()) count -= testers.size;
      byPeriod.delete(p);
    }
    options.book.prune(oldest);
  };

  return {
    check,
    offer(raw) {
      const c = check(raw);
      if (!c.ok) return { accepted: false, reason: c.reason };
      const r = c.report;
      const tested = byPeriod.get(r.period) ?? new Map<string, Map<string, TestReport>>();
      byPeriod.set(r.period, tested);
      const testers = tested.get(r.tested) ?? new Map<string, TestReport>();
      tested.set(r.tested, testers);
      // One verdict per tester and period: the first wins, a second one is not news.
      if (testers.has(r.tester)) return { accepted: true, fresh: false };
      testers.set(r.tester, r);
      count++;
      return { accepted: true, fresh: true };
    },
    votes(nodeId, period) {
      const testers = byPeriod.get(period)?.get(nodeId.toString());
      const v = { fails: 0, passes: 0 };
      for (const r of testers?.values() ?? []) r.ok ? v.passes++ : v.fails++;
      return v;
    },
    about(nodeId) {
      const id = nodeId.toString();
      return [...byPeriod.entries()].sort((a, b) => b[0] - a[0]).flatMap(([, m]) => [...(m.get(id)?.values() ?? [])]);
    },
    prune,
    size: () => count,
    worthGossip(limit = 2_000) {
      const out: TestReport[] = [];
      for (const [, tested] of [...byPeriod.entries()].sort((a, b) => b[0] - a[0])) {
        for (const [id, testers] of tested) {
          const down = options.isDecommissioned?.(BigInt(id)) ?? false;
          for (const r of testers.values()) if (!r.ok || down) out.push(r);
          if (out.length >= limit) return out.slice(0, limit);
        }
      }
      return out;
    },
  };
}
