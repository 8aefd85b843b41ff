/**
 * `programs bonus`: registrations + snapshots → points, allocation, distribution tree and
 * re-stake list. Inputs are streamed; outputs are written (atomically) only when the whole
 * input was read and either no row was bad or --skip-bad-rows was given.
 *
 * Outputs in the output folder:
 *   points.csv         address,point_units,points,amount,sesh   (1 point = 24,000,000 units)
 *   distribution.json  Merkle root, total and proofs (StandardMerkleTree of index,account,amount)
 *   restake.csv        node,address,oxen,sesh,active — stake at the last snapshot before the
 *                      Anchor hardfork, converted at the coin-claims full rate, re-staked to
 *                      that node at Landing
 *   summary.json       parameters, counts, root
 *   skipped-rows.csv   only with --skip-bad-rows and bad rows: file,line,reason
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatSesh } from '../../sdk/src/units.ts';
import { allocate } from '../lib/allocate.ts';
import { badRowSink, checkBadRows, type BadRow } from '../lib/errors.ts';
import { forEachLine, writeFileAtomic } from '../lib/io.ts';
import { claimsFrom, distributionFile } from '../lib/merkle.ts';
import { isoTime } from '../lib/parse.ts';
import { fullAmount } from '../coin-claims/amount.ts';
import { createBonusEngine, type BonusResult } from './engine.ts';
import { isHeader } from './format.ts';
import { BONUS_TOTAL, UNITS_PER_POINT } from './rules.ts';

export type BonusRunOptions = {
  registrations: string;
  snapshots: string[];
  anchorHardfork: number;
  circulatingOxen: bigint;
  outDir: string;
  skipBadRows?: boolean;
  quiet?: boolean;
};

export type BonusRunResult = BonusResult & { root: string; skipped: BadRow[]; files: string[] };

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function formatPoints(units: bigint): string {
  const whole = units / UNITS_PER_POINT;
  const micro = ((units % UNITS_PER_POINT) * 1_000_000n) / UNITS_PER_POINT;
  return `${whole}.${micro.toString().padStart(6, '0')}`;
}

export async function runBonus(options: BonusRunOptions): Promise<BonusRunResult> {
  const bad = badRowSink();
  const engine = createBonusEngine({ anchorHardfork: options.anchorHardfork }, bad);
  await forEachLine(options.registrations, (text, line) => {
    if (!isHeader(text)) engine.addRegistration(text, options.registrations, line);
  });
  for (const file of options.snapshots) {
    const onLine = (text: string, line: number) => {
      if (!isHeader(text)) engine.addSnapshotRow(text, file, line);
    };
    await forEachLine(file, onLine, { progress: `snapshots ${file}`, quiet: options.quiet });
  }
  const result = engine.finish();
  checkBadRows(bad, options.skipBadRows ?? false);

  const allocations = allocate(result.points, BONUS_TOTAL);
  const distribution = distributionFile('service-node-bonus', claimsFrom(allocations));
  const pointsCsv = ['address,point_units,points,amount,sesh']
    .concat(allocations.map((a) => `${a.address},${a.weight},${formatPoints(a.weight)},${a.amount},${formatSesh(a.amount)}`))
    .join('\n');
  const restakeCsv = ['node,address,oxen,sesh,active']
    .concat(result.restake.map((r) => {
      const sesh = fullAmount(r.oxen, options.circulatingOxen);
      return `${r.node},${r.address},${r.oxen},${sesh},${r.active ? 1 : 0}`;
    }))
    .join('\n');
  const summary = {
    program: 'service-node-bonus',
    root: distribution.root,
    total: distribution.total,
    participants: allocations.length,
    snapshots: result.snapshots,
    nodeSnapshots: result.nodeSnapshots,
    anchorHardfork: isoTime(options.anchorHardfork),
    lastSnapshotBeforeHardfork: result.lastSnapshotBeforeHardfork === null ? null : isoTime(result.lastSnapshotBeforeHardfork),
    circulatingOxen: options.circulatingOxen.toString(),
    restakeRows: result.restake.length,
    skippedRows: bad.rows.length,
  };
  const files: Array<[string, string]> = [
    ['points.csv', `${pointsCsv}\n`],
    ['distribution.json', `${JSON.stringify(distribution, null, 1)}\n`],
    ['restake.csv', `${restakeCsv}\n`],
    ['summary.json', `${JSON.stringify(summary, null, 2)}\n`],
  ];
  if (bad.rows.length > 0) {
    files.push(['skipped-rows.csv', `file,line,reason\n${bad.rows.map((r) => `${csvField(r.file)},${r.line},${csvField(r.reason)}`).join('\n')}\n`]);
  }
  for (const [name, content] of files) writeFileAtomic(join(options.outDir, name), content);
  if (bad.rows.length === 0) rmSync(join(options.outDir, 'skipped-rows.csv'), { force: true }); // not from an older run
  return { ...result, root: distribution.root, skipped: bad.rows, files: files.map(([name]) => join(options.outDir, name)) };
}
