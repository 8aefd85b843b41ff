/**
 * `programs testnet score`: activity records → scores → allocation of the program's total →
 * distribution tree (for a MerkleDistributor at TGE). Outputs, written atomically only when
 * no row was bad (or with --skip-bad-rows):
 *   scores.csv         address,score,members,amount,sesh   (members = the sybil cluster)
 *   distribution.json  Merkle root, total and proofs
 *   skipped-rows.csv   only with --skip-bad-rows and bad rows
 */
import { join } from 'node:path';
import type { Address } from 'viem';
import { formatSesh } from '../../sdk/src/units.ts';
import { allocate } from '../lib/allocate.ts';
import type { BadRow } from '../lib/errors.ts';
import { writeFileAtomic } from '../lib/io.ts';
import { claimsFrom, distributionFile } from '../lib/merkle.ts';
import { readActivity } from './activity.ts';
import { withFunding } from './extract.ts';
import { readFileSync } from 'node:fs';
import { parseAddress } from '../lib/parse.ts';
import { isEligible, type EligibilityState } from './eligibility.ts';
import { scoreParticipants } from './score.ts';

export type TestnetRunOptions = {
  activity: string[];
  state: EligibilityState;
  total: bigint;
  ignoreFunders: Address[];
  /** CSV address,funded_by from testnet-extract-funding; fills in records' fundedBy. */
  fundingFile?: string;
  outDir: string;
  skipBadRows?: boolean;
};

/** Reads the address,funded_by CSV written by testnet-extract-funding. */
export function readFunding(path: string): Map<Address, Address> {
  const map = new Map<Address, Address>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line || i === 0) return;
      const [address, funder] = line.split(',');
      try {
        map.set(parseAddress(address!), parseAddress(funder!));
      } catch (error) {
        throw new Error(`${path}:${i + 1}: ${(error as Error).message}`);
      }
    });
  return map;
}

export async function runTestnetScores(options: TestnetRunOptions): Promise<{ root: string; rows: number; skipped: BadRow[] }> {
  const read = await readActivity(options.activity, options.skipBadRows);
  const skipped = read.skipped;
  const records = options.fundingFile ? withFunding(read.records, readFunding(options.fundingFile)) : read.records;
  const scores = scoreParticipants(records, {
    isEligible: (a) => isEligible(options.state, a),
    ignoreFunders: new Set(options.ignoreFunders),
  });
  const allocations = allocate(new Map(scores.map((s) => [s.address, s.score])), options.total);
  const members = new Map(scores.map((s) => [s.address, s.members]));
  const distribution = distributionFile('testnet-incentive', claimsFrom(allocations));
  const csv = ['address,score,members,amount,sesh']
    .concat(allocations.map((a) => `${a.address},${a.weight},${members.get(a.address)!.join(' ')},${a.amount},${formatSesh(a.amount)}`))
    .join('\n');
  writeFileAtomic(join(options.outDir, 'scores.csv'), `${csv}\n`);
  writeFileAtomic(join(options.outDir, 'distribution.json'), `${JSON.stringify(distribution, null, 1)}\n`);
  if (skipped.length > 0) {
    writeFileAtomic(join(options.outDir, 'skipped-rows.csv'), `file,line,reason\n${skipped.map((r) => `${r.file},${r.line},"${r.reason.replaceAll('"', '""')}"`).join('\n')}\n`);
  }
  return { root: distribution.root, rows: allocations.length, skipped };
}
