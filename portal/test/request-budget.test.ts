/**
 * The portal's request budget at network scale (issue 16): a real Chromium tab against a devnet
 * with 2,000 more registered nodes (`--seed-nodes`), every request the tab makes counted
 * (page.on('request'): documents, assets, JSON-RPC, gateway). First load ≤ 20 requests and
 * ≤ 250 kB transferred; a connected tab left idle for a full minute ≤ 8 requests; no getLogs
 * and no nodeRecord per node. Also the gateway's paged API at that size, and its refusals.
 *
 * SESH_BUDGET_NODES overrides the 2,000 (e.g. 200 for a quick local run; the assertions stay).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { MAX_PAGE, type NetworkJson, type NodesPageJson, type PoolsPageJson } from '../../sdk/src/network/portal-api.ts';
import { ensureChromium } from '../../tools/ensure-chromium.ts';
import { startPortal, type Portal } from '../serve.ts';
import { startRealNetwork, type RealNetwork } from './real-network.ts';
import { launchBrowser } from './browser.ts';
import { until } from '../../devnet/test-http.ts';

const SEEDED = Number(process.env.SESH_BUDGET_NODES ?? 2000);
const GENESIS = 3;
const IDLE_MS = 60_000;

type Seen = { url: string; method: string; rpc: string[]; at: number };

describe(`portal request budget (Chromium, devnet with ${GENESIS} + ${SEEDED} registered nodes)`, { timeout: 1_800_000 }, () => {
  let sys: RealNetwork;
  let portal: Portal;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  const seen: Seen[] = [];
  let transferred = 0;
  let firstLoadChecks = () => {};
  const api = async <T>(path: string) => {
    const r = await fetch(`${sys.gatewayUrl}${path}`);
    return { status: r.status, body: (await r.json()) as T };
  };

  before(async () => {
    ensureChromium();
    dir = mkdtempSync(join(tmpdir(), 'sesh-portal-budget-'));
    const t0 = performance.now();
    sys = await startRealNetwork(dir, { nodes: GENESIS, seedNodes: SEEDED });
    console.log(`devnet with ${SEEDED} seeded nodes up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The gateway has indexed every node before the tab opens.
    await until('the gateway has indexed every node', async () => {
      const { body } = await api<NetworkJson>('/api/network');
      return Object.values(body.nodeCounts ?? {}).reduce((a, b) => a + b, 0) >= GENESIS + SEEDED;
    }, 300_000);
    portal = await startPortal({ port: 0, deploymentsFile: sys.deploymentsFile });
    context = await launchBrowser(join(dir, 'profile'));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r: Request) => {
      if (!/^https?:/.test(r.url())) return;
      const body = r.postData();
      let rpc: string[] = [];
      if (body && r.method() === 'POST') {
        try {
          const parsed = JSON.parse(body) as { method?: string } | { method?: string }[];
          rpc = (Array.isArray(parsed) ? parsed : [parsed]).map((m) => m.method ?? '?');
        } catch {}
      }
      seen.push({ url: r.url(), method: r.method(), rpc, at: Date.now() });
    });
    // What went over the wire: the (compressed) content-length the servers declare, else the body.
    page.on('response', async (r) => {
      const declared = Number(r.headers()['content-length']);
      transferred += Number.isFinite(declared) && declared > 0 ? declared : ((await r.body().catch(() => undefined))?.length ?? 0);
    });
  });

  after(async () => {
    await context?.close();
    await portal?.stop();
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const describeSeen = (list: Seen[]) => list.map((s) => `${s.method} ${new URL(s.url).pathname}${new URL(s.url).search}${s.rpc.length ? ` [${s.rpc.join(',')}]` : ''}`).join('\n  ');
  const rpcCalls = (list: Seen[]) => list.flatMap((s) => s.rpc);

  it('the gateway pages 2,000 nodes, bounded and with clear refusals', async () => {
    const first = await api<NodesPageJson>('/api/nodes?limit=100');
    assert.equal(first.status, 200);
    assert.equal(first.body.nodes.length, 100);
    assert.equal(first.body.total, GENESIS + SEEDED);
    const second = await api<NodesPageJson>(`/api/nodes?limit=100&cursor=${first.body.nextCursor}`);
    assert.equal(second.body.nodes[0]!.nodeId, '101', 'the next page starts after the cursor');
    const running = await api<NodesPageJson>('/api/nodes?status=running');
    assert.equal(running.body.total, GENESIS);
    assert.ok(running.body.nodes.every((n) => n.status === 'running' && n.health.announcedUrl !== null), 'genesis nodes are running and announced');
    const pools = await api<PoolsPageJson>('/api/pools/open?limit=50');
    assert.equal(pools.body.total, SEEDED);
    assert.equal(pools.body.pools.length, 50);
    const one = await api<{ nodeId: string; stake: string }>(`/api/nodes/${GENESIS + 1}`);
    assert.equal(one.body.nodeId, String(GENESIS + 1));
    const operator = await api<{ nodes: unknown[]; stakes: unknown[] }>(`/api/addresses/${sys.accounts[0]!.address}`);
    assert.equal(operator.body.stakes.length, GENESIS, 'the deployer stakes the genesis nodes');
    for (const [path, code] of [
      [`/api/nodes?limit=${MAX_PAGE + 1}`, 'invalid_limit'],
      ['/api/nodes?limit=0', 'invalid_limit'],
      ['/api/nodes?limit=ten', 'invalid_limit'],
      ['/api/nodes?cursor=-1', 'invalid_cursor'],
      ['/api/nodes?status=sleeping', 'invalid_status'],
      ['/api/pools/open?limit=100000', 'invalid_limit'],
      ['/api/addresses/0x123', 'invalid_address'],
      ['/api/nodes/abc', 'invalid_node_id'],
    ] as const) {
      const r = await api<{ error: string; reason: string }>(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error, code, path);
      assert.ok(r.body.reason.length > 10, `${path}: a reason`);
    }
    const missing = await api<{ error: string }>('/api/nodes/999999');
    assert.equal(missing.status, 404);
  });

  it(`first load ≤ 20 requests and ≤ 250 kB, then an idle connected tab ≤ 8 requests in ${IDLE_MS / 1000} s`, async () => {
    const t0 = Date.now();
    await page.goto(portal.url);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    const readyMs = await page.evaluate(() => performance.getEntriesByName('portal-ready')[0]!.startTime);
    // Connect demo account #1 (what a returning user's tab does), then let its first refresh finish.
    await page.selectOption('#demo-account', '1');
    await page.getByRole('button', { name: 'Use demo account' }).click();
    await page.locator('[data-testid=balance]', { hasText: 'SESH' }).waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    const firstLoad = seen.filter((s) => s.at >= t0);
    const firstBytes = transferred;
    console.log(`first load (${GENESIS + SEEDED} nodes): data drawn in ${Math.round(readyMs)} ms, ${firstLoad.length} requests, ${firstBytes} bytes:\n  ${describeSeen(firstLoad)}`);
    // Measured first, asserted after the idle minute (so one failure does not hide the other numbers).
    firstLoadChecks = () => {
      assert.ok(firstLoad.length <= 20, `first load made ${firstLoad.length} requests`);
      assert.ok(firstBytes <= 250_000, `first load transferred ${firstBytes} bytes`);
      // The time to first data is reported above, not asserted: a timing assert in a shared CI run
      // would measure the machine's load (the serve test and journey report it too).
    };
    assert.ok(!rpcCalls(firstLoad).includes('eth_getLogs'), 'no getLogs');
    assert.ok(rpcCalls(firstLoad).filter((m) => m === 'eth_call').length <= 10, `a bounded number of chain reads: ${rpcCalls(firstLoad).length}`);
    // Open pools are on the page although none was read per node from the chain.
    assert.ok((await page.content()).includes(`#${GENESIS + 1}`) || (await page.locator('[data-node-id]').count()) > 0, 'open pools are drawn');

    const idleFrom = Date.now();
    await page.waitForTimeout(IDLE_MS);
    const idle = seen.filter((s) => s.at >= idleFrom);
    console.log(`idle ${IDLE_MS / 1000} s, connected: ${idle.length} requests (${rpcCalls(idle).length} JSON-RPC calls inside them):\n  ${describeSeen(idle)}`);
    assert.ok(idle.length <= 8, `an idle minute made ${idle.length} requests`);
    assert.ok(!rpcCalls(idle).includes('eth_getLogs'), 'no getLogs while idle');
    firstLoadChecks();
  });
});
