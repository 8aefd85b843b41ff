/**
 * The checkpoint a node signs: exactly the next epoch, over its own ledger at a block past the
 * last authorised one, at most once per minimum interval, with a fresh signedAt. Every refusal
 * names the differing fields and a reason an operator can act on; nothing else is signed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFunctionSelector, type Address, type Hex } from 'viem';
import type { TrackedBlock, TrackedEvent } from '../../core/chain/tracker.ts';
import { createNetworkConsumer } from '../../core/state/consumer.ts';
import { checkCheckpoint, type CheckpointRequest, type Verdict } from '../src/signing/checks.ts';
import { minCheckpointIntervalSource, readMinCheckpointInterval } from '../src/signing/checkpoint-interval.ts';
import { RpcResponseError, type RpcRequest } from '../../core/chain/rpc.ts';
import { HttpError } from '../../core/http/errors.ts';
import { signedOpening } from '../../core/test/helpers/network-events.ts';

const contracts = { staking: '0x00000000000000000000000000000000000000a1' as Address, rewards: '0x00000000000000000000000000000000000000a2' as Address, pool: '0x00000000000000000000000000000000000000a3' as Address };
const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const time = (n: number) => 1_000_000 + n * 3_600;
const block = (n: number): TrackedBlock => ({ number: n, hash: `0x${n.toString(16).padStart(64, '0')}` as Hex, parentHash: '0x' as Hex, timestamp: time(n) });
let logIndex = 0;
const event = (n: number, address: Address, eventName: string, args: Record<string, unknown>): TrackedEvent => ({
  logIndex: logIndex++, transactionHash: '0x' as Hex, address, eventName, args, blockNumber: n, blockHash: block(n).hash,
});
const release = (n: number, amount: bigint) => event(n, contracts.pool, 'Released', { beneficiary: contracts.rewards, amount, balanceAfter: 0n, time: 0n });

/** One running node; releases at blocks 20, 40 and 60; epoch 1 authorised at block 30 over the ledger of block 25. */
function network(options: { authorisedTotal?: bigint } = {}) {
  const c = createNetworkConsumer(contracts, { deployBlock: 1, chainId: 31337 });
  const apply = (n: number, events: TrackedEvent[]) => c.apply(events, block(n));
  apply(10, [
    event(10, contracts.staking, 'NodeOpened', signedOpening(contracts.staking, { nodeId: 1n, operator: addr(1), blsKey: { x: 1n, y: 2n }, feeBps: 1_000, stakeRequired: 100n, autoActivate: true })),
    event(10, contracts.staking, 'Contributed', { nodeId: 1n, contributor: addr(1), beneficiary: addr(1), amount: 100n, total: 100n }),
    event(10, contracts.staking, 'NodeActivated', { nodeId: 1n, time: BigInt(time(10)) }),
  ]);
  apply(20, [release(20, 1_000n)]);
  const first = c.checkpointAt(25);
  apply(30, [event(30, contracts.rewards, 'RewardsAuthorised', { epoch: 1n, root: first.root, cumulativeTotal: options.authorisedTotal ?? first.total, ledgerBlock: 25n, signedAt: BigInt(time(30)) })]);
  apply(40, [release(40, 500n)]);
  apply(60, [release(60, 7n)]);
  apply(65, []);
  return c;
}

const refusal = (v: Verdict) => {
  assert.equal(v.ok, false, 'expected a refusal');
  return v as Exclude<Verdict, { ok: true }>;
};

