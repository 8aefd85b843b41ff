import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeFunctionData, toHex, type Address } from 'viem';
import { SESH } from '../../sdk/src/generated/contracts.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { openTracker, type Tracker, type TrackerOptions } from '../chain/tracker.ts';
import { createRpcPool, RpcUnavailableError } from '../chain/rpc.ts';
import { createTransferLedger, type TransferLedger } from './helpers/transfer-ledger.ts';
import { startRpcProxy } from './helpers/rpc-proxy.ts';

describe('chain tracker on a real anvil', () => {
  let sys: LocalSystem;
  let token: Address;
  const dirs: string[] = [];
  const open: Tracker[] = [];
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-tracker-'));
    dirs.push(dir);
    return dir;
  };
  const track = async (ledger: TransferLedger, extra: Partial<TrackerOptions> = {}) => {
    const tracker = await openTracker({
      rpc: [sys.anvil.rpcUrl],
      chainId: sys.anvil.chainId,
      deployBlock: sys.deployments.deployBlock,
      contracts: [{ address: token, abi: SESH.abi, events: ['Transfer'] }],
      dataDir: newDir(),
      consumer: ledger,
      confirmations: 0,
      ...extra,
    });
    open.push(tracker);
    return tracker;
  };
  /** The state a fresh tracker builds from the current chain: the reference. */
  const reference = async (confirmations = 0) => {
    const ledger = createTransferLedger();
    const tracker = await track(ledger, { confirmations });
    await tracker.syncOnce();
    await tracker.stop();
    return ledger.snapshot();
  };
  const transfer = async (to: number, amount: bigint) =>
    (await sys.as(0)).send(token, SESH.abi, 'transfer', [sys.accounts[to]!.address, amount]);
  const mine = (n: number) => sys.rpc('anvil_mine', [toHex(n)]);
  const head = async () => Number(BigInt(await sys.rpc<string>('eth_blockNumber')));
  /** Every balance the ledger holds equals the token's balanceOf at the ledger's height. */
  const assertMatchesChain = async (ledger: TransferLedger, height: number) => {
    const client = (await sys.as(0)).publicClient;
    for (const [holder, balance] of ledger.balances()) {
      if (/^0x0{40}$/i.test(holder)) continue;
      const onChain = await client.readContract({ address: token, abi: SESH.abi, functionName: 'balanceOf', args: [holder], blockNumber: BigInt(height) });
      assert.equal(balance, onChain, `balance of ${holder} at block ${height}`);
    }
  };

  before(async () => {
    sys = await startLocalSystem();
    token = sys.deployments.contracts.SESH!;
  });
  after(async () => {
    for (const t of open) await t.stop().catch(() => {});
    await sys.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('processes a block only once it has N confirmations, in chunks, matching balanceOf', async () => {
    const ledger = createTransferLedger();
    const tracker = await track(ledger, { confirmations: 2, chunkSize: 3 });
    await mine(2);
    await tracker.syncOnce();
    const before = ledger.eventCount();
    assert.ok(before >= 1, 'the genesis mint is seen');
    await transfer(1, 1_000n);
    const block = await head();
    await tracker.syncOnce();
    assert.equal(tracker.height(), block - 2);
    assert.equal(ledger.eventCount(), before, 'an unconfirmed transfer is not applied');
    await mine(1);
    await tracker.syncOnce();
    assert.equal(ledger.eventCount(), before, 'one confirmation is not enough');
    await mine(1);
    await tracker.syncOnce();
    assert.equal(tracker.height(), block);
    assert.equal(ledger.eventCount(), before + 1);
    await assertMatchesChain(ledger, tracker.height());
    await tracker.stop();
  });

  it('a reorg of depth 3 leaves the consumer exactly as if it had only seen the final chain', async () => {
    const ledger = createTransferLedger();
    const tracker = await track(ledger);
    await transfer(2, 111n);
    await transfer(3, 222n);
    await transfer(4, 333n);
    await tracker.syncOnce();
    const tip = await head();
    assert.equal(tracker.height(), tip);
    const countBefore = ledger.eventCount();
    // Replace the last 3 blocks by a fork that carries different transfers.
    const data = (to: number, amount: bigint) => encodeFunctionData({ abi: SESH.abi, functionName: 'transfer', args: [sys.accounts[to]!.address, amount] });
    const from = sys.accounts[0]!.address;
    await sys.rpc('anvil_reorg', [3, [[{ from, to: token, data: data(5, 555n) }, 0], [{ from, to: token, data: data(6, 666n) }, 2]]]);
    assert.equal(await head(), tip, 'anvil_reorg keeps the height');
    const report = await tracker.syncOnce();
    assert.equal(report.rolledBackTo !== undefined && report.rolledBackTo < tip - 2, true, `rolled back below the fork point (${report.rolledBackTo})`);
    assert.equal(tracker.status().reorgs, 1);
    assert.equal(ledger.eventCount(), countBefore - 3 + 2);
    assert.equal(ledger.balances().get(sys.accounts[2]!.address) ?? 0n, 0n, 'the orphaned transfer is undone');
    assert.equal(ledger.balances().get(sys.accounts[6]!.address), 666n);
    assert.equal(ledger.snapshot(), await reference(), 'same state as a tracker that only saw the final chain');
    await assertMatchesChain(ledger, tracker.height());
    await tracker.stop();
  });
  it('RPC down and back up: misses no event and counts none twice', async () => {
    const proxy = await startRpcProxy(sys.anvil.rpcUrl);
    try {
      const ledger = createTransferLedger();
      const rpc = createRpcPool({ urls: [proxy.url], maxAttempts: 2, baseBackoffMs: 5, benchMs: 5, timeoutMs: 2_000 });
      const tracker = await track(ledger, { rpc, pollIntervalMs: 20 });
      await tracker.syncOnce();
      proxy.setUp(false);
      await assert.rejects(tracker.syncOnce(), RpcUnavailableError);
      const errors: Error[] = [];
      tracker.start((e) => errors.push(e));
      for (let i = 0; i < 4; i++) await transfer(1 + i, 10n + BigInt(i));
      while (errors.length < 2) await new Promise((r) => setTimeout(r, 10));
      proxy.setUp(true);
      const target = await head();
      while (tracker.height() < target) await new Promise((r) => setTimeout(r, 10));
      await tracker.stop();
      // Flaky endpoint: every 3rd request reset, one block per range, so failures land
      // between every pair of calls of a range (header, logs, header again, journal).
      proxy.setFailEvery(3);
      const flakyLedger = createTransferLedger();
      const flaky = await track(flakyLedger, { rpc: createRpcPool({ urls: [proxy.url], baseBackoffMs: 1, benchMs: 1 }), chunkSize: 1 });
      await flaky.syncOnce();
      await flaky.stop();
      const expected = await reference();
      assert.equal(ledger.snapshot(), expected);
      assert.equal(flakyLedger.snapshot(), expected);
      await assertMatchesChain(ledger, target);
    } finally {
      await proxy.close();
    }
  });

  it('fails over to a second RPC URL and back', async () => {
    const a = await startRpcProxy(sys.anvil.rpcUrl);
    const b = await startRpcProxy(sys.anvil.rpcUrl);
    try {
      a.setUp(false);
      const ledger = createTransferLedger();
      const rpc = createRpcPool({ urls: [a.url, b.url], baseBackoffMs: 1, benchMs: 50 });
      const tracker = await track(ledger, { rpc, chunkSize: 50 });
      await transfer(7, 7n);
      await tracker.syncOnce();
      const health = tracker.status().rpc;
      assert.equal(health[0]!.healthy, false);
      assert.equal(health[1]!.healthy, true);
      assert.ok(b.requests.length > 0 && a.requests.length === 0);
      a.setUp(true);
      b.setUp(false);
      await transfer(8, 8n);
      await new Promise((r) => setTimeout(r, 60)); // a's bench expires
      await tracker.syncOnce();
      assert.ok(a.requests.some((r) => r.method === 'eth_getLogs'), 'the first URL serves again once back');
      assert.equal(tracker.height(), await head());
      assert.equal(ledger.snapshot(), await reference());
      await tracker.stop();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('restarting from the data dir resumes without re-reading and gives the uninterrupted state', async () => {
    const proxy = await startRpcProxy(sys.anvil.rpcUrl);
    try {
      const dataDir = newDir();
      const uninterrupted = createTransferLedger();
      const steady = await track(uninterrupted);
      const first = createTransferLedger();
      const t1 = await track(first, { dataDir });
      await transfer(1, 1n);
      await steady.syncOnce();
      await t1.syncOnce();
      const stoppedAt = t1.height();
      await t1.stop();
      await transfer(2, 2n);
      await transfer(3, 3n);
      await mine(5);
      await steady.syncOnce();
      const second = createTransferLedger();
      const t2 = await track(second, { dataDir, rpc: createRpcPool({ urls: [proxy.url] }) });
      assert.equal(t2.height(), stoppedAt, 'resumes at the journaled height');
      assert.equal(second.eventCount(), first.eventCount(), 'replayed from disk');
      await t2.syncOnce();
      const ranges = proxy.requests.filter((r) => r.method === 'eth_getLogs').map((r) => Number(BigInt((r.params[0] as { fromBlock: string }).fromBlock)));
      assert.ok(ranges.length > 0 && ranges.every((from) => from > stoppedAt), `only new blocks are read (from ${ranges.join(',')})`);
      assert.equal(second.snapshot(), uninterrupted.snapshot());
      await steady.stop();
      await t2.stop();
    } finally {
      await proxy.close();
    }
  });

  it('kill -9 of a tracker process mid-sync, then restart, is crash-consistent', async () => {
    for (let i = 0; i < 12; i++) await transfer(1 + (i % 9), BigInt(1_000 + i));
    await mine(300); // far more blocks than the child gets through before each kill
    const dataDir = newDir();
    const child = fileURLToPath(new URL('./helpers/tracker-child.ts', import.meta.url));
    const run = (killAfter: number) =>
      new Promise<{ killed: boolean; heights: number }>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', child, sys.anvil.rpcUrl, String(sys.anvil.chainId), token, String(sys.deployments.deployBlock), dataDir, '1'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let seen = 0;
        let stderr = '';
        p.stderr.on('data', (c) => (stderr += c));
        p.stdout.on('data', (c: Buffer) => {
          seen += c.toString().split('\n').filter((l) => l.startsWith('height')).length;
          if (seen >= killAfter && p.exitCode === null) p.kill('SIGKILL');
        });
        p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve({ killed: true, heights: seen }) : code === 0 ? resolve({ killed: false, heights: seen }) : reject(new Error(stderr))));
      });
    // Kill it twice at different points, each restart replaying the journal and going on.
    const kills = [];
    for (const at of [15, 40]) kills.push(await run(at));
    assert.ok(kills.every((k) => k.killed), 'each run was killed mid-sync');
    const ledger = createTransferLedger();
    const tracker = await track(ledger, { dataDir });
    assert.ok(tracker.height() > sys.deployments.deployBlock, 'progress survived the kills');
    await tracker.syncOnce();
    assert.equal(tracker.height(), await head());
    assert.equal(ledger.snapshot(), await reference());
    await assertMatchesChain(ledger, tracker.height());
    await tracker.stop();
  });
  it('a reorg in the middle of a sync (after eth_getLogs) is caught and the range redone', async () => {
    const proxy = await startRpcProxy(sys.anvil.rpcUrl);
    try {
      const ledger = createTransferLedger();
      const tracker = await track(ledger, { rpc: createRpcPool({ urls: [proxy.url] }) });
      await tracker.syncOnce();
      await transfer(1, 5n);
      await transfer(2, 6n);
      await transfer(3, 7n);
      const data = encodeFunctionData({ abi: SESH.abi, functionName: 'transfer', args: [sys.accounts[9]!.address, 99n] });
      let fired = false;
      proxy.setHook(async (method) => {
        if (method === 'eth_getLogs' && !fired) {
          fired = true;
          // Depth 4: the three new blocks and the block the tracker already journaled, which
          // gets the new transfer (so its hash surely changes).
          await sys.rpc('anvil_reorg', [4, [[{ from: sys.accounts[0]!.address, to: token, data }, 0]]]);
        }
        return undefined;
      });
      const before = ledger.balances().get(sys.accounts[9]!.address) ?? 0n;
      const report = await tracker.syncOnce();
      assert.ok(fired);
      assert.equal(tracker.status().reorgs, 1);
      assert.ok(report.rolledBackTo !== undefined);
      assert.equal(ledger.balances().get(sys.accounts[9]!.address), before + 99n);
      assert.equal(ledger.snapshot(), await reference());
      await tracker.stop();
    } finally {
      await proxy.close();
    }
  });

  it('a reorg to a shorter chain, and one deeper than the reorg window (full resync), end in the final chain\'s state', async () => {
    const ledger = createTransferLedger();
    const lines: string[] = [];
    const tracker = await track(ledger, { reorgWindow: 1, log: (l) => lines.push(l) });
    const snapshot = await sys.snapshot();
    await transfer(1, 1n);
    await transfer(2, 2n);
    await transfer(3, 3n);
    await tracker.syncOnce();
    await sys.revert(snapshot);
    await transfer(4, 4n);
    await tracker.syncOnce();
    assert.equal(tracker.status().reorgs, 1);
    assert.equal(ledger.snapshot(), await reference());
    // Depth 3 with a window of one journaled block: no common ancestor in memory.
    await transfer(5, 5n);
    await transfer(6, 6n);
    const data = encodeFunctionData({ abi: SESH.abi, functionName: 'transfer', args: [sys.accounts[7]!.address, 77n] });
    await tracker.syncOnce();
    await sys.rpc('anvil_reorg', [3, [[{ from: sys.accounts[0]!.address, to: token, data }, 0]]]);
    await tracker.syncOnce();
    assert.ok(lines.some((l) => /resyncing from block/.test(l)), lines.join('\n'));
    assert.equal(ledger.snapshot(), await reference());
    await assertMatchesChain(ledger, tracker.height());
    await tracker.stop();
  });

  it('halves the range when the endpoint refuses a large eth_getLogs', async () => {
    const proxy = await startRpcProxy(sys.anvil.rpcUrl);
    try {
      proxy.setHook(async (method, params) => {
        if (method !== 'eth_getLogs') return undefined;
        const { fromBlock, toBlock } = params[0] as { fromBlock: string; toBlock: string };
        return Number(BigInt(toBlock)) - Number(BigInt(fromBlock)) + 1 > 10 ? { code: -32005, message: 'query exceeds max block range 10' } : undefined;
      });
      const ledger = createTransferLedger();
      const tracker = await track(ledger, { rpc: createRpcPool({ urls: [proxy.url], maxAttempts: 1 }), chunkSize: 1_000 });
      await tracker.syncOnce();
      assert.equal(tracker.height(), await head());
      assert.equal(ledger.snapshot(), await reference());
      await tracker.stop();
    } finally {
      await proxy.close();
    }
  });

  it('never feeds a consumer past a failure, reports it in status(), and recovers once the consumer works', async () => {
    const dataDir = newDir();
    const good = createTransferLedger();
    const t1 = await track(createTransferLedger(), { dataDir });
    await t1.syncOnce();
    const stoppedAt = t1.height();
    await t1.stop();
    let broken = true;
    const flaky = {
      apply: (...a: Parameters<typeof good.apply>) => (broken && a[1].number > stoppedAt + 1 ? Promise.reject(new Error('disk full')) : good.apply(...a)),
      rollback: good.rollback,
    };
    await transfer(1, 3n);
    await transfer(2, 4n);
    await mine(6);
    const t2 = await track(flaky as TransferLedger, { dataDir, chunkSize: 2 });
    await assert.rejects(t2.syncOnce(), /the consumer failed on block \d+: disk full; retrying from block \d+ on every poll/);
    const failedAt = good.lastBlock();
    assert.match(t2.status().consumerError ?? '', /disk full/, 'the failure is visible in status()');
    assert.match(t2.status().lastError ?? '', /disk full/);
    await assert.rejects(t2.syncOnce(), /disk full/);
    assert.equal(good.lastBlock(), failedAt, 'the consumer is never fed past the failing block');
    broken = false;
    await t2.syncOnce();
    assert.equal(t2.status().consumerError, undefined, 'recovered');
    assert.equal(t2.status().lastError, undefined);
    assert.equal(good.snapshot(), await reference(), 'after recovery the state equals a clean sync');
    await t2.stop();
    const fresh = createTransferLedger();
    const t3 = await track(fresh, { dataDir, chunkSize: 2 });
    await t3.syncOnce();
    assert.equal(fresh.snapshot(), await reference());
    await t3.stop();
  });
});
