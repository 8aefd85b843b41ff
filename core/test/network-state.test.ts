/**
 * The chain consumer the node and the gateway share: events → registry + ledger + checkpoint
 * history; a rollback equals a fresh replay of the surviving blocks; the signing checks refuse
 * with the differing values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Address, Hex } from 'viem';
import type { TrackedBlock, TrackedEvent } from '../chain/tracker.ts';
import { createNetworkConsumer, EMPTY_ROOT } from '../state/consumer.ts';
import { serialiseLedger } from '../ledger/ledger.ts';
import { checkCheckpoint, checkDeregistration, checkExit } from '../../node/src/signing/checks.ts';
import { signedOpening, TEST_CHAIN_ID } from './helpers/network-events.ts';

const contracts = { staking: '0x00000000000000000000000000000000000000a1' as Address, rewards: '0x00000000000000000000000000000000000000a2' as Address, pool: '0x00000000000000000000000000000000000000a3' as Address };
const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
let logIndex = 0;
const ev = (address: Address, eventName: string, args: Record<string, unknown>): Omit<TrackedEvent, 'blockNumber' | 'blockHash'> => ({ logIndex: logIndex++, transactionHash: '0x' as Hex, address, eventName, args });
const block = (n: number): TrackedBlock => ({ number: n, hash: `0x${n.toString(16).padStart(64, '0')}` as Hex, parentHash: '0x' as Hex, timestamp: 1_000_000 + n * 3_600 });
const at = (n: number, events: ReturnType<typeof ev>[]) => ({ block: block(n), events: events.map((e) => ({ ...e, blockNumber: n, blockHash: block(n).hash })) });

function openNode(id: number, operator: number, stakers: [number, bigint][]) {
  return [
    ev(contracts.staking, 'NodeOpened', signedOpening(contracts.staking, { nodeId: BigInt(id), operator: addr(operator), blsKey: { x: BigInt(id), y: 2n }, feeBps: 1_000, stakeRequired: 100n, autoActivate: true })),
    ...stakers.map(([who, amount]) => ev(contracts.staking, 'Contributed', { nodeId: BigInt(id), contributor: addr(who), beneficiary: addr(who + 1000), amount, total: amount })),
  ];
}

/** A small chain history: 3 nodes, a withdrawal, activations, releases, an exit request, an exit. */
function history() {
  return [
    at(10, [...openNode(1, 1, [[1, 100n]]), ev(contracts.staking, 'NodeActivated', { nodeId: 1n, time: 0n })]),
    at(11, [...openNode(2, 2, [[2, 50n], [3, 20n], [4, 30n]])]),
    at(12, [ev(contracts.staking, 'ContributionWithdrawn', { nodeId: 2n, contributor: addr(3), amount: 20n }), ev(contracts.staking, 'Contributed', { nodeId: 2n, contributor: addr(5), beneficiary: addr(5), amount: 20n, total: 20n })]),
    at(13, [ev(contracts.staking, 'NodeActivated', { nodeId: 2n, time: 0n })]),
    at(40, [ev(contracts.pool, 'Released', { beneficiary: contracts.rewards, amount: 1_000_001n, balanceAfter: 0n, time: 0n })]),
    at(41, [ev(contracts.staking, 'ExitRequested', { nodeId: 1n, by: addr(1), unlockAt: BigInt(1_000_000 + 41 * 3_600 + 15 * 86_400) })]),
    at(70, [ev(contracts.pool, 'Released', { beneficiary: contracts.rewards, amount: 777n, balanceAfter: 0n, time: 0n })]),
    at(71, [ev(contracts.staking, 'NodeExited', { nodeId: 1n, withSignature: true }), ev(contracts.staking, 'StakeReturned', { nodeId: 1n, contributor: addr(1), amount: 100n })]),
    at(72, [ev(contracts.pool, 'Released', { beneficiary: contracts.rewards, amount: 5n, balanceAfter: 0n, time: 0n })]),
  ];
}

function feed(blocks: ReturnType<typeof history>) {
  const c = createNetworkConsumer(contracts, { deployBlock: 1, chainId: TEST_CHAIN_ID });
  for (const b of blocks) c.apply(b.events, b.block);
  return c;
}

describe('network consumer', () => {
  it('builds the registry (contract-order withdrawals, exits) and checkpoints only where the pool released', () => {
    const c = feed(history());
    const v = c.view();
    assert.deepEqual(v.state.nodes.get(2n)!.contributors.map((x) => x.address), [addr(2), addr(4), addr(5)], 'the last contributor moved into the freed slot');
    assert.equal(v.state.nodes.get(1n)!.status, 'exited');
    assert.deepEqual(v.history.map((h) => h.block), [40, 70, 72]);
    assert.equal(c.checkpointAt(39).root, EMPTY_ROOT);
    assert.equal(c.checkpointAt(55).block, 40);
    assert.ok(v.history.every((h, i) => i === 0 || h.total >= v.history[i - 1]!.total), 'cumulative totals never decrease');
    assert.ok(v.history.every((h) => h.total <= h.released), 'never more than released');
    assert.equal(v.state.released, 1_000_783n);
  });

  it('a rollback to any block equals a fresh replay of the blocks up to it (property)', () => {
    const all = history();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 80 }), (to) => {
        const rolled = feed(all);
        rolled.rollback(to);
        const fresh = feed(all.filter((b) => b.block.number <= to));
        assert.equal(serialiseLedger(rolled.view().ledger), serialiseLedger(fresh.view().ledger));
        assert.deepEqual(rolled.view().history.map((h) => [h.block, h.root, h.total]), fresh.view().history.map((h) => [h.block, h.root, h.total]));
        // Re-applying the same blocks after the rollback lands on the same state as never rolling back.
        for (const b of all.filter((b) => b.block.number > to)) rolled.apply(b.events, b.block);
        assert.equal(serialiseLedger(rolled.view().ledger), serialiseLedger(feed(all).view().ledger));
      }),
      { numRuns: 40 },
    );
  });
});

