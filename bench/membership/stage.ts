/**
 * One stage of the membership bench: a chain with `nodes` real nodes, workers hosting every
 * identity, the fault mix, `runSec` of announcing, gossiping and testing, then (optionally)
 * the hung-round measurement over the same endpoints. Returns the raw observations; the
 * figures are computed in figures.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MembershipRules } from '../../sdk/src/network/rules.ts';
import type { Hex } from 'viem';
import { benchIdentity, startBenchChain } from './chain.ts';
import { startObserver, type Observer } from './observer.ts';
import { planFaults, type FaultConfig, type FaultPlan } from './faults.ts';
import type { AnnouncementSeen, FromWorker, HostedIdentity, IdentityCounters, ToWorker } from './protocol.ts';
import { measureHungRatio } from './round.ts';

export type StageOptions = {
  nodes: number;
  workers: number;
  runSec: number;
  seed: string;
  rules: MembershipRules;
  faults: FaultConfig;
  /** Seconds after t0 at which a (non-dead) identity re-announces, to time the spread. */
  reannounceAtSec: number[];
  /** Counters are taken from here on (after the first announcements have spread). */
  warmupSec: number;
  round?: { hungFraction: number; repeats: number; timeoutMs: number };
  log: (line: string) => void;
};

export type StageObservations = {
  nodes: number;
  workers: number;
  runSec: number;
  seedSeconds: number;
  t0: number;
  plan: FaultPlan;
  identities: HostedIdentity[];
  /** Counters at the end of the warm-up and at the end of the run (per identity). */
  countersAtWarmup: IdentityCounters[];
  countersAtEnd: IdentityCounters[];
  measuredSec: number;
  /** Bench index → first time (ms) the observer judged it FAILING. */
  failing: Map<number, number>;
  observer: { offered: number; accepted: number; refused: number; refusals: Record<string, number>; reasons: Record<string, number> };
  loadSeconds: number;
  /** Per dead identity, the failure votes of the last periods at the end of the run. */
  deadVotes: Record<number, number[]>;
  announcements: { origin: number; key: Hex; timestamp: number; at: number }[];
  seen: AnnouncementSeen[];
  cpuMs: number;
  peakRssMb: number;
  /** The worst timer lag any worker saw during the run (its requests time out late by as much). */
  loopDelayMaxMs: number;
  errors: string[];
  round?: Awaited<ReturnType<typeof measureHungRatio>>;
};

