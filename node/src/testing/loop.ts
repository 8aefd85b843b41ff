/**
 * The testing loop: once per test period, test this node's assigned targets (a few at a
 * time), sign a report for each, keep it and gossip it when it matters (a failure, a
 * decommissioned target, or a changed result: passes of healthy nodes stay local, which keeps
 * gossip proportional to trouble). HTTP requests are counted in a sliding minute and capped
 * (maxRequestsPerMinute, default 60): the cap is per node and independent of the network size,
 * since each node has K targets; a target not tested for lack of budget gets no report (a
 * missing report never counts as a failure).
 */
import type { Address, Hex } from 'viem';
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import type { MembershipRules } from '../../../sdk/src/network/rules.ts';
import { signTestReport, type CheckName, type CheckResult, type TestReport } from '../../../sdk/src/network/test-report.ts';
import { periodOf } from './assignment.ts';
import { testTarget, type CheckOutcome } from './checks.ts';
import type { AssignmentBook, ReportStore } from './reports.ts';
import type { StorageChecker } from '../storage/storage-check.ts';
import { decommissioned, missedCheckpointsOf } from './standing.ts';

export type LastResult = { period: number; ok: boolean; checks: Record<CheckName, CheckResult>; reason: string | null; at: number };

export type TestingLoop = {
  runOnce: () => Promise<void>;
  start: () => void;
  stop: () => void;
  /** This node's id in the network (null: not an active registered node). */
  self: () => bigint | null;
  last: () => ReadonlyMap<string, LastResult>;
  counters: () => { periods: number; tests: number; requests: number; requestsLastMinute: number; skippedForBudget: number; gossiped: number };
};

/** Blocks below our height for the ledger test: peers a block or two behind still agree. */
export const LEDGER_MARGIN_BLOCKS = 3;

export function createTestingLoop(o: {
  network: NetworkConsumer;
  chainId: number;
  contract: Address;
  identity: Ed25519Identity;
  rules: MembershipRules;
  book: AssignmentBook;
  store: ReportStore;
  urlOf: (ed25519: Hex) => string | undefined;
  /** Forward a report to peers (the generic gossip); absent: reports stay local. */
  publish?: (report: TestReport) => void;
  /** The storage test (node/src/storage/storage-check.ts); absent: the storage check is 'skip'. */
  storage?: StorageChecker;
  concurrency?: number;
  timeoutMs?: number;
  maxRequestsPerMinute?: number;
  now?: () => number;
  log?: (line: string) => void;
}): TestingLoop {
  const now = o.now ?? (() => Date.now() / 1000);
  const budget = o.maxRequestsPerMinute ?? 60;
  // Short, but not so short that a loaded machine's healthy peer times out: half a period, 1.5–3 s.
  const timeoutMs = o.timeoutMs ?? Math.min(3_000, Math.max(1_500, (o.rules.testPeriodSec * 1000) / 2));
  const last = new Map<string, LastResult>();
  const sent: number[] = [];
  let reserved = 0; // requests of the targets under test now, not yet in `sent`
  const c = { periods: 0, tests: 0, requests: 0, skippedForBudget: 0, gossiped: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const self = () => {
    const key = o.identity.nodeId.toLowerCase();
    for (const n of o.network.view().state.nodes.values()) if (n.ed25519Key === key && n.status !== 'deregistered' && n.status !== 'exited' && n.status !== 'cancelled') return n.nodeId;
    return null;
  };
  const recentRequests = () => {
    const t = now() - 60;
    while (sent.length > 0 && sent[0]! < t) sent.shift();
    return sent.length;
  };

  const runOnce = async () => {
    if (running) return;
    running = true;
    try {
      const me = self();
      const period = periodOf(now(), o.rules.testPeriodSec);
      o.store.prune();
      if (me === null) return;
      c.periods++;
      const view = o.network.view();
      const targets = o.book.at(period).targetsOf(me);
      const commonBlock = Math.max(0, view.height - LEDGER_MARGIN_BLOCKS);
      // Shuffled: when the budget runs out, a different target goes untested each period.
      const queue = [...targets].sort(() => Math.random() - 0.5);
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const node = o.network.view().state.nodes.get(id);
          if (!node) continue;
          // Two requests per target, reserved before it starts (tests run a few at a time, so
          // requests in flight count too); a target we can not afford is left untested. The
          // storage test grows the reservation as it goes (afford), or is not run.
          if (recentRequests() + reserved + 2 > budget) {
            c.skippedForBudget++;
            continue;
          }
          let mine = 2;
          reserved += mine;
          const afford = (n: number) => {
            if (n <= mine) return true;
            if (recentRequests() + reserved + (n - mine) > budget) return false;
            reserved += n - mine;
            mine = n;
            return true;
          };
          const outcome: CheckOutcome = await testTarget(
            { nodeId: id, ed25519Key: node.ed25519Key, missedCheckpoints: missedCheckpointsOf(node), decommissioned: (node.decommissionedAt ?? null) !== null, url: o.urlOf(node.ed25519Key) },
            {
              chainId: o.chainId, commonBlock, ourRootAt: (b) => o.network.checkpointAt(b).root, missedCheckpointsToFail: o.rules.missedCheckpointsToFail, timeoutMs,
              ...(o.storage ? { storage: { check: o.storage, afford } } : {}),
            },
          ).finally(() => (reserved -= mine));
          const t = now();
          for (let i = 0; i < outcome.requests; i++) sent.push(t);
          c.requests += outcome.requests;
          // The storage test did not fit the budget: a report without it could pass a node that fails it.
          if (outcome.untested) {
            c.skippedForBudget++;
            continue;
          }
          c.tests++;
          const report = signTestReport(
            { chainId: o.chainId, contract: o.contract, period, tester: me.toString(), testerKey: o.identity.nodeId, tested: id.toString(), ok: outcome.ok, checks: outcome.checks, reason: outcome.reason, at: Math.floor(t) },
            o.identity.secretKey,
          );
          const offered = o.store.offer(report);
          if (!offered.accepted) o.log?.(`testing: own report about node ${id} refused: ${offered.reason}`);
          const before = last.get(id.toString());
          last.set(id.toString(), { period, ok: outcome.ok, checks: outcome.checks, reason: outcome.reason, at: Math.floor(t) });
          if (o.publish && offered.accepted && (!outcome.ok || decommissioned(node) || before?.ok !== outcome.ok)) {
            o.publish(report);
            c.gossiped++;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, targets.length) }, worker));
      for (const id of last.keys()) if (!targets.some((t) => t.toString() === id) && (last.get(id)!.period < period - 1)) last.delete(id);
    } catch (error) {
      o.log?.(`testing: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      // Tick a little after each period starts, so nodes with slightly different clocks agree on the period.
      const tick = () => {
        const period = o.rules.testPeriodSec * 1000;
        const wait = period - (Date.now() % period) + Math.min(500, period / 10);
        timer = setTimeout(() => {
          void runOnce();
          if (timer) tick();
        }, wait);
        timer.unref?.();
      };
      tick();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
    self,
    last: () => last,
    counters: () => ({ ...c, requestsLastMinute: recentRequests() }),
  };
}
