import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utc } from '../lib/parse.ts';
import { PROGRAM_START, UNITS_PER_POINT } from '../bonus/rules.ts';
import { A, B, C, NODE1, NODE2, OXEN, hourlyRows, runEngine } from './helpers.ts';

const points = (units: bigint | undefined) => Number(units ?? 0n) / Number(UNITS_PER_POINT);
// A holds 10% of NODE1, B 90%; both registered early (backdated).
const tenPercent = `${A}:${1_500n * OXEN}:1;${B}:${13_500n * OXEN}:1`;
const early = [`node,${NODE1},${utc('2024-01-10T00:00:00Z')}`, `address,${A},${utc('2024-01-10T00:00:00Z')}`, `address,${B},${utc('2024-01-10T00:00:00Z')}`];

describe('Service Node Bonus rules', () => {
  it('worked example: 10% of a node earns 100 points per day', () => {
    const r = runEngine(early, hourlyRows(utc('2024-03-01T00:00:00Z'), 24, NODE1, tenPercent));
    assert.deepEqual(r.bad, []);
    assert.equal(r.points.get(A), 100n * UNITS_PER_POINT);
    assert.equal(r.points.get(B), 900n * UNITS_PER_POINT);
  });

  it('worked example: 80 points per day from 2024-07-01 00:00 UTC', () => {
    const r = runEngine(early, hourlyRows(utc('2024-07-01T00:00:00Z'), 24, NODE1, tenPercent));
    assert.equal(r.points.get(A), 80n * UNITS_PER_POINT);
    // The day across the change: 1 hour at 1,000/day, 23 at 800/day.
    const across = runEngine(early, hourlyRows(utc('2024-06-30T23:00:00Z'), 24, NODE1, tenPercent));
    assert.equal(points(across.points.get(A)), (100 + 23 * 80) / 24);
  });

  it('backdates registrations before 2024-01-31 to 2023-09-25 17:00 UTC, only for snapshots where they staked', () => {
    const r = runEngine(early, [
      ...hourlyRows(PROGRAM_START - 3600, 1, NODE1, tenPercent), // before the program: nothing
      ...hourlyRows(PROGRAM_START, 24, NODE1, tenPercent), // backdated: counts
      ...hourlyRows(utc('2023-10-05T00:00:00Z'), 24, NODE1, `${B}:${15_000n * OXEN}:1`), // A not staking
    ]);
    assert.equal(r.points.get(A), 100n * UNITS_PER_POINT);
    assert.equal(r.points.get(B), 1900n * UNITS_PER_POINT);
  });

  it('credits later registrants from the moment they registered', () => {
    const lateAt = utc('2024-02-10T12:00:00Z');
    const r = runEngine([...early, `address,${C},${lateAt}`], [
      ...hourlyRows(utc('2024-02-10T00:00:00Z'), 24, NODE1, `${C}:${1_500n * OXEN}:1;${B}:${13_500n * OXEN}:1`),
    ]);
    // Snapshots at 12:00 … 23:00 count: 12 hours of 10% = 50 points.
    assert.equal(r.points.get(C), 50n * UNITS_PER_POINT);
  });

  it('stops at the Anchor hardfork; inactive or unregistered nodes earn nothing; unregistered shares are not redistributed', () => {
    const anchor = utc('2024-03-01T12:00:00Z');
    const r = runEngine(
      [...early, `node,${NODE2},${utc('2024-01-10T00:00:00Z')}`],
      [
        ...hourlyRows(utc('2024-03-01T00:00:00Z'), 24, NODE1, `${A}:${1_500n * OXEN}:1;:${13_500n * OXEN}:0`),
      ],
      anchor,
    );
    assert.equal(r.points.get(A), 50n * UNITS_PER_POINT, 'only the 12 hours before the hardfork');
    assert.equal(r.points.size, 1, 'the unregistered 90% goes to nobody');
    const inactive = runEngine([...early, `node,${NODE2},${utc('2024-01-10T00:00:00Z')}`], [
      ...hourlyRows(utc('2024-03-01T00:00:00Z'), 24, NODE2, tenPercent, 0),
      ...hourlyRows(utc('2024-03-02T00:00:00Z'), 24, NODE1, tenPercent),
    ]);
    assert.equal(inactive.points.get(A), 100n * UNITS_PER_POINT);
    const unregisteredNode = runEngine(early.slice(1).concat(`node,${NODE2},${utc('2024-01-10T00:00:00Z')}`), [
      ...hourlyRows(utc('2024-03-01T00:00:00Z'), 2, NODE2, tenPercent),
      ...hourlyRows(utc('2024-03-01T00:00:00Z'), 24, NODE1, tenPercent).map((row, h) => row.replace(/^\d+/, String(utc('2024-03-01T02:00:00Z') + h * 3600))),
    ]);
    // NODE1 is not registered: only the 2 hours of NODE2 count, 10% of 1e9 units each.
    assert.equal(unregisteredNode.points.get(A), 2n * 100_000_000n);
  });

  it('builds the re-stake list from the last snapshot before the hardfork', () => {
    const anchor = utc('2024-03-01T12:00:00Z');
    const r = runEngine(early, hourlyRows(utc('2024-03-01T00:00:00Z'), 24, NODE1, `${A}:${1_500n * OXEN}:1;${B}:${13_500n * OXEN}:1;:${1n}:0`), anchor);
    assert.equal(r.lastSnapshotBeforeHardfork, utc('2024-03-01T11:00:00Z'));
    assert.deepEqual(
      r.restake.map((x) => [x.node, x.address, x.oxen]),
      [
        [NODE1, B, 13_500n * OXEN], // address order
        [NODE1, A, 1_500n * OXEN],
      ],
    );
  });
});