type Worker = { child: ChildProcess; waiters: ((m: FromWorker) => boolean)[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runStage(o: StageOptions): Promise<StageObservations> {
  const { log } = o;
  log(`${o.nodes} nodes: seeding the chain…`);
  const chain = await startBenchChain({ nodes: o.nodes, seed: o.seed, rules: o.rules, log });
  log(`${o.nodes} nodes seeded in ${(chain.seedMs / 1000).toFixed(1)} s`);
  const plan = planFaults(o.nodes, o.runSec, o.seed, o.faults);
  const workers: Worker[] = [];
  let observer: Observer | undefined;
  const pendingReports: FromWorker[] = [];
  const seen: AnnouncementSeen[] = [];
  const errors: string[] = [];
  const announcements: StageObservations['announcements'] = [];
  const latest = new Map<number, { counters: IdentityCounters[]; cpuMs: number; rssMb: number; loopDelayMaxMs: number; loopDelayP99Ms: number }>();
  let loopDelayMaxMs = 0;
  let started = false;
  let peakRssMb = 0;
  const script = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const sharedVerify = fileURLToPath(new URL('./shared-verify.ts', import.meta.url));
  // The identities whose re-announcements are timed: up for the whole run.
  const origins = Array.from({ length: o.nodes }, (_, i) => i)
    .filter((i) => !plan.dead.has(i) && !plan.pauses.has(i))
    .filter((_, k, all) => k % Math.max(1, Math.floor(all.length / Math.max(1, o.reannounceAtSec.length))) === 0)
    .slice(0, o.reannounceAtSec.length);
  const keyOfIndex = (i: number) => benchIdentity(o.seed, i).nodeId;
  const toAll = (m: ToWorker) => workers.forEach((w) => w.child.send(m));
  const expect = (w: Worker, test: (m: FromWorker) => boolean, what: string, ms = 300_000) =>
    new Promise<FromWorker>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`a bench worker did not send ${what} within ${ms} ms`)), ms);
      w.waiters.push((m) => {
        if (!test(m)) return false;
        clearTimeout(timer);
        resolve(m);
        return true;
      });
    });
  try {
    for (let w = 0; w < o.workers; w++) {
      const child = fork(script, [], { execArgv: [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), '--import', 'tsx', '--import', sharedVerify], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const worker: Worker = { child, waiters: [] };
      child.on('message', (m: FromWorker) => {
        if (m.type === 'log') log(`worker ${w}: ${m.line}`);
        if (m.type === 'reports') {
          if (observer) observer.offer(m.reports);
          else pendingReports.push(m);
        }
        if (m.type === 'report') {
          seen.push(...m.seen);
          errors.push(...m.errors);
          latest.set(w, { counters: m.counters, cpuMs: m.cpuMs, rssMb: m.rssMb, loopDelayMaxMs: m.loopDelayMaxMs, loopDelayP99Ms: m.loopDelayP99Ms });
          if (started) loopDelayMaxMs = Math.max(loopDelayMaxMs, m.loopDelayMaxMs);
          peakRssMb = Math.max(peakRssMb, m.rssMb);
        }
        if (m.type === 'announced') announcements.push({ origin: m.index, key: keyOfIndex(m.index), timestamp: m.timestamp, at: m.at });
        worker.waiters = worker.waiters.filter((f) => !f(m));
      });
      child.on('exit', (code) => code && log(`worker ${w} exited with ${code}`));
      workers.push(worker);
    }
    const ready = workers.map((w) => expect(w, (m) => m.type === 'ready', 'ready'));
    workers.forEach((w, k) =>
      w.child.send({
        type: 'init',
        init: {
          deploymentsFile: chain.deploymentsFile,
          rpcUrl: chain.sys.anvil.rpcUrl,
          seed: o.seed,
          indices: Array.from({ length: o.nodes }, (_, i) => i).filter((i) => i % o.workers === k),
          watched: origins.map(keyOfIndex),
          faults: o.faults,
          dead: [...plan.dead],
          pauses: [...plan.pauses],
        },
      } satisfies ToWorker),
    );
    const readies = await Promise.all(ready);
    const identities = readies.flatMap((m) => (m.type === 'ready' ? m.identities : [])).sort((a, b) => a.index - b.index);
    const firstAnnouncements = readies.flatMap((m) => (m.type === 'ready' ? m.announcements : []));
    log(`${identities.length} identities listening on their own ports in ${o.workers} workers, each with its own signed announcement`);
    const loadStarted = Date.now();
    const loaded = workers.map((w) => expect(w, (m) => m.type === 'loaded', 'loaded'));
    toAll({ type: 'load', announcements: firstAnnouncements });
    await Promise.all(loaded);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`every directory holds the ${firstAnnouncements.length} announcements (verified per directory) in ${loadSeconds.toFixed(1)} s`);
    const indexOfNode = new Map(identities.map((i) => [BigInt(i.nodeId), i.index]));

    const report = async () => {
      const replies = workers.map((w) => expect(w, (m) => m.type === 'report', 'a report', 180_000));
      toAll({ type: 'report' });
      await Promise.all(replies);
      const counters = [...latest.values()].flatMap((l) => l.counters);
      return { counters, cpuMs: [...latest.values()].reduce((s, l) => s + l.cpuMs, 0) };
    };

    // A period boundary: the dead die when a period starts (see bench/membership.ts).
    const periodMs = o.rules.testPeriodSec * 1000;
    const t0 = Math.ceil((Date.now() + 1000) / periodMs) * periodMs;
    observer = await startObserver({ deployments: chain.deployments, rpcUrl: chain.sys.anvil.rpcUrl, rules: o.rules });
    for (const m of pendingReports.splice(0)) if (m.type === 'reports') observer.offer(m.reports);
    toAll({ type: 'start', t0 });
    started = true;
    const reannounce = [...o.reannounceAtSec].sort((a, b) => a - b);
    let nextOrigin = 0;
    let countersAtWarmup: IdentityCounters[] | undefined;
    let warmupAt = 0;
    let nextProgress = 10;
    for (;;) {
      const sec = (Date.now() - t0) / 1000;
      if (sec >= o.runSec) break;
      while (reannounce.length && reannounce[0]! <= sec) {
        const origin = origins[nextOrigin++]!;
        reannounce.shift();
        workers[origin % o.workers]!.child.send({ type: 'reannounce', index: origin } satisfies ToWorker);
      }
      if (!countersAtWarmup && sec >= o.warmupSec) {
        countersAtWarmup = (await report()).counters;
        warmupAt = Date.now();
      }
      if (sec >= nextProgress) {
        nextProgress += 10;
        const r = await report();
        const probes = r.counters.reduce((s, c) => s + c.probesSent, 0);
        const failing = new Set([...observer.failing.keys()].map((id) => indexOfNode.get(id)!));
        const deadFailing = [...failing].filter((i) => plan.dead.has(i)).length;
        log(`t=${Math.round(sec)}s  probes ${probes}  failure reports ${observer.stats.accepted}  gossip ${r.counters.reduce((s, c) => s + c.gossipSent, 0)}  judged failing ${failing.size} (dead ${deadFailing}/${plan.dead.size})  announcements seen ${seen.length}  cpu ${(r.cpuMs / 1000).toFixed(0)} s  timer lag p99/max ${Math.max(...[...latest.values()].map((l) => l.loopDelayP99Ms))}/${Math.max(...[...latest.values()].map((l) => l.loopDelayMaxMs))} ms`);
      }
      await sleep(250);
    }
    const end = await report();
    const measuredSec = (Date.now() - (warmupAt || t0)) / 1000;
    let round: StageObservations['round'];
    if (o.round) {
      log('round phase: the simulation stops; signing-style rounds over every live endpoint');
      let id = 0;
      const setHung = async (urls: readonly string[]) => {
        const n = ++id;
        const acks = workers.map((w) => expect(w, (m) => m.type === 'hung' && m.id === n, 'a hang ack', 30_000));
        toAll({ type: 'hang', urls: [...urls], id: n });
        await Promise.all(acks);
      };
      const endpoints = identities.filter((i) => !plan.dead.has(i.index)).map((i) => ({ url: i.url, ed25519Key: i.ed25519Key }));
      round = await measureHungRatio({ endpoints, ...o.round, setHung, log });
    }
    return {
      nodes: o.nodes,
      workers: o.workers,
      runSec: o.runSec,
      seedSeconds: chain.seedMs / 1000,
      t0,
      plan,
      identities,
      countersAtWarmup: countersAtWarmup ?? identities.map((i) => ({ index: i.index, probesSent: 0, gossipSent: 0, gossipReceived: 0, requestsReceived: 0, requestsDropped: 0 })),
      countersAtEnd: end.counters,
      measuredSec,
      failing: new Map([...observer.failing].map(([id, at]) => [indexOfNode.get(id)!, at])),
      observer: { ...observer.stats, refusals: Object.fromEntries(observer.stats.refusals), reasons: Object.fromEntries(observer.stats.reasons) },
      loadSeconds,
      deadVotes: Object.fromEntries([...plan.dead.keys()].map((i) => [i, observer!.failsOf(BigInt(identities.find((x) => x.index === i)!.nodeId))])),
      announcements,
      seen,
      cpuMs: end.cpuMs,
      peakRssMb,
      loopDelayMaxMs,
      errors,
      round,
    };
  } finally {
    await Promise.all(
      workers.map(async (w) => {
        if (w.child.exitCode !== null) return;
        const exited = new Promise((r) => w.child.once('exit', r));
        w.child.send({ type: 'stop' } satisfies ToWorker);
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await observer?.stop();
    await chain.stop();
  }
}
