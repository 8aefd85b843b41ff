/**
 * npm run bench:programs — the Service Node Bonus engine at full size: generates 2,000 nodes ×
 * hourly snapshots × 280 days (13.44M node-snapshots, ~2.9 GB of CSV) in a temp folder, then
 * runs `programs bonus` on it in a fresh process and measures wall time and peak RSS (the
 * child's maxRSS, so generation does not count). Writes bench/programs.json:
 *   { "bonusNodeSnapshotsPerSecond": number, "bonusPeakMemoryMB": number }
 * Goal: ≤ 60 s and ≤ 2 GB. Too slow for CI; tests run it with --nodes/--days small.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const usage = `Usage: npm run bench:programs [-- --nodes N --days D --out FILE --keep]

Generates synthetic bonus input (default 2,000 nodes × 280 days), runs the points engine on
it in a child process and writes { bonusNodeSnapshotsPerSecond, bonusPeakMemoryMB } to FILE
(default bench/programs.json). --keep leaves the generated files in place.`;

const CIRCULATING = (60_000_000n * 10n ** 9n).toString();

async function child(dir: string, anchor: number): Promise<void> {
  const { runBonus } = await import('../programs/bonus/run.ts');
  const started = performance.now();
  const result = await runBonus({
    registrations: join(dir, 'registrations.csv'),
    snapshots: [join(dir, 'snapshots.csv')],
    anchorHardfork: anchor,
    circulatingOxen: BigInt(CIRCULATING),
    outDir: join(dir, 'out'),
  });
  const seconds = (performance.now() - started) / 1000;
  const maxRssKb = process.resourceUsage().maxRSS;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ nodeSnapshots: result.nodeSnapshots, seconds, maxRssKb, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '2000' },
      days: { type: 'string', default: '280' },
      out: { type: 'string', default: 'bench/programs.json' },
      keep: { type: 'boolean', default: false },
      child: { type: 'string' },
      anchor: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  if (values.child) return child(values.child, Number(values.anchor));

  const { generateBonusSample } = await import('../programs/bonus/generate.ts');
  const dir = mkdtempSync(join(tmpdir(), 'bench-programs-'));
  try {
    const genStarted = performance.now();
    const sample = await generateBonusSample({ nodes: Number(values.nodes), days: Number(values.days), outDir: dir, seed: 1 });
    process.stderr.write(`generated ${sample.nodeSnapshots} node-snapshots in ${((performance.now() - genStarted) / 1000).toFixed(1)} s\n`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir, '--anchor', String(sample.anchorHardfork)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`the bonus run failed (exit ${run.status})`);
    const measured = JSON.parse(run.stdout.trim().split('\n').pop()!) as { nodeSnapshots: number; seconds: number; maxRssKb: number; cpuSeconds: number };
    const result = {
      bonusNodeSnapshotsPerSecond: Math.round(measured.nodeSnapshots / measured.seconds),
      bonusPeakMemoryMB: Math.round(measured.maxRssKb / 1024),
    };
    console.log(
      `${measured.nodeSnapshots} node-snapshots in ${measured.seconds.toFixed(1)} s wall (${measured.cpuSeconds.toFixed(1)} s CPU): ` +
        `${result.bonusNodeSnapshotsPerSecond.toLocaleString('en-US')}/s, peak ${result.bonusPeakMemoryMB} MB`,
    );
    writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${values.out}`);
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept the generated input in ${dir}`);
  }
}

main().catch((error) => {
  console.error(`programs benchmark failed: ${(error as Error).message}`);
  process.exit(1);
});
