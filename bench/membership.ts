/**
 * npm run bench:membership: a 2,000-identity membership simulation on one machine.
 * Real nodes on a real local chain (seedNodes), followed by every worker through the real
 * tracker and network state; each identity has its own port, ed25519 key, announcement,
 * gossip, tester schedule and faults (bench/membership/). Stages of 500 and 1,000 nodes show
 * how the per-node load grows (it must not); the last stage (2,000) gives every figure.
 * Prints a line every ~10 s, a table at the end, and writes bench/membership.json.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { NETWORK_RULES, type MembershipRules } from '../sdk/src/network/rules.ts';
import { DEFAULT_FAULTS, type FaultConfig } from './membership/faults.ts';
import { runStage, type StageObservations } from './membership/stage.ts';
import { announcementSpread, deadNodeDecisions, perMinute } from './membership/figures.ts';

const usage = `Usage: npm run bench:membership [-- options]

Options:
  --small            a quick run for the smoke test (50 identities, 2 workers, short windows)
  --nodes N          identities in the main stage (default 2000)
  --scale LIST       smaller stages run first for the per-node load, e.g. 500,1000 (default; "" for none)
  --workers N        worker processes sharing the identities (default 4)
  --run SEC          seconds of simulation in the main stage (default 330)
  --scale-run SEC    seconds of each smaller stage (default 120)
  --period SEC       test period of every stage (default 90; the window is 3 periods)
  --seed TEXT        run seed: keys, fault plan (default "bench")
  --out FILE         where to write the JSON (default bench/membership.json)
  --help             show this help`;

const { values } = parseArgs({
  options: {
    small: { type: 'boolean', default: false },
    nodes: { type: 'string' },
    scale: { type: 'string' },
    workers: { type: 'string' },
    run: { type: 'string' },
    'scale-run': { type: 'string' },
    seed: { type: 'string', default: 'bench' },
    period: { type: 'string' },
    out: { type: 'string', default: 'bench/membership.json' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const small = values.small!;
const positive = (name: string, v: string | undefined, fallback: number) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const nodes = positive('nodes', values.nodes, small ? 50 : 2000);
const workers = positive('workers', values.workers, small ? 2 : 4);
const runSec = positive('run', values.run, small ? 40 : 330);
const scaleRunSec = positive('scale-run', values['scale-run'], small ? 25 : 120);
const scale = (values.scale ?? (small ? '' : '500,1000'))
  .split(',')
  .filter(Boolean)
  .map((s) => positive('scale', s, 0));

/**
 * The bench's rules. Announcements keep the real network's timings (re-announce every 1,800 s,
 * expire after 7,200 s, anti-entropy pull every 300 s): a run is shorter than one interval, so
 * the only announcements that move are the first ones (loaded as a restart loads them) and the
 * re-announcements the bench times. Testing keeps the real counts (10 testers per node, 7 of
 * them to fail it) with 90 s periods instead of 300 s and a window of 3 periods (270 s)
 * instead of 12 (3,600 s), so a run fits in minutes; the window is still far longer than the
 * longest pause (60 s), so a pause alone never decommissions anyone. Why not shorter periods:
 * 2,000 identities × 10 targets × 2 requests per period all land on this one 2-core machine
 * (a real node carries one identity's share), and at 30 s periods the machine, not the
 * protocol, would be what times out.
 * The dead identities die at the start of a period (t0 is a period boundary), so the measured
 * decision time is the window itself; a node that dies mid-period is decided up to one period
 * later (the real 300 s in 3,600 s: +8%).
 */
const RULES: MembershipRules = small
  ? { ...NETWORK_RULES, testPeriodSec: 8, decommissionAfterSec: 24, recommissionAfterSec: 8 }
  : { ...NETWORK_RULES, testPeriodSec: Number(values.period ?? 90), decommissionAfterSec: 3 * Number(values.period ?? 90), recommissionAfterSec: Number(values.period ?? 90) };
const FAULTS: FaultConfig = small ? { ...DEFAULT_FAULTS, pauseMinSec: 3, pauseMaxSec: 9 } : DEFAULT_FAULTS;

const started = Date.now();
const log = (line: string) => console.error(`bench [${Math.round((Date.now() - started) / 1000)}s]: ${line}`);

const stage = (n: number, sec: number, main: boolean) =>
  runStage({
    nodes: n,
    workers,
    runSec: sec,
    seed: values.seed!,
    rules: RULES,
    faults: FAULTS,
    warmupSec: Math.min(30, Math.floor(sec / 3)),
    // Re-announcements after the first spread, each with time to reach everyone before the end.
    reannounceAtSec: main ? (small ? [12, 22] : [60, 120, 180, 240]) : [],
    round: main ? { hungFraction: 0.03, repeats: small ? 1 : 3, timeoutMs: small ? 3_000 : 10_000 } : undefined,
    log,
  });

