import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '../../core/http/node-auth.ts';
import { generateEd25519Identity } from '../../core/keys/ed25519.ts';
import { BATCH_MAX, MAX_MESSAGE_BYTES } from '../../sdk/src/storage/limits.ts';
import { requestText } from '../../sdk/src/storage/signatures.ts';
import { STORAGE_BODY_LIMIT } from '../src/storage/index.ts';
import { plain } from '../src/storage/results.ts';
import { STORAGE_RPC_PATH } from '../src/storage/rpc.ts';
import { FORWARDED_HEADER } from '../src/storage/types.ts';
import { post, signedBy, startFixture, storeParams, type Fixture } from './storage-rpc-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture({ maxAccountBytes: 200_000 });
});
after(() => f.close());

const stats = () => [f.a.storage.db.stats(), f.b.storage.db.stats()];
const stillServes = async () => assert.equal((await post(f.a.url, { method: 'info', params: {} })).status, 200);

describe('storage rpc: bad input is refused clearly, changes nothing, crashes nothing', () => {
  const refused = async (body: unknown, status: number, reason: RegExp) => {
    const before = stats();
    const answer = await post(f.a.url, body);
    assert.equal(answer.status, status, answer.text.slice(0, 300));
    assert.match(answer.text, reason);
    assert.deepEqual(stats(), before);
    await stillServes();
  };

  it('data over 76,800 bytes is refused; a body over the route limit is 413', async () => {
    await refused({ method: 'store', params: storeParams(f.user, f.clock.now, { data: new Uint8Array(MAX_MESSAGE_BYTES + 1) }) }, 400, /exceeds maximum allowed length of 76800 bytes/);
    const ok = await post(f.a.url, { method: 'store', params: storeParams(f.user, f.clock.now, { data: new Uint8Array(MAX_MESSAGE_BYTES).fill(1) }) });
    assert.equal(ok.status, 200, 'exactly 76,800 bytes fit (the body limit admits them)');
    await refused('{"method":"store","params":{"data":"' + 'A'.repeat(STORAGE_BODY_LIMIT) + '"}}', 413, /exceeds/);
  });

  it('bad base64, unknown methods, a batch over the limit', async () => {
    await refused({ method: 'store', params: { ...storeParams(f.user, f.clock.now), data: 'not base64!!' } }, 400, /not base64/);
    await refused({ method: 'store_everything', params: {} }, 400, /no method store_everything/);
    const sub = { method: 'info', params: {} };
    await refused({ method: 'batch', params: { requests: Array(BATCH_MAX + 1).fill(sub) } }, 400, /subrequest limit exceeded \(21 > 20\)/);
    await refused({ method: 'batch', params: { requests: [{ method: 'batch', params: { requests: [sub] } }] } }, 400, /meta-requests/);
  });

  it('a body with any content-type (fetch sends text/plain when none is set) is read as JSON, as the anchor does', async () => {
    for (const headers of [{}, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain' }] as Record<string, string>[]) {
      const res = await fetch(`${f.a.url}${STORAGE_RPC_PATH}`, { method: 'POST', headers, body: JSON.stringify({ method: 'info', params: {} }) });
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.ok(((await res.json()) as { timestamp: number }).timestamp > 0);
    }
  });

  it('hostile JSON', async () => {
    await refused('{"method": "info", "params": ', 400, /not valid JSON/);
    await refused('[1,2,3]', 400, /must be a JSON object/);
    await refused({ method: 42, params: {} }, 400, /no `method` field/);
    await refused({ method: 'info', params: [] }, 400, /no `params` field/);
    await refused('{"method":"store","params":{"__proto__":{"pubkey":"x"},"constructor":1}}', 400, /invalid request/);
    await refused({ method: 'store', params: { ...storeParams(f.user, f.clock.now), timestamp: 1e308 } }, 400, /invalid request/);
    await refused({ method: 'delete', params: { ...signedBy(f.user, 'delete'), messages: Array(20_000).fill('x'.repeat(43)) } }, 400, /invalid request/);
    await refused('{"method":"info","params":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}', 400, /JSON|params/);
  });
});

describe('storage rpc: batch and sequence', () => {
  it('batch runs every sub-request; sequence stops at the first failure', async () => {
    const ok = { method: 'store', params: storeParams(f.user, f.clock.now, { namespace: 20 }) };
    const bad = { method: 'store', params: storeParams(f.user, f.clock.now, { namespace: 1, sign: false }) };
    const batch = await post(f.a.url, { method: 'batch', params: { requests: [bad, ok, { method: 'info', params: {} }] } });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.results.map((r: { code: number }) => r.code), [401, 200, 200]);
    assert.match(batch.body.results[0].body, /signature required/);
    assert.ok(batch.body.results[1].body.swarm[plain(f.b.identity.nodeId)].hash, 'a sub-request store is forwarded too');
    const sequence = await post(f.a.url, { method: 'sequence', params: { requests: [ok, bad, ok] } });
    assert.deepEqual(sequence.body.results.map((r: { code: number }) => r.code), [200, 401]);
  });
});

