/** Node states and countdowns as the portal words them, and the time rules it mirrors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Address } from 'viem';
import { exitAllowedAt, nodeView, withdrawAt } from '../src/chain.ts';
import { duration, percent, sesh, seshRounded } from '../src/format.ts';
import { nodeState } from '../src/state.ts';
import type { NodeRecord } from '../../sdk/src/staking/node-record.ts';
import { sesh as toBase } from '../../sdk/src/units.ts';

const DAY = 86_400n;
const operator = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
const small = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address;
const big = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address;

function record(patch: Partial<NodeRecord>): NodeRecord {
  const contributors = [
    { contributor: operator, amount: toBase(6_250), lastContributionAt: 1_000n },
    { contributor: small, amount: toBase(2_000), lastContributionAt: 2_000n },
    { contributor: big, amount: toBase(16_750), lastContributionAt: 3_000n },
  ];
  return {
    operator, feeBps: 500, status: 'Active', contributorCount: 3, reservedCount: 0, autoActivate: true, activatedAt: 10_000n,
    stakeRequired: toBase(25_000), totalStaked: toBase(25_000), reservedOutstanding: 0n, exitRequestedAt: 0n, pendingKey: 0n,
    deregisteredAt: 0n, contributors, stake: toBase(25_000), ...patch,
  };
}

describe('portal node states', () => {
  it('words every state with its countdown from chain time', () => {
    const filling = nodeView(1n, record({ status: 'AwaitingContributions', totalStaked: toBase(8_250), stake: toBase(8_250) }));
    assert.deepEqual(nodeState(filling, 0n), { key: 'awaiting', label: 'Awaiting contributions', detail: '8,250 SESH of 25,000 SESH staked' });
    assert.equal(nodeState(nodeView(1n, record({})), 20_000n).key, 'running');

    const exiting = nodeView(1n, record({ status: 'ExitRequested', exitRequestedAt: 100_000n }));
    assert.equal(exiting.unlockAt, 100_000n + 15n * DAY);
    assert.equal(exiting.fallbackAt, 100_000n + 30n * DAY);
    const unlocking = nodeState(exiting, 100_000n + DAY + 3_600n);
    assert.equal(unlocking.key, 'unlocking');
    assert.match(unlocking.detail!, /^13 d 23 h left/);
    assert.equal(nodeState(exiting, exiting.unlockAt).key, 'exit-requested');

    const deregistered = nodeView(1n, record({ status: 'Deregistered', deregisteredAt: 50_000n }));
    assert.equal(deregistered.releaseAt, 50_000n + 30n * DAY);
    const locked = nodeState(deregistered, 50_000n + 29n * DAY + 7_200n + 300n);
    assert.equal(locked.label, 'Deregistered · locked');
    assert.match(locked.detail!, /^21 h 55 min left/);
    assert.equal(nodeState(deregistered, deregistered.releaseAt).label, 'Deregistered · released');

    assert.deepEqual(nodeState(nodeView(1n, record({ status: 'Exited' })), 0n, toBase(2_000)), { key: 'exited', label: 'Exited', detail: '2,000 SESH returned to you' });
    assert.equal(nodeState(nodeView(1n, record({ status: 'Cancelled' })), 0n).key, 'cancelled');
  });

  it('computes room, minimum contribution and free slots like the contract', () => {
    const n = nodeView(3n, record({ status: 'AwaitingContributions', contributorCount: 2, reservedCount: 2, totalStaked: toBase(10_000), reservedOutstanding: toBase(5_000) }));
    assert.equal(n.room, toBase(10_000)); // 25,000 − 10,000 staked − 5,000 reserved
    assert.equal(n.freeSlots, 6); // 10 − 2 contributors − 2 reservations
    assert.equal(n.minContribution, toBase(10_000) / 6n);
    assert.equal(nodeView(3n, record({})).room, 0n, 'an active node has no room');
  });

  it('mirrors the exit and withdrawal time rules', () => {
    const n = nodeView(1n, record({}));
    assert.equal(exitAllowedAt(n, operator), 10_000n + 7_200n, 'operator: 2 h');
    assert.equal(exitAllowedAt(n, big), 10_000n + 7_200n, 'a quarter or more: 2 h');
    assert.equal(exitAllowedAt(n, small), 10_000n + 30n * DAY, 'under a quarter: 30 days');
    assert.equal(withdrawAt(n, small), 2_000n + DAY);
    assert.equal(withdrawAt(n, '0x0000000000000000000000000000000000000001'), undefined);
  });

  it('formats amounts, percentages and durations for people', () => {
    assert.equal(sesh(toBase(1_234_567) + 5n), '1,234,567.000000005 SESH');
    assert.equal(seshRounded(toBase(40_000_000) - 1n), '39,999,999.99 SESH');
    assert.equal(percent(500), '5%');
    assert.equal(percent(1_234), '12.34%');
    assert.equal(duration(59), '59 s');
    assert.equal(duration(3 * 86_400 + 7_200), '3 d 2 h');
  });
});