describe('signing checks', () => {
  const c = feed(history().slice(0, 6));
  const v = c.view();
  const mine = c.checkpointAt(41);
  const now = 1_000_000 + 41 * 3_600;

  it('signs the checkpoint it computed itself, and refuses any other listing every differing value', () => {
    assert.deepEqual(checkCheckpoint(v, { epoch: 1n, root: mine.root, cumulativeTotal: mine.total, ledgerBlock: 41, signedAt: now }, { chainNow: now, checkpointAt: c.checkpointAt }), { ok: true });
    const refused = checkCheckpoint(v, { epoch: 1n, root: `0x${'11'.repeat(32)}`, cumulativeTotal: mine.total + 1n, ledgerBlock: 41, signedAt: now }, { chainNow: now, checkpointAt: c.checkpointAt });
    assert.equal(refused.ok, false);
    if (refused.ok) return;
    assert.deepEqual(refused.differences, [
      { field: 'root', requested: `0x${'11'.repeat(32)}`, mine: mine.root },
      { field: 'cumulativeTotal', requested: String(mine.total + 1n), mine: String(mine.total) },
    ]);
    const behind = checkCheckpoint(v, { epoch: 1n, root: mine.root, cumulativeTotal: mine.total, ledgerBlock: 99, signedAt: now }, { chainNow: now, checkpointAt: c.checkpointAt });
    assert.equal(!behind.ok && behind.error, 'behind');
    const late = checkCheckpoint(v, { epoch: 1n, root: mine.root, cumulativeTotal: mine.total, ledgerBlock: 41, signedAt: now - 181 }, { chainNow: now, checkpointAt: c.checkpointAt });
    assert.equal(!late.ok && late.error, 'bad_time');
    assert.equal(checkCheckpoint(v, { epoch: 1n, root: mine.root, cumulativeTotal: mine.total, ledgerBlock: 41, signedAt: now + 180 }, { chainNow: now, checkpointAt: c.checkpointAt }).ok, true);
  });

  it('signs an exit only once unlocked, a deregistration only for a node its peer tests failed', () => {
    const unlockAt = v.state.nodes.get(1n)!.unlockAt!;
    const early = checkExit(v, { nodeId: 1n, signedAt: now }, { chainNow: now });
    assert.equal(!early.ok && early.error, 'not_unlocked');
    assert.equal(checkExit(v, { nodeId: 1n, signedAt: unlockAt }, { chainNow: unlockAt }).ok, true);
    assert.equal(checkExit(v, { nodeId: 2n, signedAt: now }, { chainNow: now }).ok, false);
    assert.equal(checkExit(v, { nodeId: 9n, signedAt: now }, { chainNow: now }).ok, false);
    const noGrounds = checkDeregistration(v, { nodeId: 2n, signedAt: now }, { chainNow: now, ground: null });
    assert.equal(!noGrounds.ok && noGrounds.error, 'no_grounds');
    assert.equal(checkDeregistration(v, { nodeId: 2n, signedAt: now }, { chainNow: now, ground: 'identity problem: test' }).ok, true);
  });
});

describe('GET /ledger/root?block=N (the ledger test\'s common block)', () => {
  it('answers the root at exactly N, 409 behind for a block not reached, 400 for a bad block', async () => {
    const { ledgerRootRoute } = await import('../../node/src/testing/ledger-route.ts');
    const { createJsonServer } = await import('../http/server.ts');
    const c = feed(history());
    const api = createJsonServer({ routes: [ledgerRootRoute(c)], rateLimit: false });
    const { url } = await api.listen(0);
    try {
      const at = async (q: string) => {
        const r = await fetch(`${url}/ledger/root${q}`);
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      };
      const h = c.view().height;
      const exact = await at('?block=45');
      assert.equal(exact.status, 200);
      assert.deepEqual([exact.body.block, exact.body.root], [45, c.checkpointAt(45).root]);
      const ahead = await at(`?block=${h + 1}`);
      assert.deepEqual([ahead.status, ahead.body.error], [409, 'behind']);
      for (const bad of ['?block=-1', '?block=abc', '?block=01', '?block=']) assert.equal((await at(bad)).status, 400, bad);
      const plain = await at('');
      assert.deepEqual([plain.status, plain.body.ledgerBlock], [200, h]);
    } finally {
      await api.close(100);
    }
  });
});
