/**
 * The throughput parts of replication: a member's forward queue (queued requests leave as one
 * `batch`, each keeps its own outcome), forwarded batches executed for real by a member
 * (storage-rpc-fixture: two nodes, real SQLite, real HTTP), and the digest-compared fill (a
 * node that already holds most of its swarm's messages pulls only the accounts that differ).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Hex } from 'viem';
import { createJsonServer, type JsonServer } from '../../core/http/server.ts';
import { generateEd25519Identity } from '../../core/keys/ed25519.ts';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { openMessageDb } from '../src/storage/db.ts';
import { createHandoff } from '../src/storage/handoff.ts';
import { FORWARD_BATCH_MAX, memberQueue, type MemberOutcome } from '../src/storage/replicate.ts';
import { PROTOCOL_LIMITS } from '../src/storage/transfer.ts';
import type { ReachableMember, StoredMessage, SwarmView } from '../src/storage/types.ts';
import { post, startFixture, storeParams } from './storage-rpc-fixture.ts';

describe('forward queue of one member', () => {
  it('sends the first request alone, batches what queued behind it, and gives each its own outcome', async () => {
    const sent: unknown[] = [];
    let release: () => void = () => {};
    const send = async (body: string): Promise<MemberOutcome> => {
      const parsed = JSON.parse(body) as { method: string; params: { requests?: { params: { n: number } }[]; n?: number } };
      sent.push(parsed);
      if (parsed.method !== 'batch') {
        await new Promise<void>((r) => (release = r));
        return { result: { n: parsed.params.n } };
      }
      // The member refuses the second sub-request (a 4xx of its own), answers the others.
      return { result: { results: parsed.params.requests!.map((r, i) => (i === 1 ? { code: 406, body: 'clock' } : { code: 200, body: { n: r.params.n } })) } };
    };
    const enqueue = memberQueue(send, 1);
    const first = enqueue('store', { n: 0 });
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 5 }, (_, i) => enqueue('store', { n: i + 1 }));
    await new Promise((r) => setImmediate(r));
    assert.equal(sent.length, 1, 'the others wait while one request is in flight');
    release();
    assert.deepEqual(await first, { result: { n: 0 } });
    const outcomes = await Promise.all(rest);
    assert.equal(sent.length, 2, 'the five queued requests left as one');
    assert.equal((sent[1] as { method: string }).method, 'batch');
    assert.deepEqual(outcomes[0], { result: { n: 1 } });
    assert.deepEqual(outcomes[1], { error: { status: 406, reason: 'clock' } });
    assert.deepEqual(outcomes[4], { result: { n: 5 } });
  });

  it('a failed batch is a failure of each request in it; batches never exceed the limit; batch and sequence travel alone', async () => {
    const sizes: number[] = [];
    const methods: string[] = [];
    const enqueue = memberQueue(async (body) => {
      const parsed = JSON.parse(body) as { method: string; params: { requests?: unknown[] } };
      methods.push(parsed.method);
      sizes.push(parsed.method === 'batch' ? parsed.params.requests!.length : 1);
      return { error: { status: 503, reason: 'down' } };
    }, 1);
    const all = [...Array.from({ length: 45 }, () => enqueue('store', {})), enqueue('batch', { requests: [] }), enqueue('delete', {})];
    const outcomes = await Promise.all(all);
    assert.ok(outcomes.every((o) => o.error?.status === 503 && o.error.reason === 'down'));
    assert.ok(Math.max(...sizes) <= FORWARD_BATCH_MAX, `batches of ${sizes.join(', ')}`);
    // 45 stores in batches of at most 20 (the queue stops at the client's batch), that batch alone (0 sub-requests), then the delete.
    assert.deepEqual(sizes, [20, 20, 5, 0, 1]);
    assert.deepEqual(methods, ['batch', 'batch', 'batch', 'batch', 'delete']);
  });
});

describe('group commit (db storeCommitted)', () => {
  it('stores of one moment share a commit; a refused one is refused alone; each settles after the commit', async () => {
    const db = openMessageDb({ path: ':memory:', maxBytes: 100_000_000, maxAccountBytes: 400 });
    const now = Date.now();
    const message = (account: string, text: string): StoredMessage => {
      const m = { account, namespace: 0, hash: '', data: new TextEncoder().encode(text), timestamp: now, expiry: now + 3_600_000 };
      return { ...m, hash: PROTOCOL_LIMITS.hashOf(m) };
    };
    const [alice, bob] = [1, 2].map((i) => sessionKeysFromSeed(new Uint8Array(32).fill(i)).sessionId) as [string, string];
    const first = message(alice, 'one');
    const pending = [db.storeCommitted(first), db.storeCommitted(message(bob, 'x'.repeat(500))), db.storeCommitted(message(alice, 'two')), db.storeCommitted(first)];
    assert.equal(db.stats().messages, 0, 'nothing is written before the turn ends');
    const settled = await Promise.allSettled(pending);
    assert.deepEqual(settled[0], { status: 'fulfilled', value: { stored: true } });
    assert.equal(settled[1]!.status, 'rejected');
    assert.equal((settled[1] as PromiseRejectedResult).reason.status, 507, 'over the per-account limit: refused alone');
    assert.deepEqual(settled[2], { status: 'fulfilled', value: { stored: true } });
    assert.deepEqual(settled[3], { status: 'fulfilled', value: { stored: false } }, 'the duplicate in the same commit');
    assert.equal(db.stats().messages, 2);
    assert.equal(db.retrieve(bob, 0).messages.length, 0, 'the refusal changed nothing');
    db.close();
  });
});

describe('forwarded batches at a real member', () => {
  it('concurrent stores at A reach B through the queue, every one acknowledged by both', async () => {
    const f = await startFixture();
    try {
      const stores = await Promise.all(Array.from({ length: 30 }, () => post(f.a.url, { method: 'store', params: storeParams(f.user, f.clock.now) })));
      for (const s of stores) {
        assert.equal(s.status, 200, s.text);
        const b = s.body.swarm[f.b.identity.nodeId.slice(2)];
        assert.equal(typeof b?.signature, 'string', `B acknowledged: ${JSON.stringify(b)}`);
        assert.equal(b.hash, s.body.hash);
      }
      assert.equal(f.b.storage.db.stats().messages, 30);
      assert.equal(f.a.storage.db.stats().messages, 30);
    } finally {
      await f.close();
    }
  });

  it('a forwarded batch holding a non-recursive request refuses that one alone', async () => {
    const f = await startFixture();
    try {
      // Sent to B as A would forward it, but signed by the outsider: refused whole with 403 first.
      const batch = { method: 'batch', params: { requests: [{ method: 'store', params: storeParams(f.user, f.clock.now) }] } };
      const { signRequest } = await import('../../core/http/node-auth.ts');
      const body = JSON.stringify(batch);
      const stranger = await post(f.b.url, body, { 'x-sesh-forwarded': '1', ...signRequest(f.outsider, 'POST', '/storage_rpc/v1', body) });
      assert.equal(stranger.status, 403);
      assert.equal(f.b.storage.db.stats().messages, 0, 'a refusal changes nothing');
      const mixed = JSON.stringify({ method: 'batch', params: { requests: [{ method: 'store', params: storeParams(f.user, f.clock.now) }, { method: 'info', params: {} }] } });
      const r = await post(f.b.url, mixed, { 'x-sesh-forwarded': '1', ...signRequest(f.a.identity, 'POST', '/storage_rpc/v1', mixed) });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.results[0].code, 200);
      assert.equal(r.body.results[1].code, 400);
      assert.match(r.body.results[1].body, /never forwarded/);
      assert.equal(f.b.storage.db.stats().messages, 1);
    } finally {
      await f.close();
    }
  });
});

describe('digest-compared fill', () => {
  const servers: JsonServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close(100)));
  });

  it('a node that holds most messages pulls only the accounts whose digest differs, and ends with all of them', async () => {
    const [ia, ib] = [generateEd25519Identity(), generateEd25519Identity()];
    const members: ReachableMember[] = [];
    const view: SwarmView = {
      assignment: () => ({ ids: [1n], members: new Map([[1n, members]]), swarmOfKey: new Map() }),
      swarmOf: () => ({ id: 1n, members }),
      mine: () => ({ id: 1n, members }),
      holds: () => true,
    };
    const make = () => openMessageDb({ path: ':memory:', maxBytes: 100_000_000, maxAccountBytes: 10_000_000 });
    const [dbA, dbB] = [make(), make()];
    const accounts = Array.from({ length: 40 }, (_, i) => sessionKeysFromSeed(new Uint8Array(32).fill(i + 1)).sessionId);
    const now = Date.now();
    const message = (account: string, text: string): StoredMessage => {
      const m = { account, namespace: 0, hash: '', data: new TextEncoder().encode(text), timestamp: now - 1_000, expiry: now + 3_600_000 };
      return { ...m, hash: PROTOCOL_LIMITS.hashOf(m) };
    };
    for (const [i, account] of accounts.entries()) {
      for (let k = 0; k < 5; k++) {
        const m = message(account, `${i}/${k}`);
        dbA.store(m);
        // B missed the last message of three accounts, and holds them in another order.
        if (!(k === 4 && i % 13 === 0)) dbB.store(m);
      }
    }
    assert.notEqual(dbA.digestOf(accounts[0]!).digest, dbB.digestOf(accounts[0]!).digest);
    assert.equal(dbA.digestOf(accounts[1]!).digest, dbB.digestOf(accounts[1]!).digest);
    const handoffA = createHandoff({ ...PROTOCOL_LIMITS, db: dbA, swarmView: view, identity: ia, timeoutMs: 2_000 });
    const handoffB = createHandoff({ ...PROTOCOL_LIMITS, db: dbB, swarmView: view, identity: ib, timeoutMs: 2_000 });
    const registered = new Set([ia.nodeId, ib.nodeId]);
    const server = createJsonServer({ routes: handoffA.routes, peerAuth: { isPeer: (k) => registered.has(k), rateLimit: { capacity: 1000, refillPerSecond: 1000 } } });
    servers.push(server);
    const { url } = await server.listen();
    members.push({ nodeId: 1n, ed25519Key: ia.nodeId as Hex, url }, { nodeId: 2n, ed25519Key: ib.nodeId as Hex, url: 'http://127.0.0.1:9' });
    await handoffB.tick();
    assert.equal(handoffB.filled(), true);
    const c = handoffB.counters();
    assert.equal(c.digestsCompared, 40);
    assert.equal(c.accountsPulled, 4, 'accounts 0, 13, 26 and 39 differ; nothing else moves');
    assert.equal(c.pulled, 4);
    assert.equal(dbB.stats().messages, 200);
    for (const account of accounts) assert.equal(dbB.digestOf(account).digest, dbA.digestOf(account).digest);
  });
});

describe('peer POST over kept-alive connections', () => {
  it('a reused connection the peer drops is retried once on a fresh one; a peer that is down is a 503 with the reason', async () => {
    const { createServer } = await import('node:http');
    const { peerPost } = await import('../src/storage/peer-post.ts');
    const seen = new WeakMap<object, number>();
    let requests = 0;
    // The second request on any connection is dropped unanswered (a peer closing an idle socket as it is reused).
    const server = createServer((req, res) => {
      requests++;
      const n = (seen.get(req.socket) ?? 0) + 1;
      seen.set(req.socket, n);
      if (n > 1) return req.socket.destroy();
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ n: requests })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const identity = generateEd25519Identity();
    try {
      const a = await peerPost(url, '/x', '{}', { identity, timeoutMs: 2_000 });
      assert.deepEqual(a, { status: 200, text: '{"n":1}' });
      const b = await peerPost(url, '/x', '{}', { identity, timeoutMs: 2_000 });
      assert.deepEqual(b, { status: 200, text: '{"n":3}' }, 'the dropped attempt (2) was sent again on a new connection (3)');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    const down = await peerPost('http://127.0.0.1:9', '/x', '{}', { identity, timeoutMs: 2_000 });
    assert.equal(down.status, 503);
    assert.match((down as { reason: string }).reason, /ECONNREFUSED/);
  });
});
