/**
 * Commission events in the network state: decommissionedAt, the commission round, missed
 * checkpoints from RewardsAuthorised.nonSigners, the ledger following, and refusals (anomalies,
 * nothing changed) for events that cannot be applied.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNetworkConsumer } from '../state/consumer.ts';
import { isCommissioned } from '../state/network-state.ts';
import { downtimeCredit } from '../state/credit.ts';
import { serialiseLedger } from '../ledger/ledger.ts';
import { NETWORK_RULES } from '../../sdk/src/network/rules.ts';
import { addr, chainBuilder, signedOpening, TEST_CHAIN_ID } from './helpers/network-events.ts';

const contracts = { staking: addr(0xa1), rewards: addr(0xa2), pool: addr(0xa3), registry: addr(0xa4) };
const time = (block: number) => 1_000_000 + block * 3_600;

function solo(id: number) {
  return [
    { address: contracts.staking, eventName: 'NodeOpened', args: signedOpening(contracts.staking, { nodeId: BigInt(id), operator: addr(id), blsKey: { x: BigInt(id), y: 2n }, feeBps: 0, stakeRequired: 100n, autoActivate: true }) },
    { address: contracts.staking, eventName: 'Contributed', args: { nodeId: BigInt(id), contributor: addr(id), beneficiary: addr(id), amount: 100n, total: 100n } },
    { address: contracts.staking, eventName: 'NodeActivated', args: { nodeId: BigInt(id), time: BigInt(time(1)) } },
  ];
}
const decommissioned = (nodeId: bigint, round: bigint) => ({ address: contracts.registry, eventName: 'NodeDecommissioned', args: { nodeId, round } });
const recommissioned = (nodeId: bigint, round: bigint) => ({ address: contracts.registry, eventName: 'NodeRecommissioned', args: { nodeId, round } });
const checkpoint = (epoch: bigint, nonSigners: bigint[]) => ({
  address: contracts.rewards,
  eventName: 'RewardsAuthorised',
  args: { epoch, root: `0x${'00'.repeat(32)}`, cumulativeTotal: 0n, ledgerBlock: 1n, signedAt: 0n, nonSigners },
});
const release = (amount: bigint) => ({ address: contracts.pool, eventName: 'Released', args: { beneficiary: contracts.rewards, amount, balanceAfter: 0n, time: 0n } });

describe('network state: commission', () => {
  it('follows decommissions, recommissions and rounds; counts missed checkpoints; the ledger pays only commissioned nodes', () => {
    const chain = chainBuilder();
    chain.add(1, [...solo(1), ...solo(2), ...solo(3), ...solo(4)]);
    chain.add(30, [checkpoint(1n, [2n, 3n])]);
    chain.add(31, [checkpoint(2n, [2n])]);
    chain.add(32, [decommissioned(2n, 0n), decommissioned(3n, 0n)]); // one update, two nodes
    chain.add(33, [checkpoint(3n, [4n])]); // 2 and 3 are out: only 4's miss counts
    chain.add(34, [release(300n)]); // 1 and 4 share it
    chain.add(35, [recommissioned(3n, 1n)]);
    chain.add(36, [release(301n)]); // 1, 3, 4: 100 each, 1 carried
    const c = createNetworkConsumer(contracts, { deployBlock: 1, chainId: TEST_CHAIN_ID });
    for (const b of chain.blocks) c.apply(b.events, b.block);
    const { state, ledger } = c.view();
    const node = (id: bigint) => state.nodes.get(id)!;

    assert.equal(state.anomalies.count, 0, JSON.stringify(state.anomalies.latest));
    assert.equal(state.commissionRound, 2n);
    assert.equal(node(2n).decommissionedAt, BigInt(time(32)));
    assert.equal(node(3n).decommissionedAt, null);
    assert.deepEqual(node(3n).downtimes, [{ from: BigInt(time(32)), to: BigInt(time(35)) }]);
    assert.deepEqual([1n, 2n, 3n, 4n].map((id) => isCommissioned(node(id))), [true, false, true, true]);
    // 2 missed both checkpoints it was commissioned for; 3 missed one, then signed... then recommission reset it.
    assert.deepEqual([1n, 2n, 3n, 4n].map((id) => node(id).missedCheckpoints), [0, 2, 0, 1]);

    assert.deepEqual([1n, 2n, 3n, 4n].map((id) => ledger.nodes.get(id)!.earned), [250n, 0n, 100n, 250n]);
    assert.equal(ledger.carried, 1n);

    // Credit: 31 h commissioned (7200 + 3720), then 1 h out at block 33, exhausted by block 36.
    assert.equal(downtimeCredit(node(2n), BigInt(time(33)), NETWORK_RULES), 7320n);
    assert.equal(downtimeCredit(node(2n), BigInt(time(36)), NETWORK_RULES), 0n);
  });

  it('refuses impossible commission events as anomalies, changing nothing', () => {
    const chain = chainBuilder();
    chain.add(1, [...solo(1), ...solo(2)]);
    chain.add(2, [decommissioned(1n, 0n)]);
    const c = createNetworkConsumer(contracts, { deployBlock: 1, chainId: TEST_CHAIN_ID });
    for (const b of chain.blocks) c.apply(b.events, b.block);
    const snapshot = () => JSON.stringify({ nodes: [...c.view().state.nodes.values()], round: c.view().state.commissionRound, ledger: serialiseLedger(c.view().ledger) }, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    const before = snapshot();
    const bad = [
      decommissioned(1n, 1n), // already decommissioned
      recommissioned(2n, 1n), // commissioned
      decommissioned(9n, 1n), // never opened
      decommissioned(2n, 5n), // a round out of order
    ];
    let n = 10;
    for (const e of bad) {
      const b = chainBuilder();
      const block = b.add(n++, [e]);
      c.apply(b.blocks[0]!.events, block);
    }
    assert.equal(c.view().state.anomalies.count, bad.length);
    assert.equal(snapshot(), before);
  });
});
