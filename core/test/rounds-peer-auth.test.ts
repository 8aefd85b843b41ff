/**
 * Rounds between nodes are authenticated and deduplicated: a registered peer's signed request
 * has its own rate-limit bucket (an anonymous flood does not starve it), forged or stale
 * signatures are refused with a reason and change nothing, and the same signing request twice
 * is answered once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createJsonServer, route, type JsonServer } from '../http/server.ts';
import { createDedup } from '../http/dedup.ts';
import { HttpError } from '../http/errors.ts';
import { NODE_HEADER, signRequest, TIMESTAMP_HEADER } from '../http/node-auth.ts';
import { generateEd25519Identity } from '../keys/ed25519.ts';
import { postJsonCall } from '../rounds/http-call.ts';

const servers: JsonServer[] = [];
after(async () => {
  for (const s of servers) await s.close(100);
});

const peer = generateEd25519Identity();
const stranger = generateEd25519Identity();

async function start(options: Partial<Parameters<typeof createJsonServer>[0]>, handler = (r: { peer?: string; body: unknown }) => ({ peer: r.peer ?? null, body: r.body })) {
  let calls = 0;
  const api = createJsonServer({
    routes: [route('POST', '/sign/thing', (r) => (calls++, handler(r)))],
    ...options,
  });
  servers.push(api);
  const { url } = await api.listen(0);
  return { url, calls: () => calls };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/sign/thing`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('node-signed requests and rate-limit buckets', () => {
  it('an anonymous flood is refused while a registered peer keeps its own bucket', async () => {
    let t = 1_000_000; // frozen clock: buckets do not refill during the test
    const server = await start({
      rateLimit: { capacity: 5, refillPerSecond: 1, now: () => t },
      anonymousTotal: { capacity: 8, refillPerSecond: 1, now: () => t },
      peerAuth: { isPeer: (k) => k === peer.nodeId, rateLimit: { capacity: 4, refillPerSecond: 1, now: () => t } },
    });
    // The flood: per-IP bucket (5) empties first, then every anonymous request is a 429.
    const flood = await Promise.all(Array.from({ length: 12 }, (_, i) => post(server.url, { i })));
    const statuses = flood.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 5);
    assert.equal(statuses.filter((s) => s === 429).length, 7);
    const before = server.calls();
    // The peer's rounds still pass: signed over the exact body text (as postJsonCall does).
    const call = postJsonCall<{ peer: string; body: unknown }>('/sign/thing', { epoch: '7' }, (m, p, b) => signRequest(peer, m, p, b));
    for (let i = 0; i < 4; i++) {
      const answer = await call({ id: 'me', url: server.url }, AbortSignal.timeout(2_000));
      assert.deepEqual(answer, { kind: 'answer', value: { peer: peer.nodeId, body: { epoch: '7' } } });
    }
    assert.equal(server.calls(), before + 4);
    // …until its own bucket is empty: peers are limited too, just separately.
    const fifth = await call({ id: 'me', url: server.url }, AbortSignal.timeout(2_000));
    assert.equal(fifth.kind, 'refusal');
    assert.match((fifth as { reason: string }).reason, /^rate_limited/);
    // A valid signature of a key that is not a registered node is just another stranger.
    const text = JSON.stringify({ x: 1 });
    const r = await fetch(`${server.url}/sign/thing`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(stranger, 'POST', '/sign/thing', text) }, body: text });
    assert.equal(r.status, 429);
    assert.equal(server.calls(), before + 4, 'no refused request reached the handler');
    t += 10_000;
    const r2 = await fetch(`${server.url}/sign/thing`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(stranger, 'POST', '/sign/thing', text) }, body: text });
    assert.deepEqual(await r2.json(), { peer: null, body: { x: 1 } }, 'served, but not as a peer');
  });

  it('forged, tampered and stale signatures are a 401 with a reason, and the handler never runs', async () => {
    const server = await start({ rateLimit: false, peerAuth: { isPeer: (k) => k === peer.nodeId, rateLimit: { capacity: 100, refillPerSecond: 100 } } });
    const text = JSON.stringify({ epoch: '1' });
    const refused = async (headers: Record<string, string>, reason: RegExp, body = text) => {
      const r = await fetch(`${server.url}/sign/thing`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      assert.equal(r.status, 401);
      const json = (await r.json()) as { error: string; reason: string };
      assert.equal(json.error, 'bad_node_signature');
      assert.match(json.reason, reason);
    };
    // Signed by the stranger but claiming to be the peer.
    const forged = { ...signRequest(stranger, 'POST', '/sign/thing', text), [NODE_HEADER]: peer.nodeId };
    await refused(forged, /does not verify/);
    // The peer's real signature over another body.
    await refused(signRequest(peer, 'POST', '/sign/thing', text), /does not verify/, JSON.stringify({ epoch: '2' }));
    // Over another path.
    await refused(signRequest(peer, 'POST', '/sign/other', text), /does not verify/);
    // Ten minutes old (replayed later).
    await refused(signRequest(peer, 'POST', '/sign/thing', text, Math.floor(Date.now() / 1000) - 600), /more than 60 s from this node's clock/);
    await refused({ [NODE_HEADER]: 'me' }, /ed25519 public key/);
    await refused({ ...signRequest(peer, 'POST', '/sign/thing', text), [TIMESTAMP_HEADER]: 'soon' }, /unix seconds/);
    assert.equal(server.calls(), 0);
    const ok = await fetch(`${server.url}/sign/thing`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(peer, 'POST', '/sign/thing', text) }, body: text });
    assert.equal(ok.status, 200);
    assert.equal(server.calls(), 1);
  });

  it('an address sending bad signatures is cut off before any further check', async () => {
    const server = await start({ rateLimit: false, peerAuth: { isPeer: () => true, rateLimit: { capacity: 100, refillPerSecond: 100 } } });
    const text = '{}';
    const forged = { ...signRequest(stranger, 'POST', '/sign/thing', text), [NODE_HEADER]: peer.nodeId };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(server.url, {}, forged)).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
  });

  it('without peerAuth (a gateway) the headers are ignored and requests are anonymous', async () => {
    const server = await start({ rateLimit: false });
    const text = '{}';
    const r = await fetch(`${server.url}/sign/thing`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(stranger, 'POST', '/x', text) }, body: text });
    assert.deepEqual(await r.json(), { peer: null, body: {} });
  });
});

describe('the same signing request twice', () => {
  it('in flight or within the window: one answer shared; a new body or after the window: asked again', async () => {
    let t = 5_000_000;
    const dedup = createDedup({ ttlMs: 3_000, maxEntries: 3, now: () => t });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const handler = dedup.wrap(async ({ body }) => {
      calls++;
      await gate;
      return { signed: body, n: calls };
    });
    const api = createJsonServer({ rateLimit: false, routes: [route('POST', '/sign/thing', handler)] });
    servers.push(api);
    const { url } = await api.listen(0);
    const a = post(url, { epoch: '3' });
    const b = post(url, { epoch: '3' });
    await new Promise((r) => setTimeout(r, 100));
    release();
    const [ja, jb] = await Promise.all([(await a).json(), (await b).json()]);
    assert.deepEqual(ja, { signed: { epoch: '3' }, n: 1 });
    assert.deepEqual(jb, ja, 'the second, sent while the first was in flight, shares its answer');
    assert.equal(calls, 1);
    assert.deepEqual(await (await post(url, { epoch: '3' })).json(), ja, 'repeated within the window: from the cache');
    assert.equal(calls, 1);
    await post(url, { epoch: '4' });
    assert.equal(calls, 2, 'another body is another request');
    t += 3_001;
    assert.deepEqual(await (await post(url, { epoch: '3' })).json(), { signed: { epoch: '3' }, n: 3 }, 'after the window it is asked again');
    // Bounded: more distinct requests than maxEntries push the oldest out.
    for (const e of ['5', '6', '7']) await post(url, { epoch: e });
    assert.ok(dedup.stats().size <= 3);
    assert.equal(calls, 6);
    await post(url, { epoch: '3' });
    assert.equal(calls, 7, 'evicted, so asked again');
  });

  it('a refusal is cached like an answer; an unexpected failure is not', async () => {
    const dedup = createDedup({ ttlMs: 60_000 });
    let calls = 0;
    const refusing = dedup.wrap(() => {
      calls++;
      throw new HttpError(422, 'refused', 'not in my ledger');
    });
    const failing = dedup.wrap(() => {
      calls++;
      throw new Error('disk on fire');
    });
    const request = { method: 'POST' as const, path: '/sign/thing', params: {}, query: new URLSearchParams(), headers: {}, ip: '::1', body: { a: 1 } };
    await assert.rejects(async () => refusing(request), /not in my ledger/);
    await assert.rejects(async () => refusing(request), /not in my ledger/);
    assert.equal(calls, 1);
    const other = { ...request, path: '/sign/other' };
    await assert.rejects(async () => failing(other), /disk on fire/);
    await new Promise((r) => setImmediate(r));
    await assert.rejects(async () => failing(other), /disk on fire/);
    assert.equal(calls, 3, 'a 500 is not remembered');
  });
});
