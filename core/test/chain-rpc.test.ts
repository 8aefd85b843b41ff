import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRpcPool, RpcConfigError, RpcResponseError, RpcUnavailableError } from '../chain/rpc.ts';

/** A JSON-RPC endpoint answering `name`, or failing as told. */
async function endpoint(name: string) {
  const state = { mode: 'up' as 'up' | 'down' | 'rpc-error', hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits++;
    if (state.mode === 'down') return void req.socket.destroy();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { id } = JSON.parse(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(state.mode === 'rpc-error' ? { jsonrpc: '2.0', id, error: { code: -32000, message: 'header not found' } } : { jsonrpc: '2.0', id, result: name }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('RPC pool', () => {
  let a: Awaited<ReturnType<typeof endpoint>>;
  let b: Awaited<ReturnType<typeof endpoint>>;
  before(async () => {
    a = await endpoint('a');
    b = await endpoint('b');
  });
  after(async () => {
    await a.close();
    await b.close();
  });
  const reset = () => {
    a.state.mode = b.state.mode = 'up';
    a.state.hits = b.state.hits = 0;
  };

  it('round-robins requests; a session sticks to one endpoint', async () => {
    reset();
    const pool = createRpcPool({ urls: [a.url, b.url] });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await pool.request('x'));
    assert.deepEqual(answers, ['a', 'b', 'a', 'b']);
    const session = pool.session();
    const first = await session('x');
    assert.deepEqual([await session('x'), await session('x')], [first, first]);
  });

  it('benches a dead endpoint, fails over, retries with backoff, and reports health', async () => {
    reset();
    a.state.mode = 'down';
    const sleeps: number[] = [];
    const pool = createRpcPool({ urls: [a.url, b.url], benchMs: 60_000, sleep: async (ms) => void sleeps.push(ms) });
    for (let i = 0; i < 3; i++) assert.equal(await pool.request('x'), 'b');
    assert.equal(a.state.hits, 1, 'benched after one failure');
    assert.deepEqual(sleeps, [200]);
    const [ha, hb] = pool.health();
    assert.equal(ha!.healthy, false);
    assert.match(ha!.lastError!, /fetch failed|socket/);
    assert.equal(hb!.healthy, true);
  });

  it('gives up after maxAttempts with every failure listed; JSON-RPC errors surface as RpcResponseError', async () => {
    reset();
    a.state.mode = b.state.mode = 'down';
    const sleeps: number[] = [];
    const pool = createRpcPool({ urls: [a.url, b.url], maxAttempts: 4, baseBackoffMs: 10, sleep: async (ms) => void sleeps.push(ms) });
    await assert.rejects(pool.request('eth_blockNumber'), (e: Error) => e instanceof RpcUnavailableError && /eth_blockNumber failed after 4 attempts/.test(e.message));
    assert.deepEqual(sleeps, [10, 20, 40], 'exponential backoff');
    a.state.mode = b.state.mode = 'rpc-error';
    await assert.rejects(createRpcPool({ urls: [a.url], maxAttempts: 2, sleep: async () => {} }).request('eth_getLogs'), (e: Error) => e instanceof RpcResponseError && e.code === -32000);
    assert.throws(() => createRpcPool({ urls: [] }), RpcConfigError);
    assert.throws(() => createRpcPool({ urls: ['ftp://x'] }), /must be http/);
  });
});