const scaling: { nodes: number; probesPerNodePerMinute: ReturnType<typeof perMinute>; gossipSentPerNodePerMinute: ReturnType<typeof perMinute> }[] = [];
for (const n of scale) {
  const o = await stage(n, scaleRunSec, false);
  scaling.push({ nodes: n, probesPerNodePerMinute: perMinute(o, 'probesSent'), gossipSentPerNodePerMinute: perMinute(o, 'gossipSent') });
  log(`${n} nodes: probes/node/min mean ${scaling.at(-1)!.probesPerNodePerMinute.mean}, max ${scaling.at(-1)!.probesPerNodePerMinute.max}`);
}
const o: StageObservations = await stage(nodes, runSec, true);
const probes = perMinute(o, 'probesSent');
scaling.push({ nodes, probesPerNodePerMinute: probes, gossipSentPerNodePerMinute: perMinute(o, 'gossipSent') });
const spread = announcementSpread(o);
const p99s = spread.map((s) => s.p99Seconds);
const decisions = deadNodeDecisions(o);
const window = RULES.decommissionAfterSec;

const result = {
  nodes,
  probesPerNodePerMinute: { mean: probes.mean, max: probes.max, byNetworkSize: scaling.map((s) => ({ nodes: s.nodes, mean: s.probesPerNodePerMinute.mean, max: s.probesPerNodePerMinute.max })) },
  announcementP99Seconds: p99s.length && p99s.every((p) => p !== null) ? Math.max(...(p99s as number[])) : null,
  deadNodeDecommissionSeconds: decisions.seconds,
  configuredWindowSeconds: window,
  deadNodesDecided: `${decisions.decided}/${decisions.dead}`,
  falsePositives: decisions.falsePositives.length,
  hungRoundRatio: o.round?.ratio ?? null,
  hungRound: o.round && { endpoints: o.identities.length - o.plan.dead.size, hung: o.round.hung, noneMs: o.round.noneMs, hungMs: o.round.hungMs, callTimeoutMs: o.round.timeoutMs, samples: o.round.samples },
  announcements: spread,
  gossipPerNodePerMinute: { sent: perMinute(o, 'gossipSent'), received: perMinute(o, 'gossipReceived') },
  scaling,
  rules: RULES,
  faults: { ...FAULTS, dead: o.plan.dead.size, paused: o.plan.pauses.size },
  run: {
    workers,
    runSeconds: runSec,
    measuredSeconds: Number(o.measuredSec.toFixed(1)),
    seedSeconds: Number(o.seedSeconds.toFixed(1)),
    workerCpuSeconds: Number((o.cpuMs / 1000).toFixed(1)),
    workerCpuPerNodeMinuteMs: Number((o.cpuMs / nodes / (runSec / 60)).toFixed(1)),
    peakWorkerRssMb: o.peakRssMb,
    workerTimerLagMaxMs: o.loopDelayMaxMs,
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    cpus: cpus().length,
    node: process.version,
    wallSeconds: Math.round((Date.now() - started) / 1000),
  },
  falsePositiveNodes: decisions.falsePositives,
  observer: o.observer,
  deadNodeFailureVotes: o.deadVotes,
  directoryLoadSeconds: Number(o.loadSeconds.toFixed(1)),
  workerErrors: o.errors.slice(0, 20),
  measuredAt: new Date().toISOString(),
};

const rows: [string, unknown, string][] = [
  ['nodes', nodes, ''],
  ['probesPerNodePerMinute', `${probes.mean} mean, ${probes.max} max`, '≤ 60, flat in n'],
  ...scaling.map((s): [string, unknown, string] => [`  at ${s.nodes} nodes`, `${s.probesPerNodePerMinute.mean} mean, ${s.probesPerNodePerMinute.max} max`, '']),
  ['announcementP99Seconds', result.announcementP99Seconds ?? 'not reached', '≤ 30'],
  ['deadNodeDecommissionSeconds', `${decisions.seconds.min}–${decisions.seconds.max} (mean ${decisions.seconds.mean}), ${result.deadNodesDecided} decided`, `${window} ±10%`],
  ['falsePositives', result.falsePositives, '0'],
  ['hungRoundRatio', result.hungRoundRatio ?? '—', '≤ 1.5'],
  ['gossip sent /node/min', result.gossipPerNodePerMinute.sent.mean, ''],
  ['worker CPU s', result.run.workerCpuSeconds, ''],
];
console.log(`\n${'metric'.padEnd(30)}${'value'.padEnd(44)}target`);
for (const [name, value, target] of rows) console.log(`${name.padEnd(30)}${String(value).padEnd(44)}${target}`);
writeFileSync(values.out!, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${values.out}`);
process.exit(0);