describe('storage rpc: forwarded requests', () => {
  const forwardedStore = (headers: Record<string, string>, body: string) => post(f.a.url, body, { [FORWARDED_HEADER]: '1', ...headers });

  it('are refused unless node-signed by a member of this swarm, and change nothing', async () => {
    const body = JSON.stringify({ method: 'store', params: storeParams(f.user, f.clock.now, { namespace: 30 }) });
    const before = stats();
    const unsigned = await forwardedStore({}, body);
    assert.equal(unsigned.status, 401);
    assert.match(unsigned.text, /must be signed by a registered node/);
    const stranger = await forwardedStore(signRequest(generateEd25519Identity(), 'POST', STORAGE_RPC_PATH, body), body);
    assert.equal(stranger.status, 401, 'signed by an unregistered key: a stranger');
    const outsider = await forwardedStore(signRequest(f.outsider, 'POST', STORAGE_RPC_PATH, body), body);
    assert.equal(outsider.status, 403);
    assert.match(outsider.text, /is not a member of this node's swarm/);
    const forged = await forwardedStore(signRequest(f.b.identity, 'POST', STORAGE_RPC_PATH, body + ' '), body);
    assert.equal(forged.status, 401, 'a signature over another body');
    assert.deepEqual(stats(), before);
  });

  it('from a member: executed locally only, never forwarded again; reads are not forwardable', async () => {
    const calls = f.a.forwarder!.calls;
    const body = JSON.stringify({ method: 'store', params: storeParams(f.user, f.clock.now, { namespace: 40 }) });
    const answer = await forwardedStore(signRequest(f.b.identity, 'POST', STORAGE_RPC_PATH, body), body);
    assert.equal(answer.status, 200, answer.text);
    assert.ok(answer.body.hash && answer.body.signature && !answer.body.swarm, 'the member answers its own result');
    assert.equal(f.a.forwarder!.calls, calls);
    assert.equal(f.a.storage.db.retrieve(f.user.sessionId, 40).messages.length, 1);
    assert.equal(f.b.storage.db.retrieve(f.user.sessionId, 40).messages.length, 0);
    const read = JSON.stringify({ method: 'get_swarm', params: { pubkey: f.user.sessionId } });
    const refused = await forwardedStore(signRequest(f.b.identity, 'POST', STORAGE_RPC_PATH, read), read);
    assert.equal(refused.status, 400);
    assert.match(refused.text, /non-forwardable/);
  });
});

describe('storage rpc: limits', () => {
  it('a full account is 507 on every member, with the limit named, and nothing is stored', async () => {
    // The fixture's accounts hold 200,000 bytes; earlier tests stored ~77 kB for this account.
    const big = () => storeParams(f.user, f.clock.now, { namespace: 50, data: new Uint8Array(70_000).map(() => Math.floor(Math.random() * 256)) });
    assert.equal((await post(f.a.url, { method: 'store', params: big() })).status, 200);
    const before = stats();
    const full = await post(f.a.url, { method: 'store', params: big() });
    assert.equal(full.status, 507, full.text);
    for (const n of [f.a, f.b]) {
      const entry = full.body.swarm[plain(n.identity.nodeId)];
      assert.equal(entry.failed, true);
      assert.match(entry.reason, /account is full: it holds 0\.\d+ MB of messages on this node and the per-account limit is 0\.19 MB/);
    }
    assert.deepEqual(stats(), before);
    // Deleting makes room.
    const del = await post(f.a.url, { method: 'delete_all', params: { ...signedBy(f.user, requestText.delete_all('all', f.clock.now)), namespace: 'all', timestamp: f.clock.now } });
    assert.equal(del.status, 200);
    assert.equal((await post(f.a.url, { method: 'store', params: big() })).status, 200);
  });
});

describe('storage rpc: a member that is down', () => {
  it('the write is still stored and acknowledged by the members that are up; the down one reads failed', async () => {
    await f.b.server.close(100);
    const answer = await post(f.a.url, { method: 'store', params: storeParams(f.user, f.clock.now, { namespace: 60 }) });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.swarm[plain(f.a.identity.nodeId)].hash, answer.body.hash);
    const down = answer.body.swarm[plain(f.b.identity.nodeId)];
    assert.equal(down.failed, true);
    assert.match(down.reason, /unreachable/);
    assert.equal(f.a.storage.db.retrieve(f.user.sessionId, 60).messages.length, 1);
  });
});
