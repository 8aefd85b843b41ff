import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Address } from 'viem';
import { ELIGIBILITY_SECONDS, LedgerEventError, applyEvent, createLedger, ledgerBalances, serialiseLedger } from '../ledger/ledger.ts';
import { checkpointOf } from '../ledger/checkpoint.ts';
import type { LedgerEvent } from '../ledger/types.ts';

const addr = (n: number): Address => `0x${n.toString(16).padStart(40, '0')}`;
const DAY = 24n * 3600n;

describe('reward ledger', () => {
  it('splits a release equally among eligible nodes, fee first, then pro rata, rounding down', () => {
    const ledger = createLedger();
    applyEvent(ledger, {
      kind: 'nodeActivated', nodeId: 1n, time: 0n, feeBps: 1000,
      positions: [{ contributor: addr(1), beneficiary: addr(11), amount: 75n }, { contributor: addr(2), beneficiary: addr(2), amount: 25n }],
    });
    applyEvent(ledger, { kind: 'nodeActivated', nodeId: 2n, time: 0n, feeBps: 0, positions: [{ contributor: addr(3), beneficiary: addr(3), amount: 100n }] });
    applyEvent(ledger, { kind: 'rewardsReleased', amount: 101n, time: DAY });
    // 101 / 2 = 50 each, 1 carried. Node 1: fee 5 to operator's beneficiary; 45 → 33 (75%) and 11 (25%), 1 dust.
    assert.deepEqual(ledgerBalances(ledger), [
      { account: addr(2), amount: 11n },
      { account: addr(3), amount: 50n },
      { account: addr(11), amount: 38n },
    ]);
    assert.equal(ledger.carried, 1n);
    const cp = checkpointOf(ledger);
    assert.equal(cp.total, 99n);
    assert.ok(cp.total <= cp.released);
  });

  it('pays nothing to a node active for less than 24 h, and carries the release to the next split', () => {
    const ledger = createLedger();
    applyEvent(ledger, { kind: 'nodeActivated', nodeId: 1n, time: 100n, feeBps: 0, positions: [{ contributor: addr(1), beneficiary: addr(1), amount: 1n }] });
    applyEvent(ledger, { kind: 'rewardsReleased', amount: 500n, time: 100n + ELIGIBILITY_SECONDS - 1n });
    assert.deepEqual(ledgerBalances(ledger), []);
    assert.equal(ledger.carried, 500n);
    applyEvent(ledger, { kind: 'rewardsReleased', amount: 7n, time: 100n + ELIGIBILITY_SECONDS });
    assert.deepEqual(ledgerBalances(ledger), [{ account: addr(1), amount: 507n }]);
  });

  it('pays a decommissioned node nothing: its share goes to the others, and it earns again once recommissioned', () => {
    const ledger = createLedger();
    for (const id of [1n, 2n, 3n]) applyEvent(ledger, { kind: 'nodeActivated', nodeId: id, time: 0n, feeBps: 0, positions: [{ contributor: addr(Number(id)), beneficiary: addr(Number(id)), amount: 10n }] });
    applyEvent(ledger, { kind: 'nodeDecommissioned', nodeId: 2n, time: DAY });
    applyEvent(ledger, { kind: 'rewardsReleased', amount: 101n, time: DAY }); // 2 eligible: 50 each, 1 carried
    assert.deepEqual(ledgerBalances(ledger).map((b) => b.amount), [50n, 50n]);
    assert.equal(ledger.carried, 1n);
    applyEvent(ledger, { kind: 'nodeRecommissioned', nodeId: 2n, time: DAY + 10n });
    applyEvent(ledger, { kind: 'rewardsReleased', amount: 29n, time: DAY + 10n }); // 30 / 3 = 10 each, no 24 h restart
    assert.deepEqual(ledgerBalances(ledger), [
      { account: addr(1), amount: 60n },
      { account: addr(2), amount: 10n },
      { account: addr(3), amount: 60n },
    ]);
    assert.equal(ledger.carried, 0n);
    // All decommissioned: the release is carried whole.
    for (const id of [1n, 2n, 3n]) applyEvent(ledger, { kind: 'nodeDecommissioned', nodeId: id, time: DAY + 20n });
    applyEvent(ledger, { kind: 'rewardsReleased', amount: 7n, time: DAY + 20n });
    assert.equal(ledger.carried, 7n);
    // Twice in a row is impossible, and refused without a change.
    const before = serialiseLedger(ledger);
    assert.throws(() => applyEvent(ledger, { kind: 'nodeDecommissioned', nodeId: 1n, time: DAY + 30n }), LedgerEventError);
    assert.throws(() => applyEvent(ledger, { kind: 'nodeRecommissioned', nodeId: 9n, time: DAY + 30n }), LedgerEventError);
    assert.equal(serialiseLedger(ledger), before);
  });

  it('refuses impossible events without changing anything', () => {
    const ledger = createLedger();
    applyEvent(ledger, { kind: 'nodeActivated', nodeId: 1n, time: 10n, feeBps: 0, positions: [{ contributor: addr(1), beneficiary: addr(1), amount: 1n }] });
    const before = serialiseLedger(ledger);
    const bad: LedgerEvent[] = [
      { kind: 'rewardsReleased', amount: 1n, time: 9n },
      { kind: 'nodeActivated', nodeId: 1n, time: 10n, feeBps: 0, positions: [{ contributor: addr(1), beneficiary: addr(1), amount: 1n }] },
      { kind: 'nodeActivated', nodeId: 2n, time: 10n, feeBps: 10_001, positions: [{ contributor: addr(1), beneficiary: addr(1), amount: 1n }] },
      { kind: 'nodeActivated', nodeId: 3n, time: 10n, feeBps: 0, positions: [] },
      { kind: 'nodeActivated', nodeId: 4n, time: 10n, feeBps: 0, positions: [{ contributor: addr(1), beneficiary: addr(1), amount: 0n }] },
      { kind: 'nodeRemoved', nodeId: 9n, time: 10n },
    ];
    for (const event of bad) {
      assert.throws(() => applyEvent(ledger, event), LedgerEventError);
      assert.equal(serialiseLedger(ledger), before);
    }
  });

  const eventsArb = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('activate' as const), fee: fc.integer({ min: 0, max: 10_000 }), stakes: fc.array(fc.bigInt({ min: 1n, max: 10n ** 13n }), { minLength: 1, maxLength: 10 }), who: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 10, maxLength: 10 }) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('release' as const), amount: fc.bigInt({ min: 0n, max: 10n ** 15n }) }),
      fc.record({ kind: fc.constant('wait' as const), seconds: fc.bigInt({ min: 0n, max: 3n * DAY }) }),
    ),
    { maxLength: 60 },
  );

  function toLedgerEvents(ops: Array<any>): LedgerEvent[] {
    const events: LedgerEvent[] = [];
    let time = 0n;
    let nextId = 1n;
    const active: bigint[] = [];
    for (const op of ops) {
      if (op.kind === 'wait') time += op.seconds;
      if (op.kind === 'activate') {
        const positions = op.stakes.map((amount: bigint, i: number) => ({ contributor: addr(100 + i), beneficiary: addr(op.who[i]), amount }));
        events.push({ kind: 'nodeActivated', nodeId: nextId, time, feeBps: op.fee, positions });
        active.push(nextId++);
      }
      if (op.kind === 'remove' && active.length > 0) events.push({ kind: 'nodeRemoved', nodeId: active.splice(op.pick % active.length, 1)[0]!, time });
      if (op.kind === 'release') events.push({ kind: 'rewardsReleased', amount: op.amount, time });
    }
    return events;
  }

  it('conserves value, never decreases a balance, and never authorises more than was released', () => {
    fc.assert(
      fc.property(eventsArb, (ops) => {
        const ledger = createLedger();
        let previous = new Map<Address, bigint>();
        for (const event of toLedgerEvents(ops)) {
          applyEvent(ledger, event);
          const earned = [...ledger.nodes.values()].reduce((s, n) => s + n.earned, 0n);
          assert.equal(earned + ledger.carried, ledger.released, 'every released unit is earned or carried');
          const balances = ledgerBalances(ledger);
          const total = balances.reduce((s, b) => s + b.amount, 0n);
          assert.ok(total <= ledger.released);
          const current = new Map(balances.map((b) => [b.account, b.amount]));
          for (const [account, amount] of previous) assert.ok((current.get(account) ?? 0n) >= amount, `${account} decreased`);
          previous = current;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic: the same events give a byte-identical ledger and checkpoint root', () => {
    fc.assert(
      fc.property(eventsArb, (ops) => {
        const events = toLedgerEvents(ops);
        const a = createLedger();
        const b = createLedger();
        for (const e of events) applyEvent(a, e);
        for (const e of structuredClone(events)) applyEvent(b, e);
        assert.equal(serialiseLedger(a), serialiseLedger(b));
        assert.equal(checkpointOf(a).root, checkpointOf(b).root);
      }),
      { numRuns: 60 },
    );
  });
});
