import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { Hex } from 'viem';
import { ChainUnavailableError, chainConnectionOf, createChainClock, withinChainDeadline } from '../chain/chain-health.ts';
import { createRpcPool, type RpcRequest } from '../chain/rpc.ts';
import type { TrackerStatus } from '../chain/tracker.ts';

/** A JSON-RPC endpoint answering eth_getBlockByNumber with `timestamp`, or hanging while `hang`. */
async function fakeChain() {
  const state = { timestamp: 1_000, hang: false, calls: 0 };
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      state.calls++;
      if (state.hang) return void hung.push(res);
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result: { timestamp: `0x${state.timestamp.toString(16)}` } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((r) => {
      for (const res of hung) res.socket?.destroy();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('chain health and chain time that never hang', () => {
  it('chain time is cached briefly, shared by concurrent callers, and fails fast with 503 chain_unavailable when the RPC hangs', async () => {
    const chain = await fakeChain();
    try {
      let now = 0;
      const clock = createChainClock({ request: createRpcPool({ urls: [chain.url], timeoutMs: 500, maxAttempts: 1 }).request, freshMs: 1_000, timeoutMs: 800, now: () => now });
      const times = await Promise.all([clock.now(), clock.now(), clock.now()]);
      assert.deepEqual(times, [1_000, 1_000, 1_000]);
      assert.equal(chain.state.calls, 1, 'one read for concurrent callers');
      chain.state.timestamp = 1_005;
      now = 900;
      assert.equal(await clock.now(), 1_000, 'fresh: from the cache');
      assert.equal(chain.state.calls, 1);
      now = 1_001;
      assert.equal(await clock.now(), 1_005, 'stale: read again');
      chain.state.timestamp = 1_010;
      now = 1_100;
      assert.equal(await clock.now(1_010), 1_005, 'behind what the caller claims, but read under 200 ms ago: from the cache');
      assert.equal(chain.state.calls, 2);
      now = 1_300;
      assert.equal(await clock.now(1_005), 1_005, 'not behind the claim: from the cache');
      assert.equal(await clock.now(1_010), 1_010, 'behind the claim and 299 ms old: read again');
      assert.equal(chain.state.calls, 3);
      chain.state.hang = true;
      now = 5_000;
      const started = Date.now();
      await assert.rejects(clock.now(), (e: unknown) => {
        assert.ok(e instanceof ChainUnavailableError);
        assert.equal(e.status, 503);
        assert.equal(e.error, 'chain_unavailable');
        assert.match(e.reason, /chain time/);
        return true;
      });
      assert.ok(Date.now() - started < 1_500, `failed within ${Date.now() - started} ms`);
    } finally {
      await chain.close();
    }
  });

  it('a chain time counts as old as its read was sent: a reply handled late is not fresh', async () => {
    let now = 0;
    let reads = 0;
    let answer: (v: { timestamp: Hex }) => void = () => {};
    const request = (async () => {
      reads++;
      return new Promise((r) => (answer = r as typeof answer));
    }) as unknown as RpcRequest;
    const clock = createChainClock({ request, freshMs: 1_000, now: () => now });
    const first = clock.now();
    now = 1_500; // the reply sat in the queue for 1.5 s
    answer({ timestamp: '0x64' });
    assert.equal(await first, 100);
    const second = clock.now();
    assert.equal(reads, 2, 'sent 1.5 s ago: stale, read again');
    answer({ timestamp: '0x65' });
    assert.equal(await second, 101);
  });

  it('withinChainDeadline turns a slow or failed read into 503 chain_unavailable and passes answers through', async () => {
    assert.equal(await withinChainDeadline(Promise.resolve(7), 100, 'x'), 7);
    await assert.rejects(withinChainDeadline(new Promise(() => {}), 50, 'reading the pool'), /reading the pool: the chain RPC did not answer within 50 ms/);
    await assert.rejects(withinChainDeadline(Promise.reject(new Error('connection refused')), 50, 'reading'), (e: unknown) => e instanceof ChainUnavailableError && /connection refused/.test(e.reason));
  });

  it('health is stalled once the last completed sync is older than 4 poll intervals (at least 5 s)', () => {
    let now = 10_000;
    const status: TrackerStatus = { height: 5, syncing: false, reorgs: 0, rpc: [] };
    const health = chainConnectionOf({ status: () => status }, { pollIntervalMs: 500, now: () => now });
    assert.equal(health().ok, true, 'just started: not stalled yet');
    assert.equal(health().lastSyncAgoSeconds, null);
    now = 15_001;
    assert.equal(health().ok, false, 'never synced for over 5 s');
    status.lastSyncAt = 15_000;
    assert.deepEqual(health(), { ok: true, lastSyncAgoSeconds: 0, lastError: null });
    now = 20_001;
    status.syncing = true;
    status.rpc = [{ url: 'http://rpc', healthy: false, consecutiveFailures: 3, benchedUntil: 0, lastError: 'connect ECONNREFUSED' }];
    const stalled = health();
    assert.equal(stalled.ok, false);
    assert.equal(stalled.lastSyncAgoSeconds, 5);
    assert.equal(stalled.lastError, 'connect ECONNREFUSED', 'the RPC error while the sync is still retrying');
    const slow = chainConnectionOf({ status: () => status }, { pollIntervalMs: 60_000, now: () => now });
    assert.equal(slow().ok, true, 'with a 1-minute poll interval, 5 s is not a stall');
  });
});
