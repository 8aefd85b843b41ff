import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assignmentSeed, assignTesters } from '../src/testing/assignment.ts';
import { judge, type Votes } from '../src/testing/judgment.ts';
import { generateEd25519Identity } from '../../core/keys/ed25519.ts';
import { signTestReport, verifyTestReport, type UnsignedTestReport } from '../../sdk/src/network/test-report.ts';
import { DEVNET_RULES, NETWORK_RULES } from '../../sdk/src/network/rules.ts';

const STAKING = '0x00000000000000000000000000000000000000aa';
const seedOf = (period: number, root = `0x${'11'.repeat(32)}` as const) => assignmentSeed({ chainId: 31337, staking: STAKING, period, checkpointEpoch: 3n, checkpointRoot: root });
const ids = (n: number) => Array.from({ length: n }, (_, i) => BigInt(i + 1));

describe('tester assignment', () => {
  it('every node tests exactly K and is tested by exactly K distinct others (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 12 }), (n, period, perNode) => {
        const a = assignTesters({ seed: seedOf(period), commissioned: ids(n), testersPerNode: perNode });
        const k = Math.min(perNode, n - 1);
        assert.equal(a.k, k);
        const testedBy = new Map<bigint, number>();
        for (const id of ids(n)) {
          const testers = a.testersOf(id);
          assert.equal(testers.length, k);
          assert.equal(new Set(testers).size, k, 'distinct testers');
          assert.ok(!testers.includes(id), 'nobody tests itself');
          const targets = a.targetsOf(id);
          assert.equal(targets.length, k);
          for (const t of targets) {
            assert.ok(a.testersOf(t).includes(id), 'targetsOf is the inverse of testersOf');
            testedBy.set(t, (testedBy.get(t) ?? 0) + 1);
          }
        }
        for (const id of ids(n)) assert.equal(testedBy.get(id), k, `node ${id} is tested by K`);
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic, ignores input order, and changes with the seed', () => {
    const a = assignTesters({ seed: seedOf(7), commissioned: ids(50), testersPerNode: 10 });
    const b = assignTesters({ seed: seedOf(7), commissioned: ids(50).reverse(), testersPerNode: 10 });
    assert.deepEqual(a.ring, b.ring);
    assert.deepEqual(a.testersOf(5n), b.testersOf(5n));
    const c = assignTesters({ seed: seedOf(8), commissioned: ids(50), testersPerNode: 10 });
    const d = assignTesters({ seed: seedOf(7, `0x${'22'.repeat(32)}`), commissioned: ids(50), testersPerNode: 10 });
    assert.notDeepEqual(a.ring, c.ring, 'another period, another ring');
    assert.notDeepEqual(a.ring, d.ring, 'another checkpoint root, another ring');
    // Over many periods, a node meets many different testers (no fixed friends).
    const met = new Set<bigint>();
    for (let p = 0; p < 30; p++) for (const t of assignTesters({ seed: seedOf(p), commissioned: ids(50), testersPerNode: 10 }).testersOf(1n)) met.add(t);
    assert.ok(met.size > 35, `met ${met.size} distinct testers in 30 periods`);
  });

  it('decommissioned nodes get K commissioned testers and test nobody', () => {
    const dec = [101n, 102n, 103n];
    const a = assignTesters({ seed: seedOf(1), commissioned: ids(20), decommissioned: dec, testersPerNode: 10 });
    let extra = 0;
    for (const d of dec) {
      const testers = a.testersOf(d);
      assert.equal(testers.length, 10);
      assert.ok(testers.every((t) => t <= 20n), 'testers are commissioned');
      assert.deepEqual(a.targetsOf(d), []);
      for (const t of testers) assert.ok(a.targetsOf(t).includes(d));
      extra += testers.length;
    }
    const total = ids(20).reduce((s, id) => s + a.targetsOf(id).length, 0);
    assert.equal(total, 20 * 10 + extra, 'the ring load plus one tester slot per decommissioned node and tester');
    // A network of one commissioned node still tests a decommissioned one.
    assert.deepEqual(assignTesters({ seed: seedOf(1), commissioned: [1n], decommissioned: [2n], testersPerNode: 10 }).testersOf(2n), [1n]);
  });

  it('builds a 2,000-node assignment quickly (one sort)', () => {
    const started = performance.now();
    const a = assignTesters({ seed: seedOf(1), commissioned: ids(2000), testersPerNode: 10 });
    assert.equal(a.targetsOf(1234n).length, 10);
    assert.ok(performance.now() - started < 2_000);
  });
});

