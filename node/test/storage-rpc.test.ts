import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ed25519Verify } from '../../sdk/src/crypto/ed25519.ts';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { fromBase64 } from '../../sdk/src/storage/encoding.ts';
import { messageHash } from '../../sdk/src/storage/message-hash.ts';
import { requestText, resultText } from '../../sdk/src/storage/signatures.ts';
import { plain } from '../src/storage/results.ts';
import { post, signedBy, startFixture, storeParams, type Fixture } from './storage-rpc-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(() => f.close());

const verifies = (nodeKey: string, text: string, signature: string) => ed25519Verify(fromBase64(signature)!, new TextEncoder().encode(text), Buffer.from(plain(nodeKey), 'hex'));
const stats = () => [f.a.storage.db.stats(), f.b.storage.db.stats()];
const retrieveParams = (namespace = 0, extra: Record<string, unknown> = {}) => ({ ...signedBy(f.user, requestText.retrieve(namespace, f.clock.now)), namespace, timestamp: f.clock.now, ...extra });
const hashesAt = async (url: string, namespace = 0) => (await post(url, { method: 'retrieve', params: retrieveParams(namespace) })).body.messages.map((m: { hash: string }) => m.hash);

describe('storage rpc: methods', () => {
  it('info and get_swarm (and its alias) answer anyone; a foreign account gets 421 with its swarm', async () => {
    const info = await post(f.a.url, { method: 'info', params: {} });
    assert.equal(info.status, 200);
    assert.equal(info.body.timestamp, f.clock.now);
    const swarm = await post(f.b.url, { method: 'get_swarm', params: { pubkey: f.user.sessionId } });
    assert.equal(swarm.status, 200);
    assert.equal(swarm.body.swarm, '1');
    assert.deepEqual(swarm.body.snodes.map((s: { pubkey_ed25519: string }) => s.pubkey_ed25519), [f.a, f.b].map((n) => plain(n.identity.nodeId)));
    assert.equal(swarm.body.snodes[0].port_https, Number(new URL(f.a.url).port));
    const alias = await post(f.a.url, { method: 'get_snodes_for_pubkey', params: { pubKey: f.user.sessionId } });
    assert.deepEqual(alias.body.snodes, swarm.body.snodes);

    const stranger = sessionKeysFromSeed(new Uint8Array(32).fill(9));
    f.foreign.add(stranger.sessionId);
    const before = stats();
    const wrong = await post(f.a.url, { method: 'store', params: storeParams(stranger, f.clock.now) });
    assert.equal(wrong.status, 421);
    assert.equal(wrong.body.swarm, '2');
    assert.deepEqual(wrong.body.snodes.map((s: { ip: string; port_https: number }) => [s.ip, s.port_https]), [['10.1.2.3', 22021]]);
    assert.deepEqual(stats(), before, 'a misdirected store stores nothing');
  });

  it('store: durable locally, forwarded, every member signs the hash it computed', async () => {
    const data = new TextEncoder().encode('a message for later');
    const answer = await post(f.a.url, { method: 'store', params: storeParams(f.user, f.clock.now, { data }) });
    assert.equal(answer.status, 200, answer.text);
    const hash = messageHash(f.user.account, 0, data);
    assert.equal(answer.body.hash, hash);
    assert.deepEqual(Object.keys(answer.body.swarm).sort(), [f.a, f.b].map((n) => plain(n.identity.nodeId)).sort());
    for (const n of [f.a, f.b]) {
      const mine = answer.body.swarm[plain(n.identity.nodeId)];
      assert.equal(mine.hash, hash);
      assert.equal(mine.expiry, f.clock.now + 3_600_000);
      assert.ok(verifies(n.identity.nodeId, resultText.store(hash), mine.signature), 'the member signed the hash');
      assert.deepEqual(n.storage.db.retrieve(f.user.sessionId, 0).messages.map((m) => m.hash), [hash]);
    }
    // Again: both already have it.
    const again = await post(f.a.url, { method: 'store', params: storeParams(f.user, f.clock.now, { data }) });
    assert.equal(again.body.swarm[plain(f.b.identity.nodeId)].already, true);
    assert.equal(f.b.storage.db.stats().messages, 1);
  });

  it('retrieve: signed, in storage order, paged with last_hash; the same on every member', async () => {
    for (let i = 0; i < 5; i++) await post(f.a.url, { method: 'store', params: storeParams(f.user, f.clock.now, { namespace: 3 }) });
    const all = await hashesAt(f.b.url, 3);
    assert.equal(all.length, 5);
    assert.deepEqual(await hashesAt(f.a.url, 3), all);
    const page = await post(f.b.url, { method: 'retrieve', params: retrieveParams(3, { max_count: 2 }) });
    assert.deepEqual([page.body.messages.map((m: { hash: string }) => m.hash), page.body.more], [all.slice(0, 2), true]);
    const next = await post(f.b.url, { method: 'retrieve', params: retrieveParams(3, { max_count: 2, last_hash: all[1] }) });
    assert.deepEqual(next.body.messages.map((m: { hash: string }) => m.hash), all.slice(2, 4));
    const unsigned = await post(f.a.url, { method: 'retrieve', params: { pubkey: f.user.sessionId, namespace: 3 } });
    // The anchor's parser requires the signature fields for a namespace that is not public (400).
    assert.equal(unsigned.status, 400);
    assert.match(unsigned.text, /signature/);
  });

  it('delete, delete_before, delete_all: each member deletes and signs what it deleted', async () => {
    const hashes = await hashesAt(f.a.url, 3);
    const del = await post(f.a.url, { method: 'delete', params: { ...signedBy(f.user, requestText.delete([hashes[0]])), messages: [hashes[0]] } });
    assert.equal(del.status, 200, del.text);
    for (const n of [f.a, f.b]) {
      const mine = del.body.swarm[plain(n.identity.nodeId)];
      assert.deepEqual(mine.deleted, [hashes[0]]);
      assert.ok(verifies(n.identity.nodeId, resultText.delete(f.user.sessionId, [hashes[0]], [hashes[0]]), mine.signature));
    }
    const missing = await post(f.a.url, { method: 'delete', params: { ...signedBy(f.user, requestText.delete([hashes[0]])), messages: [hashes[0]], required: true } });
    assert.equal(missing.status, 404, 'required: nothing was deleted anywhere');

    const before = await post(f.a.url, { method: 'delete_before', params: { ...signedBy(f.user, requestText.delete_before(3, f.clock.now)), namespace: 3, before: f.clock.now } });
    assert.deepEqual(before.body.swarm[plain(f.b.identity.nodeId)].deleted, [...hashes.slice(1)].sort());
    assert.deepEqual(await hashesAt(f.b.url, 3), []);

    await post(f.a.url, { method: 'store', params: storeParams(f.user, f.clock.now, { namespace: 4 }) });
    const all = await post(f.a.url, { method: 'delete_all', params: { ...signedBy(f.user, requestText.delete_all('all', f.clock.now)), namespace: 'all', timestamp: f.clock.now } });
    assert.equal(all.status, 200, all.text);
    const mineB = all.body.swarm[plain(f.b.identity.nodeId)];
    assert.deepEqual(Object.keys(mineB.deleted).sort(), ['0', '4']);
    const flat = Object.values(mineB.deleted as Record<string, string[]>).flat().sort();
    assert.ok(verifies(f.b.identity.nodeId, resultText.delete_all(f.user.sessionId, f.clock.now, flat), mineB.signature));
    assert.deepEqual(stats().map((s) => s.messages), [0, 0]);
  });

  it('expire only shortens when asked to, get_expiries agrees, and a message is gone after its TTL', async () => {
    const start = f.clock.now;
    const stored = await post(f.a.url, { method: 'store', params: storeParams(f.user, start, { ttl: 60_000, namespace: 10 }) });
    const hash = stored.body.hash as string;
    const expiries = async () => {
      const params = { ...signedBy(f.user, requestText.get_expiries(f.clock.now, [hash])), messages: [hash], timestamp: f.clock.now };
      return Promise.all([f.a, f.b].map(async (n) => (await post(n.url, { method: 'get_expiries', params })).body.expiries[hash]));
    };
    assert.deepEqual(await expiries(), [start + 60_000, start + 60_000]);
    const longer = start + 120_000;
    const noLonger = await post(f.a.url, { method: 'expire', params: { ...signedBy(f.user, requestText.expire('shorten', [longer], [hash])), messages: [hash], expiry: longer, shorten: true } });
    assert.equal(noLonger.status, 200, noLonger.text);
    assert.deepEqual(noLonger.body.swarm[plain(f.b.identity.nodeId)].updated, []);
    assert.deepEqual(noLonger.body.swarm[plain(f.b.identity.nodeId)].unchanged, { [hash]: start + 60_000 });
    assert.deepEqual(await expiries(), [start + 60_000, start + 60_000], 'shorten never lengthens');
    const shorter = start + 20_000;
    const short = await post(f.a.url, { method: 'expire', params: { ...signedBy(f.user, requestText.expire('shorten', [shorter], [hash])), messages: [hash], expiry: shorter, shorten: true } });
    const mine = short.body.swarm[plain(f.b.identity.nodeId)];
    assert.deepEqual([mine.updated, mine.expiry], [[hash], shorter]);
    assert.ok(verifies(f.b.identity.nodeId, resultText.expire(f.user.sessionId, [shorter], [hash], [hash], {}), mine.signature));
    assert.deepEqual(await expiries(), [shorter, shorter]);

    const ns = 10;
    const other = (await post(f.a.url, { method: 'store', params: storeParams(f.user, start, { ttl: 60_000, namespace: ns }) })).body.hash;
    const all = await post(f.a.url, { method: 'expire_all', params: { ...signedBy(f.user, requestText.expire_all(ns, start + 30_000)), namespace: ns, expiry: start + 30_000 } });
    assert.deepEqual(all.body.swarm[plain(f.b.identity.nodeId)].updated, [other], 'expire_all lowered only the later one');

    f.clock.now = shorter + 1;
    assert.deepEqual(await expiries(), [undefined, undefined]);
    assert.ok(!(await hashesAt(f.b.url, ns)).includes(hash), 'gone after its TTL');
    f.b.storage.db.sweepExpired(f.clock.now);
    assert.equal(f.b.storage.db.getExpiries(f.user.sessionId, [hash]).size, 0);
  });
});