describe('checkpoint signing checks', () => {
  const c = network();
  const now = time(65);
  const mine = c.checkpointAt(65);
  const next: CheckpointRequest = { epoch: 2n, root: mine.root, cumulativeTotal: mine.total, ledgerBlock: 65, signedAt: now };
  const check = (request: Partial<CheckpointRequest>, ctx: { chainNow?: number; minCheckpointInterval?: number } = {}) =>
    checkCheckpoint(c.view(), { ...next, ...request }, { chainNow: now, checkpointAt: c.checkpointAt, ...ctx });

  it('signs the one right next checkpoint: latest epoch + 1, its own root and total, a block past the last one', () => {
    assert.equal(c.view().state.lastCheckpoint!.epoch, 1n);
    assert.deepEqual(check({}), { ok: true });
    const at45 = c.checkpointAt(45);
    assert.deepEqual(check({ ledgerBlock: 45, root: at45.root, cumulativeTotal: at45.total }), { ok: true }, 'any block after the last authorised one, with the ledger at that block');
  });

  it('refuses epoch 2^64−1 and latest + 2 with its own root and total: only the epoch differs', () => {
    for (const epoch of [2n ** 64n - 1n, 3n]) {
      const r = refusal(check({ epoch }));
      assert.equal(r.status, 422);
      assert.equal(r.error, 'disagree');
      assert.deepEqual(r.differences, [{ field: 'epoch', requested: String(epoch), mine: '2' }]);
      assert.match(r.reason, /last authorised epoch is 1, so this node signs only epoch 2/);
    }
  });

  it('refuses an epoch already authorised (replay)', () => {
    const r = refusal(check({ epoch: 1n }));
    assert.deepEqual(r.differences.map((d) => d.field), ['epoch']);
  });

  it('refuses a ledger block at or before the last authorised checkpoint, even with its own ledger there', () => {
    for (const ledgerBlock of [25, 22]) {
      const old = c.checkpointAt(ledgerBlock);
      const r = refusal(check({ ledgerBlock, root: old.root, cumulativeTotal: old.total }));
      assert.equal(r.error, 'disagree');
      assert.deepEqual(r.differences, [{ field: 'ledgerBlock', requested: String(ledgerBlock), mine: '> 25' }]);
      assert.match(r.reason, /already covers the ledger up to block 25/);
    }
  });

  it('refuses a root or total other than its own ledger at that block, listing both values', () => {
    const r = refusal(check({ root: `0x${'11'.repeat(32)}`, cumulativeTotal: mine.total + 1n }));
    assert.deepEqual(r.differences, [
      { field: 'root', requested: `0x${'11'.repeat(32)}`, mine: mine.root },
      { field: 'cumulativeTotal', requested: String(mine.total + 1n), mine: String(mine.total) },
    ]);
    assert.match(r.reason, /differs from this node's ledger at block 65/);
    const all = refusal(check({ epoch: 9n, ledgerBlock: 20, root: `0x${'22'.repeat(32)}` }));
    assert.deepEqual(all.differences.map((d) => d.field), ['epoch', 'ledgerBlock', 'root', 'cumulativeTotal'], 'every difference at once');
  });

  it('refuses a total below the authorised one, even if its own ledger says so', () => {
    const ahead = network({ authorisedTotal: 10n ** 18n });
    const at = ahead.checkpointAt(65);
    const r = refusal(checkCheckpoint(ahead.view(), { ...next, root: at.root, cumulativeTotal: at.total }, { chainNow: now, checkpointAt: ahead.checkpointAt }));
    assert.deepEqual(r.differences, [{ field: 'cumulativeTotal', requested: String(at.total), mine: `≥ ${10n ** 18n}` }]);
    assert.match(r.reason, /never go below the authorised/);
  });

  it('refuses a block it has not processed yet with 409 behind (retry)', () => {
    const r = refusal(check({ ledgerBlock: 66 }));
    assert.equal(r.status, 409);
    assert.equal(r.error, 'behind');
  });

  it('signs at most one checkpoint per minimum interval and says from when it will', () => {
    const authorisedAt = time(30);
    const interval = now - authorisedAt + 600; // the next one is possible 600 s from now
    const r = refusal(check({}, { minCheckpointInterval: interval }));
    assert.equal(r.status, 409);
    assert.equal(r.error, 'too_early');
    assert.deepEqual(r.differences, [{ field: 'chainTime', requested: String(now), mine: `≥ ${authorisedAt + interval}` }]);
    assert.match(r.reason, new RegExp(`can be signed from chain time ${authorisedAt + interval} \\(in 600 s\\)`));
    const later = authorisedAt + interval;
    assert.deepEqual(check({ signedAt: later }, { chainNow: later, minCheckpointInterval: interval }), { ok: true }, 'exactly at the interval');
    assert.deepEqual(check({}, { minCheckpointInterval: 0 }), { ok: true });
    assert.equal(refusal(check({ epoch: 5n }, { minCheckpointInterval: interval })).error, 'disagree', 'a wrong checkpoint is wrong, not merely early');
  });

  it('the first checkpoint: epoch 1, no interval to wait for', () => {
    const fresh = createNetworkConsumer(contracts, { deployBlock: 1, chainId: 31337 });
    fresh.apply([release(5, 42n)], block(5));
    const at = fresh.checkpointAt(5);
    const request = { epoch: 1n, root: at.root, cumulativeTotal: at.total, ledgerBlock: 5, signedAt: time(5) };
    assert.deepEqual(checkCheckpoint(fresh.view(), request, { chainNow: time(5), checkpointAt: fresh.checkpointAt, minCheckpointInterval: 3_600 }), { ok: true });
    assert.deepEqual(refusal(checkCheckpoint(fresh.view(), { ...request, epoch: 2n }, { chainNow: time(5), checkpointAt: fresh.checkpointAt })).differences, [{ field: 'epoch', requested: '2', mine: '1' }]);
  });

  it('refuses a signedAt more than 180 s from its chain time', () => {
    assert.equal(refusal(check({ signedAt: now - 181 })).error, 'bad_time');
    assert.equal(refusal(check({ signedAt: now + 181 })).error, 'bad_time');
    assert.deepEqual(check({ signedAt: now + 180 }), { ok: true });
  });
});

describe('StakingRewards.minCheckpointInterval', () => {
  const rewards = contracts.rewards;
  const answering = (answer: () => unknown): { rpc: RpcRequest; calls: () => number } => {
    let calls = 0;
    const rpc = (async (method: string, params?: readonly unknown[]) => {
      calls++;
      assert.equal(method, 'eth_call');
      assert.deepEqual(params, [{ to: rewards, data: toFunctionSelector('minCheckpointInterval()') }, 'latest']);
      return answer();
    }) as RpcRequest;
    return { rpc, calls: () => calls };
  };
  const word = (n: bigint) => `0x${n.toString(16).padStart(64, '0')}`;

  it('reads the interval; a contract without the function (revert, or no code) reads as 0', async () => {
    assert.equal(await readMinCheckpointInterval(answering(() => word(3_600n)).rpc, rewards), 3_600);
    assert.equal(await readMinCheckpointInterval(answering(() => { throw new RpcResponseError('http://rpc', 'eth_call', 3, 'execution reverted'); }).rpc, rewards), 0);
    assert.equal(await readMinCheckpointInterval(answering(() => '0x').rpc, rewards), 0);
    await assert.rejects(readMinCheckpointInterval(answering(() => word(2n ** 60n)).rpc, rewards), /not a usable number/);
  });

  it('keeps the value once read; a transport failure is a 503 and asked again next time', async () => {
    let up = false;
    const { rpc, calls } = answering(() => {
      if (!up) throw new Error('connect ECONNREFUSED');
      return word(600n);
    });
    const source = minCheckpointIntervalSource(rpc, rewards);
    await assert.rejects(source(), (e: unknown) => e instanceof HttpError && e.status === 503 && /cannot read StakingRewards.minCheckpointInterval/.test(e.reason));
    up = true;
    assert.equal(await source(), 600);
    assert.equal(await source(), 600);
    assert.equal(calls(), 2, 'read once after the failure, then kept');
  });
});
