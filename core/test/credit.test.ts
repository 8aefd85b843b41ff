/** Downtime credit from chain time, exact numbers under the real network's rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NETWORK_RULES } from '../../sdk/src/network/rules.ts';
import { downtimeCredit } from '../state/credit.ts';

const DAY = 86_400n;
const T0 = 1_000_000n;
type Downtime = { from: bigint; to: bigint | null };
const node = (downtimes: Downtime[] = [], activatedAt: number | null = Number(T0)) => ({ activatedAt, downtimes });
const credit = (n: ReturnType<typeof node>, at: bigint) => downtimeCredit(n, at, NETWORK_RULES);

describe('downtime credit (7200 s initial, 2880 s per commissioned day, cap 86400 s)', () => {
  it('starts at 7200 s and grows 2880 s per chain day, pro rata, rounded down, capped', () => {
    assert.equal(credit(node(), T0), 7200n);
    assert.equal(credit(node(), T0 + DAY), 10_080n);
    assert.equal(credit(node(), T0 + 29n), 7200n); // 29 × 2880 / 86400 = 0.97 → 0
    assert.equal(credit(node(), T0 + 30n), 7201n);
    assert.equal(credit(node(), T0 + 10n * DAY), 36_000n);
    assert.equal(credit(node(), T0 + 27n * DAY), 84_960n);
    assert.equal(credit(node(), T0 + 28n * DAY), 86_400n);
    assert.equal(credit(node(), T0 + 400n * DAY), 86_400n);
  });

  it('drains 1:1 while decommissioned, to zero, and grows again after a recommission', () => {
    const d = T0 + 10n * DAY; // 36,000 s of credit here
    assert.equal(credit(node([{ from: d, to: null }]), d + 3600n), 32_400n);
    assert.equal(credit(node([{ from: d, to: null }]), d + 36_000n), 0n);
    assert.equal(credit(node([{ from: d, to: null }]), d + 50_000n), 0n);
    const back = node([{ from: d, to: d + 3600n }]);
    assert.equal(credit(back, d + 3600n), 32_400n);
    assert.equal(credit(back, d + 3600n + 5n * DAY), 32_400n + 14_400n);
    // Exhausted, then recommissioned: it earns from zero.
    const empty = node([{ from: T0 + 100n, to: T0 + 20_000n }]);
    assert.equal(credit(empty, T0 + 20_000n), 0n); // 7200 + 3 (100 s commissioned) − 19,900 → 0
    assert.equal(credit(empty, T0 + 20_000n + DAY), 2880n);
  });

  it('caps before draining (a full credit drains from 86,400), and counts only what happened before `chainNow`', () => {
    const d = T0 + 40n * DAY;
    const n = node([{ from: d, to: d + 1000n }, { from: d + 2000n, to: null }]);
    assert.equal(credit(n, d + 500n), 85_900n);
    assert.equal(credit(n, d + 1000n), 85_400n);
    assert.equal(credit(n, d + 2000n), 85_400n + 33n); // 1000 s commissioned: 1000 × 2880 / 86400 = 33.3 → 33
    assert.equal(credit(n, d + 2100n), 85_333n);
    assert.equal(credit(n, d - DAY), 86_400n); // before the first downtime: still capped
    assert.equal(credit(n, T0 + DAY), 10_080n); // a query in the past ignores later downtimes
  });

  it('is zero for a node never activated', () => {
    assert.equal(credit(node([], null), T0), 0n);
  });
});
