/**
 * The phase config: one `key = value` per line; `#` starts a comment; blank lines are ignored.
 *
 *   lighthouse        = <when>   testnet, portal and incentive program live
 *   anchor.upgrade    = <when>   Anchor release out; the mandatory 1-week upgrade window opens
 *   anchor.hardfork   = <when>   ≥ anchor.upgrade + 7 days
 *   landing.upgrade   = <when>   ≥ anchor.hardfork + 7 days (the recovery window is over)
 *   landing.hardfork  = <when>   ≥ landing.upgrade + 7 days
 *   tge               = <when>   ≥ landing.hardfork + 7 days (the migration grace is over)
 *   circulating_oxen  = <atomic OXEN>   OXEN supply at TGE − OPTF holdings (coin-claims rate)
 *   testnet_incentives = <SESH>   testnet incentive pool, decimal SESH (e.g. 500000)
 *   staking_requirement = <SESH>  stake of a Session node (default 25000)
 *   max_topup_bps     = <0..10000> largest treasury top-up of a migrated node, bps of the stake (default 2500)
 *   oxen.height       = <height> @ <ISO time>  reference point for heights (needed if any <when> is a height)
 *
 * <when> is an ISO UTC time (2025-03-01T00:00:00Z), unix seconds, or `height:N`: an Oxen
 * block height, turned into a time with the reference point and Oxen's 2-minute target
 * block time. The six phase keys must appear in the order above, each at or after the one
 * before it: time going backwards is refused with the line where it happens.
 */
import { readFileSync } from 'node:fs';
import { badRowSink, checkBadRows } from '../../programs/lib/errors.ts';
import { parseTime } from '../../programs/lib/parse.ts';
import { parseSesh, sesh } from '../../sdk/src/units.ts';
import { MigrationError } from './errors.ts';

export const WEEK = 7 * 24 * 3600;
/** Oxen's target block time, seconds. */
export const OXEN_BLOCK_SECONDS = 120;

export const PHASE_KEYS = ['lighthouse', 'anchor.upgrade', 'anchor.hardfork', 'landing.upgrade', 'landing.hardfork', 'tge'] as const;
export type PhaseKey = (typeof PHASE_KEYS)[number];

/** Minimum gap to the previous phase key (the mandatory windows). */
const MIN_GAP: Record<PhaseKey, number> = {
  lighthouse: 0,
  'anchor.upgrade': 0,
  'anchor.hardfork': WEEK,
  'landing.upgrade': WEEK,
  'landing.hardfork': WEEK,
  tge: WEEK,
};

export type MigrationConfig = {
  times: Record<PhaseKey, number>;
  circulatingOxen: bigint;
  testnetIncentives: bigint;
  stakingRequirement: bigint;
  maxTopUpBps: number;
};

type Raw = { value: string; line: number };

function parseWhen(text: string, reference: { height: number; time: number } | undefined): number {
  const height = /^height:(\d{1,10})$/.exec(text);
  if (!height) return parseTime(text, 'time');
  if (!reference) throw new Error('a height needs the reference point: add `oxen.height = <height> @ <ISO time>` before it');
  return reference.time + (Number(height[1]) - reference.height) * OXEN_BLOCK_SECONDS;
}

/** Parses config text; every bad line is reported as `file:line: reason` (BadInputError). */
export function parseConfig(text: string, file = 'config'): MigrationConfig {
  const bad = badRowSink();
  const raw = new Map<string, Raw>();
  text.split('\n').forEach((full, i) => {
    const line = i + 1;
    const body = full.replace(/#.*$/, '').trim();
    if (body === '') return;
    const match = /^([a-z_.]+)\s*=\s*(.+)$/.exec(body);
    if (!match) return bad.add(file, line, 'expected `key = value`', full);
    const [, key, value] = match as unknown as [string, string, string];
    if (raw.has(key)) return bad.add(file, line, `${key} is set twice (first on line ${raw.get(key)!.line})`, full);
    raw.set(key, { value: value.trim(), line });
  });
  const field = <T>(key: string, parse: (v: string) => T, fallback?: T): T | undefined => {
    const entry = raw.get(key);
    if (!entry) {
      if (fallback === undefined) bad.add(file, 0, `${key} is missing`, '');
      return fallback;
    }
    try {
      return parse(entry.value);
    } catch (error) {
      bad.add(file, entry.line, `${key}: ${(error as Error).message}`, entry.value);
      return undefined;
    }
  };
  const known = new Set<string>([...PHASE_KEYS, 'circulating_oxen', 'testnet_incentives', 'staking_requirement', 'max_topup_bps', 'oxen.height']);
  for (const [key, entry] of raw) if (!known.has(key)) bad.add(file, entry.line, `unknown key ${key} (known: ${[...known].join(', ')})`, entry.value);

  const reference = field('oxen.height', (v) => {
    const m = /^(\d{1,10})\s*@\s*(\S+)$/.exec(v);
    if (!m) throw new Error('expected `<height> @ <ISO time>`');
    return { height: Number(m[1]), time: parseTime(m[2], 'time') };
  }, null as never);
  const times = {} as Record<PhaseKey, number>;
  let previous: { key: PhaseKey; time: number; line: number } | undefined;
  for (const key of PHASE_KEYS) {
    const time = field(key, (v) => parseWhen(v, reference ?? undefined));
    if (time === undefined) continue;
    const line = raw.get(key)!.line;
    if (previous) {
      if (line < previous.line) bad.add(file, line, `${key} must come after ${previous.key} (line ${previous.line})`, raw.get(key)!.value);
      if (time < previous.time) {
        bad.add(file, line, `time goes backwards: ${key} (${iso(time)}) is before ${previous.key} (${iso(previous.time)})`, raw.get(key)!.value);
      } else if (time < previous.time + MIN_GAP[key]) {
        bad.add(file, line, `${key} must be at least 7 days after ${previous.key} (${iso(previous.time + MIN_GAP[key])}): the window is mandatory`, raw.get(key)!.value);
      }
    }
    times[key] = time;
    previous = { key, time, line };
  }
  const circulatingOxen = field('circulating_oxen', (v) => {
    if (!/^[1-9]\d{0,29}$/.test(v)) throw new Error('must be a positive integer (atomic OXEN, 9 decimals)');
    return BigInt(v);
  });
  const testnetIncentives = field('testnet_incentives', parseSesh);
  const stakingRequirement = field('staking_requirement', (v) => {
    const amount = parseSesh(v);
    if (amount < sesh(1_000) || amount > sesh(1_000_000)) throw new Error('must be within 1000..1000000 SESH (SessionStaking bounds)');
    return amount;
  }, sesh(25_000));
  const maxTopUpBps = field('max_topup_bps', (v) => {
    if (!/^\d{1,5}$/.test(v) || Number(v) > 10_000) throw new Error('must be an integer 0..10000');
    return Number(v);
  }, 2_500);
  checkBadRows(bad, false);
  return { times, circulatingOxen: circulatingOxen!, testnetIncentives: testnetIncentives!, stakingRequirement: stakingRequirement!, maxTopUpBps: maxTopUpBps! };
}

export function readConfig(path: string): MigrationConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MigrationError(`cannot read the config ${path} (${(error as Error).message}); pass --config FILE (see migration/sample/config.txt)`);
  }
  return parseConfig(text, path);
}

export function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
