/**
 * The Service Node Bonus rules, as constants and small pure functions.
 *
 * Points are integers in "point units": 1 point = 24,000,000 units, so one hourly snapshot
 * (1/24 day) of a whole node is exactly 1,000,000,000 units at 1,000 points/day and
 * 800,000,000 at 800 points/day. A contributor's share of a snapshot is
 * ⌊nodeUnits × stake ÷ nodeStake⌋ (rounded down: at most one unit, 1/24,000,000 point, lost
 * per contributor per snapshot).
 */
import { ONE_SESH } from '../../sdk/src/units.ts';
import { utc } from '../lib/parse.ts';

export const UNITS_PER_POINT = 24_000_000n;
/** Points accrue from this time (backdated registrants start here). */
export const PROGRAM_START = utc('2023-09-25T17:00:00Z');
/** Registered before this → credited from PROGRAM_START; from it on → from registration. */
export const EARLY_REGISTRATION_DEADLINE = utc('2024-01-31T00:00:00Z');
/** From this time a node earns 800 points/day instead of 1,000. */
export const RATE_CHANGE = utc('2024-07-01T00:00:00Z');
/** Node units per hourly snapshot: 1,000 points/day ÷ 24 = 1e9 units; 800/day ÷ 24 = 8e8. */
export const NODE_UNITS_PER_SNAPSHOT_BEFORE = 1_000_000_000n;
export const NODE_UNITS_PER_SNAPSHOT_AFTER = 800_000_000n;
/** The pool the points share: 30,000,000 SESH. */
export const BONUS_TOTAL = 30_000_000n * ONE_SESH;

/** When a registration starts earning: backdated to PROGRAM_START if early enough. */
export function accrualStart(registeredAt: number): number {
  return registeredAt < EARLY_REGISTRATION_DEADLINE ? PROGRAM_START : registeredAt;
}

/** Units a whole node earns for the snapshot at `time`. */
export function nodeUnitsAt(time: number): bigint {
  return time < RATE_CHANGE ? NODE_UNITS_PER_SNAPSHOT_BEFORE : NODE_UNITS_PER_SNAPSHOT_AFTER;
}

/** A contributor's units for one snapshot: ⌊nodeUnits × stake ÷ nodeStake⌋. */
export function shareUnits(nodeUnits: bigint, stake: bigint, nodeStake: bigint): bigint {
  return (nodeUnits * stake) / nodeStake;
}