describe('storage rpc: authentication refusals change nothing', () => {
  const refuses = async (params: Record<string, unknown>, status: number, reason: RegExp, method = 'store') => {
    const before = stats();
    const answer = await post(f.a.url, { method, params });
    assert.equal(answer.status, status, answer.text);
    assert.match(answer.text, reason);
    assert.deepEqual(stats(), before);
    assert.equal(f.b.storage.db.stats().messages, before[1]!.messages, 'nothing was forwarded');
  };

  it('a wrong signature is 401', async () => {
    const other = sessionKeysFromSeed(new Uint8Array(32).fill(3));
    await refuses(storeParams(f.user, f.clock.now, { namespace: 1, signer: other.seed }), 401, /signature verification failed/);
    const d = { ...signedBy(f.user, requestText.delete_all(0, f.clock.now), other.seed), namespace: 0, timestamp: f.clock.now };
    await refuses(d, 401, /signature verification failed/, 'delete_all');
  });

  it('a stale sig_timestamp is 406', async () => {
    await refuses(storeParams(f.user, f.clock.now, { namespace: 1, sigTimestamp: f.clock.now - 61_000 }), 406, /timestamp too far/);
  });

  it('a pubkey_ed25519 that does not convert to the Session ID is 401', async () => {
    const other = sessionKeysFromSeed(new Uint8Array(32).fill(4));
    const params = { ...storeParams(other, f.clock.now, { namespace: 1 }), pubkey: f.user.sessionId };
    await refuses(params, 401, /pubkey_ed25519 does not convert/);
  });

  it('a write to a private namespace without the owner signature is 401 (forged namespace write)', async () => {
    await refuses(storeParams(f.user, f.clock.now, { namespace: 5, sign: false }), 401, /signature required to store to namespace 5/);
    // Signed for namespace 0 (public), replayed as a write to namespace 5.
    const params = { ...storeParams(f.user, f.clock.now, { namespace: 5 }), signature: storeParams(f.user, f.clock.now, { namespace: 0, sign: true }).signature };
    await refuses(params, 401, /signature verification failed/);
  });
});
