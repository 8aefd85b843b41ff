/**
 * The observer: one more node's view of the network, in the parent process. It follows the
 * bench chain, receives every failure report the testers sign (as a node's report store is
 * fed by gossip, which carries failures), keeps them in the real report store (signature,
 * chain, registered tester key and assigned tester all checked), and after each period runs
 * the real judgment for every node that has failure reports. It records when each node is
 * first judged FAILING — the moment a commission proposal may list it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deployments } from '../../sdk/src/deployments.ts';
import { votesToFailFor, type MembershipRules } from '../../sdk/src/network/rules.ts';
import type { TestReport } from '../../sdk/src/network/test-report.ts';
import { createRpcPool } from '../../core/chain/rpc.ts';
import { followNetwork, stakingContracts } from '../../core/state/follow.ts';
import { assignmentOf, periodOf } from '../../node/src/testing/assignment.ts';
import { judge, windowOf } from '../../node/src/testing/judgment.ts';
import { createAssignmentBook, createReportStore } from '../../node/src/testing/reports.ts';
import { commissioned } from '../../node/src/testing/standing.ts';

export type Observer = {
  offer: (reports: readonly TestReport[]) => void;
  /** Node id → first time (ms) it was judged FAILING. */
  failing: Map<bigint, number>;
  /** Failure votes per period in the window (newest last), for the report. */
  failsOf: (nodeId: bigint) => number[];
  stats: { offered: number; accepted: number; refused: number; refusals: Map<string, number>; reasons: Map<string, number> };
  stop: () => Promise<void>;
};

export async function startObserver(options: { deployments: Deployments; rpcUrl: string; rules: MembershipRules; t0: number }): Promise<Observer> {
  const { deployments, rules } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'sesh-bench-observer-'));
  const { tracker, network } = await followNetwork({ deployments, rpc: createRpcPool({ urls: [options.rpcUrl] }), dataDir, confirmations: 0 });
  await tracker.syncOnce();
  tracker.start();
  const staking = stakingContracts(deployments).staking;
  const currentPeriod = () => periodOf(Date.now() / 1000, rules.testPeriodSec);
  const book = createAssignmentBook((period) => assignmentOf(network.view().state, { chainId: deployments.chainId, staking, period, testersPerNode: rules.testersPerNode }));
  const windowPeriods = Math.ceil(Math.max(rules.decommissionAfterSec, rules.recommissionAfterSec) / rules.testPeriodSec) + 1;
  const keys = () => new Map([...network.view().state.nodes.values()].map((n) => [n.nodeId, n.ed25519Key.toLowerCase() as TestReport['testerKey']]));
  let keyCache = keys();
  const store = createReportStore({ chainId: deployments.chainId, contract: staking, book, keyOf: (id) => keyCache.get(id), currentPeriod, windowPeriods });
  const failing = new Map<bigint, number>();
  const suspects = new Set<bigint>();
  const stats = { offered: 0, accepted: 0, refused: 0, refusals: new Map<string, number>(), reasons: new Map<string, number>() };
  // Periods before the first whole one after t0 were not tested: the verdict waits for them.
  const firstPeriod = periodOf(options.t0 / 1000, rules.testPeriodSec) + 1;
  let judged = currentPeriod();

  const timer = setInterval(() => {
    const now = currentPeriod();
    // Judge a period's window once its reports are in: half-way into the next period.
    const into = (Date.now() / 1000 - now * rules.testPeriodSec) / rules.testPeriodSec;
    if (now === judged || into < 0.5) return;
    judged = now;
    keyCache = keys();
    store.prune();
    const n = [...network.view().state.nodes.values()].filter(commissioned).length;
    const votesNeeded = votesToFailFor(rules, n);
    for (const id of suspects) {
      if (failing.has(id)) continue;
      const j = judge({ votes: (p) => store.votes(id, p), currentPeriod: now, rules, votesNeeded, firstPeriod });
      if (j.failing) failing.set(id, Date.now());
      const w = windowOf(now, rules.decommissionAfterSec, rules.testPeriodSec);
      if (!j.failing && store.votes(id, w.to).fails === 0) suspects.delete(id);
    }
  }, 500);

  return {
    offer(reports) {
      for (const r of reports) {
        stats.offered++;
        const outcome = store.offer(r);
        if (outcome.accepted) {
          stats.accepted++;
          suspects.add(BigInt(r.tested));
          const reason = (r.reason ?? '').replace(/https?:\/\/\S+/g, 'URL').replace(/0x[0-9a-f]+/g, '0x…').replace(/[0-9]+/g, 'N').slice(0, 90);
          stats.reasons.set(reason, (stats.reasons.get(reason) ?? 0) + 1);
        } else {
          stats.refused++;
          const reason = outcome.reason.replace(/[0-9]+/g, 'N');
          stats.refusals.set(reason, (stats.refusals.get(reason) ?? 0) + 1);
        }
      }
    },
    failing,
    failsOf: (id) => {
      const w = windowOf(currentPeriod(), rules.decommissionAfterSec + rules.testPeriodSec, rules.testPeriodSec);
      return Array.from({ length: w.to - w.from + 1 }, (_, i) => store.votes(id, w.from + i).fails);
    },
    stats,
    async stop() {
      clearInterval(timer);
      await tracker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