describe('test reports', () => {
  const tester = generateEd25519Identity();
  const fields: UnsignedTestReport = {
    chainId: 31337, contract: STAKING, period: 9, tester: '4', testerKey: tester.nodeId, tested: '7', ok: false,
    checks: { reachable: 'pass', keys: 'pass', ledger: 'fail', signing: 'pass', storage: 'skip' }, reason: 'behind: at block 90, asked 100', at: 1_800_000_000,
  };
  it('signs and verifies; any change breaks the signature', () => {
    const r = signTestReport(fields, tester.secretKey);
    assert.equal(verifyTestReport(r).ok, true);
    for (const tampered of [{ ...r, ok: true, checks: { ...r.checks, ledger: 'pass' } }, { ...r, period: 10 }, { ...r, tested: '8' }, { ...r, reason: 'x' }, { ...r, chainId: 1 }, { ...r, at: r.at + 1 }]) {
      const v = verifyTestReport(tampered);
      assert.equal(v.ok, false);
    }
    const other = generateEd25519Identity();
    const v = verifyTestReport({ ...r, testerKey: other.nodeId });
    assert.deepEqual(v, { ok: false, reason: 'the signature does not verify against testerKey' });
  });
  it('refuses bad shapes with a reason', () => {
    const r = signTestReport(fields, tester.secretKey);
    const reason = (x: unknown) => {
      const v = verifyTestReport(x);
      return v.ok ? 'ok' : v.reason;
    };
    assert.match(reason({ ...r, ok: true }), /ok must be true exactly when no check failed/);
    assert.match(reason({ ...r, tested: '4' }), /does not test itself/);
    assert.match(reason({ ...r, tester: '01' }), /tester must be a node id/);
    assert.match(reason({ ...r, checks: { ...r.checks, storage: 'maybe' } }), /checks.storage/);
    assert.match(reason({ ...r, reason: 'x'.repeat(301) }), /reason/);
    assert.match(reason(null), /object/);
    assert.throws(() => signTestReport(fields, generateEd25519Identity().secretKey), /does not belong/);
  });
});

describe('judgment', () => {
  const rules = NETWORK_RULES; // 300 s periods, 3600 s to fail (12 periods), 600 s to pass (2 periods)
  const current = 1000;
  const run = (votes: (p: number) => Votes) => judge({ votes, currentPeriod: current, rules, votesNeeded: 7 });

  it('a dead node: 10 of 10 fail every period → failing, not passing', () => {
    const j = run(() => ({ fails: 10, passes: 0 }));
    assert.equal(j.failing, true);
    assert.equal(j.passing, false);
    assert.deepEqual(j.failWindow, { from: 988, to: 999 });
  });
  it('one dropped report per period (9 of 10) still fails; 4 dropped (6 of 10) does not', () => {
    assert.equal(run(() => ({ fails: 9, passes: 0 })).failing, true);
    assert.equal(run(() => ({ fails: 6, passes: 0 })).failing, false);
  });
  it('a tester that lies alone never fails a healthy node', () => {
    const j = run(() => ({ fails: 1, passes: 9 }));
    assert.equal(j.failing, false);
    assert.equal(j.passing, true);
  });
  it('a 60 s pause (one 300 s period failing) is shorter than the window: not failing', () => {
    const j = run((p) => (p === 995 ? { fails: 10, passes: 0 } : { fails: 0, passes: 10 }));
    assert.equal(j.failing, false);
    assert.match(j.why.failing, /period 999: 0 of 7/);
    // Even an outage of 11 of the 12 periods does not fail: the window must be failing throughout.
    assert.equal(run((p) => (p === 999 ? { fails: 0, passes: 10 } : { fails: 10, passes: 0 })).failing, false);
  });
  it('recommission needs passes in every period of recommissionAfterSec', () => {
    assert.equal(run((p) => (p >= 998 ? { fails: 0, passes: 8 } : { fails: 10, passes: 0 })).passing, true);
    assert.equal(run((p) => (p >= 999 ? { fails: 0, passes: 8 } : { fails: 10, passes: 0 })).passing, false);
  });
  it('no testers: no verdict; devnet windows are short', () => {
    assert.equal(judge({ votes: () => ({ fails: 0, passes: 0 }), currentPeriod: current, rules, votesNeeded: 0 }).failing, false);
    const j = judge({ votes: () => ({ fails: 2, passes: 0 }), currentPeriod: current, rules: DEVNET_RULES, votesNeeded: 2 });
    assert.deepEqual(j.failWindow, { from: 996, to: 999 }, '40 s / 10 s = 4 periods');
    assert.equal(j.failing, true);
  });
});
