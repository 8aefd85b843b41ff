/**
 * The observer: one more node's view of the network, in the parent process. It follows the
 * bench chain, receives every failure report the testers sign (as a node's report store is
 * fed by gossip, which carries failures), keeps them in the real report store (signature,
 * chain, registered tester key and assigned tester all checked), and every 2 s asks the
 * node's own decommission ladder (node/src/testing/ladder.ts: the judgment a commission
 * proposal is made of) about every node that has failure reports. It records when each node
 * is first judged FAILING — the moment a node's proposal would list it. Judging often, not
 * once per period, is what makes the measured time the protocol's: a node is FAILING as soon
 * as the last period of its window has ended with its reports in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deployments } from '../../sdk/src/deployments.ts';
import type { MembershipRules } from '../../sdk/src/network/rules.ts';
import type { TestReport } from '../../sdk/src/network/test-report.ts';
import { createRpcPool } from '../../core/chain/rpc.ts';
import { followNetwork, stakingContracts } from '../../core/state/follow.ts';
import { assignmentOf, periodOf } from '../../node/src/testing/assignment.ts';
import { windowOf } from '../../node/src/testing/judgment.ts';
import { createLadder } from '../../node/src/testing/ladder.ts';
import { createAssignmentBook, createReportStore } from '../../node/src/testing/reports.ts';
import { downtimeCredit } from '../../core/state/credit.ts';

export type Observer = {
  offer: (reports: readonly TestReport[]) => void;
  /** Node id → first time (ms) it was judged FAILING. */
  failing: Map<bigint, number>;
  /** Failure votes per period in the window (newest last), for the report. */
  failsOf: (nodeId: bigint) => number[];
  stats: { offered: number; accepted: number; refused: number; refusals: Map<string, number>; reasons: Map<string, number> };
  stop: () => Promise<void>;
};

export async function startObserver(options: { deployments: Deployments; rpcUrl: string; rules: MembershipRules }): Promise<Observer> {
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
  // Periods before the testing start have no reports: a missing report never makes a verdict
  // (judgment.ts), so nobody is judged on them.
  const ladder = createLadder({ network, rules, store, book, currentPeriod, creditLeft: (node, chainNow) => downtimeCredit(node, chainNow, rules) });
  let period = currentPeriod();

  const timer = setInterval(() => {
    const now = currentPeriod();
    if (now !== period) {
      period = now;
      keyCache = keys();
      store.prune();
    }
    for (const id of suspects) {
      if (failing.has(id)) continue;
      if (ladder.judgmentOf(id).failing) {
        failing.set(id, Date.now());
        continue;
      }
      // No failure in the window nor in the current period: nothing left to decide.
      const w = windowOf(now, rules.decommissionAfterSec, rules.testPeriodSec);
      if (Array.from({ length: w.to - w.from + 2 }, (_, i) => store.votes(id, w.from + i).fails).every((f) => f === 0)) suspects.delete(id);
    }
  }, 2_000);

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
