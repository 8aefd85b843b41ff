/**
 * Synthetic Service Node Bonus input of any size (deterministic for a seed): N nodes with
 * 1–4 contributors each, hourly snapshots over D days from the program start, some
 * inactive hours, a little contributor churn, most participants registered (some early,
 * some late). Used by the tests (small) and bench/programs.ts (2,000 nodes × 280 days).
 */
import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { writeFileAtomic, progressBar } from '../lib/io.ts';
import { formatContributors, type Contributor } from './format.ts';
import { EARLY_REGISTRATION_DEADLINE, PROGRAM_START } from './rules.ts';

export type SampleOptions = { nodes: number; days: number; outDir: string; seed?: number; quiet?: boolean };
export type SampleFiles = { registrations: string; snapshots: string; anchorHardfork: number; nodeSnapshots: number };

/** xorshift32: a tiny deterministic PRNG (not for secrets). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const FULL_STAKE = 15_000n * 10n ** 9n; // 15,000 OXEN in atomic units

export async function generateBonusSample(options: SampleOptions): Promise<SampleFiles> {
  const random = rng(options.seed ?? 1);
  const int = (n: number) => Math.floor(random() * n);
  const hex = (bytes: number) => bytesToHex(Uint8Array.from({ length: bytes }, () => int(256)), { size: bytes }).slice(2);
  mkdirSync(options.outDir, { recursive: true });

  const participants = Array.from({ length: Math.max(4, Math.ceil(options.nodes * 1.5)) }, () =>
    privateKeyToAddress(`0x${hex(31)}01`),
  );
  const registered = new Map<string, number>();
  const hours = options.days * 24;
  const anchorHardfork = PROGRAM_START + hours * 3600;
  for (const address of participants) {
    const roll = random();
    if (roll < 0.55) registered.set(address, PROGRAM_START + int(EARLY_REGISTRATION_DEADLINE - PROGRAM_START)); // early: backdated
    else if (roll < 0.85) registered.set(address, EARLY_REGISTRATION_DEADLINE + int(Math.max(1, anchorHardfork - EARLY_REGISTRATION_DEADLINE)));
  }
  const pickContributors = (): Contributor[] => {
    const count = 1 + int(4);
    const list: Contributor[] = [];
    let left = FULL_STAKE;
    for (let i = 0; i < count; i++) {
      const eth = participants[int(participants.length)]!;
      const oxen = i === count - 1 ? left : (left * BigInt(25 + int(50))) / 100n;
      left -= oxen;
      const isRegistered = registered.has(eth);
      list.push({ eth: isRegistered || random() < 0.5 ? eth : null, oxen, registered: isRegistered });
    }
    return list;
  };
  const nodes = Array.from({ length: options.nodes }, () => ({ id: hex(32), contributors: formatContributors(pickContributors()) }));

  const regLines = ['kind,id,registered_at'];
  for (const node of nodes) {
    if (random() < 0.9) regLines.push(`node,${node.id},${PROGRAM_START + int(Math.max(1, anchorHardfork - PROGRAM_START))}`);
  }
  for (const [address, at] of registered) regLines.push(`address,${address},${at}`);
  const registrations = join(options.outDir, 'registrations.csv');
  writeFileAtomic(registrations, `${regLines.join('\n')}\n`);

  const snapshots = join(options.outDir, 'snapshots.csv');
  const temp = `${snapshots}.tmp-${process.pid}`;
  const out = createWriteStream(temp, { highWaterMark: 1 << 22 });
  const bar = progressBar('generating snapshots', hours, options.quiet);
  out.write('time,node,active,contributors\n');
  for (let h = 0; h < hours; h++) {
    const time = PROGRAM_START + h * 3600;
    const lines: string[] = [];
    for (const node of nodes) {
      if (random() < 0.0005) node.contributors = formatContributors(pickContributors()); // churn
      lines.push(`${time},${node.id},${random() < 0.98 ? 1 : 0},${node.contributors}`);
    }
    if (!out.write(`${lines.join("\n")}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    bar.update(h);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  bar.end();
  renameSync(temp, snapshots);
  return { registrations, snapshots, anchorHardfork, nodeSnapshots: hours * options.nodes };
}
