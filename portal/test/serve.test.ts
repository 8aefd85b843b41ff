/** The portal's static server: the built app, /config.json from the deployments file, refusals. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeDeployments, type Deployments } from '../../sdk/src/deployments.ts';
import { startPortal, type Portal } from '../serve.ts';

const deployments: Deployments = {
  network: 'test',
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:8545',
  deployBlock: 0,
  contracts: { SESH: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
};

describe('portal server', () => {
  let dir: string;
  let file: string;
  let portal: Portal;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesh-portal-serve-'));
    file = join(dir, 'local.json');
    writeDeployments(file, deployments);
    portal = await startPortal({ port: 0, deploymentsFile: file });
  });
  after(async () => {
    await portal.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (path: string, init?: RequestInit) => fetch(new URL(path, portal.url), init);

  it('serves the app, its assets (cached forever) and falls back to the app for unknown pages', async () => {
    const index = await get('/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type')!, /text\/html/);
    const html = await index.text();
    const script = /src="\.\/(assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'index.html references the bundle');
    const asset = await get(`/${script}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control')!, /immutable/);
    assert.equal((await get('/some/page')).status, 200);
    assert.equal((await get('/missing.js')).status, 404);
  });

  it('compresses text (br, else gzip, else none), config.json is no-store, deep links are the app', async () => {
    const html = await (await get('/')).text();
    const script = /src="\.\/(assets\/index-[^"]+\.js)"/.exec(html)![1]!;
    const raw = await get(`/${script}`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(raw.headers.get('content-encoding'), null);
    const rawSize = (await raw.arrayBuffer()).byteLength;
    // fetch decodes br/gzip itself: compare its declared length with the raw size.
    for (const [accept, expected] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['gzip;q=0, br;q=0', null]] as const) {
      const r = await get(`/${script}`, { headers: { 'accept-encoding': accept } });
      assert.equal(r.headers.get('content-encoding'), expected, accept);
      assert.equal(r.headers.get('vary'), 'accept-encoding');
      const sent = Number(r.headers.get('content-length'));
      if (expected) assert.ok(sent < rawSize / 2, `${expected}: ${sent} of ${rawSize} bytes`);
      assert.equal((await r.arrayBuffer()).byteLength, rawSize, 'decodes to the same bytes');
    }
    assert.equal((await get('/config.json')).headers.get('cache-control'), 'no-store');
    assert.match((await get('/')).headers.get('cache-control')!, /no-cache/);
    for (const deep of ['/nodes/12', '/address/0x5FbDB2315678afecb367f032d93F642f64180aa3', '/stake/open']) {
      const r = await get(deep);
      assert.equal(r.status, 200, deep);
      assert.match(await r.text(), /<div id="root"|<html/i, deep);
    }
  });

  it('first load transfers at most 250 kB (index.html and everything it references, brotli)', async () => {
    const html = await (await get('/')).text();
    const refs = [...html.matchAll(/(?:src|href)="\.?\/?((?:assets\/)[^"]+)"/g)].map((m) => m[1]!);
    let total = 0;
    const sizes: string[] = [];
    for (const path of ['', ...new Set(refs)]) {
      const r = await get(`/${path}`, { headers: { 'accept-encoding': 'br' } });
      const n = Number(r.headers.get('content-length'));
      await r.arrayBuffer();
      total += n;
      sizes.push(`${path || 'index.html'} ${n}`);
    }
    console.log(`first load: ${total} bytes transferred (${sizes.join(', ')})`);
    assert.ok(refs.length >= 1, 'index.html references its bundle');
    assert.ok(total <= 250_000, `first load transfers ${total} bytes`);
  });

  it('serves /config.json from the deployments file as it is now (no rebuild per network)', async () => {
    assert.deepEqual(await (await get('/config.json')).json(), deployments);
    writeDeployments(file, { ...deployments, gatewayUrl: 'http://127.0.0.1:7000' });
    assert.equal(((await (await get('/config.json')).json()) as Deployments).gatewayUrl, 'http://127.0.0.1:7000');
  });

  it('refuses path escapes, other methods, and says when the deployments file is missing', async () => {
    assert.equal((await get('/..%2f..%2fpackage.json')).status, 404);
    assert.equal((await get('/', { method: 'POST' })).status, 405);
    rmSync(file);
    const missing = await get('/config.json');
    assert.equal(missing.status, 503);
    assert.match(((await missing.json()) as { reason: string }).reason, /no deployments file/);
  });
});
