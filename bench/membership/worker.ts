/**
 * A bench worker process: follows the bench chain (the real tracker + network state machine),
 * then hosts its share of node identities, each with its own ed25519 key, its own
 * http.Server on its own port, its own announcement, gossip, test schedule and faults
 * (node-sim.ts). Talks to the parent over IPC (protocol.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readDeployments } from '../../sdk/src/deployments.ts';
import { membershipRules } from '../../sdk/src/network/rules.ts';
import { createRpcPool } from '../../core/chain/rpc.ts';
import { followNetwork } from '../../core/state/follow.ts';
import { stakingContracts } from '../../core/state/follow.ts';
import { assignmentOf } from '../../node/src/testing/assignment.ts';
import { createAssignmentBook } from '../../node/src/testing/reports.ts';
import type { TestReport } from '../../sdk/src/network/test-report.ts';
import { benchIdentity } from './chain.ts';
import { prng, seedNumber, isPausedAt, type FaultPlan } from './faults.ts';
import { startNodeSim, type NodeSim } from './node-sim.ts';
import type { FromWorker, HostedIdentity, ToWorker, WorkerInit } from './protocol.ts';

const send = (message: FromWorker) => process.send!(message);
const errors: string[] = [];
const log = (line: string) => send({ type: 'log', line });

let sims: NodeSim[] = [];
let stopFollowing = async () => {};
let dataDir = '';
let faultTimer: NodeJS.Timeout | undefined;
let reportTimer: NodeJS.Timeout | undefined;
// How late this process's timers run: a late tester times out requests a real node would not.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

async function init(init: WorkerInit): Promise<void> {
  const deployments = readDeployments(init.deploymentsFile);
  const rules = membershipRules(deployments);
  dataDir = mkdtempSync(join(tmpdir(), 'sesh-bench-worker-'));
  const { tracker, network } = await followNetwork({ deployments, rpc: createRpcPool({ urls: [init.rpcUrl] }), dataDir, confirmations: 0, log: (line) => errors.push(line) });
  await tracker.syncOnce();
  tracker.start();
  stopFollowing = () => tracker.stop();
  const byKey = new Map([...network.view().state.nodes.values()].map((n) => [n.ed25519Key.toLowerCase(), n]));
  const plan: FaultPlan = { dead: new Map(init.dead), pauses: new Map(init.pauses) };
  const contract = stakingContracts(deployments).staking;
  // Every identity here sees the same chain, so the per-period assignment is computed once per
  // worker (the real assignment; a node computes the same one for itself).
  const book = createAssignmentBook((period) => assignmentOf(network.view().state, { chainId: deployments.chainId, staking: contract, period, testersPerNode: rules.testersPerNode }));
  const outbox: TestReport[] = [];
  reportTimer = setInterval(() => outbox.length && send({ type: 'reports', reports: outbox.splice(0) }), 1000);
  const shared = { deployments, contract, network, rules, faults: init.faults, plan, book, watched: new Set(init.watched.map((k) => k.toLowerCase())), report: (r: TestReport) => outbox.push(r) };
  const hosted: HostedIdentity[] = [];
  for (const index of init.indices) {
    const identity = benchIdentity(init.seed, index);
    const node = byKey.get(identity.nodeId);
    if (!node) throw new Error(`identity ${index} (${identity.nodeId}) is not a node on the bench chain`);
    const sim = await startNodeSim({
      index,
      identity,
      nodeId: node.nodeId,
      shared,
      random: prng(seedNumber(`${init.seed}:${index}`)),
      log: (line) => errors.length < 200 && errors.push(`#${index}: ${line}`),
    });
    sims.push(sim);
    hosted.push({ index, url: sim.endpoint.url, ed25519Key: identity.nodeId, nodeId: String(node.nodeId) });
  }
  send({ type: 'ready', identities: hosted, announcements: sims.map((x) => x.announcement) });
}

/** Applies the fault schedule once a second: dead from t0 on, paused inside a pause. */
function start(t0: number): void {
  for (const sim of sims) sim.start(t0);
  const apply = () => {
    const sec = (Date.now() - t0) / 1000;
    for (const sim of sims) sim.setPaused(isPausedAt(sim.plan, sim.index, sec));
  };
  apply();
  faultTimer = setInterval(apply, 1000);
}

process.on('message', (message: ToWorker) => {
  (async () => {
    switch (message.type) {
      case 'init':
        await init(message.init);
        break;
      case 'load': {
        const started = Date.now();
        for (const sim of sims) sim.load(message.announcements);
        send({ type: 'loaded', ms: Date.now() - started });
        break;
      }
      case 'start':
        // t0 is a period boundary up to a period ahead: nothing acts (or dies) before it.
        setTimeout(() => start(message.t0), Math.max(0, message.t0 - Date.now()));
        break;
      case 'reannounce': {
        const sim = sims.find((s) => s.index === message.index);
        if (sim) send({ type: 'announced', index: sim.index, ...(await sim.reannounce()) });
        break;
      }
      case 'hang': {
        // The round phase: the simulation stops, every endpoint answers except the hung ones.
        clearInterval(faultTimer);
        const hung = new Set(message.urls);
        for (const sim of sims) sim.roundMode(hung.has(sim.endpoint.url));
        send({ type: 'hung', id: message.id });
        break;
      }
      case 'report': {
        const usage = process.cpuUsage();
        send({
          type: 'report',
          counters: sims.map((s) => s.counters()),
          seen: sims.flatMap((s) => s.takeSeen()),
          cpuMs: Math.round((usage.user + usage.system) / 1000),
          rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
          errors: errors.splice(0),
          loopDelayMaxMs: Math.round(loopDelay.max / 1e6),
          loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
        });
        loopDelay.reset();
        break;
      }
      case 'stop':
        clearInterval(faultTimer);
        clearInterval(reportTimer);
        await Promise.all(sims.map((s) => s.stop()));
        sims = [];
        await stopFollowing();
        rmSync(dataDir, { recursive: true, force: true });
        send({ type: 'stopped' });
        process.exit(0);
    }
  })().catch((error: Error) => {
    send({ type: 'log', line: `worker ${process.pid} failed: ${error.stack ?? error.message}` });
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
