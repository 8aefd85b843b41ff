/**
 * The storage client against two real storage nodes (HTTP servers with their own SQLite, from
 * the node's RPC test fixture): swarm discovery, store at one member and retrieve from the
 * other, paging, delete, expire, following a 421, and refusals surfacing with their status.
 * In this fixture only node A forwards writes to its swarm (B executes locally), so writes go
 * through A and reads come from B; the real-process test (cli/test/messages-network) uses any.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sessionKeysFromSeed } from '../src/storage/account.ts';
import { createStorageClient } from '../src/storage/client.ts';
import { messageHash } from '../src/storage/message-hash.ts';
import { StorageRpcError } from '../src/storage/types.ts';
import { startFixture, type Fixture } from '../../node/test/storage-rpc-fixture.ts';

let f: Fixture;
before(async () => {
  f = await startFixture();
  // The nodes' clock is ten minutes behind ours: a client signing with its own clock would get 406.
  f.clock.now = Date.now() - 600_000;
});
after(() => f.close());

const text = (s: string) => new TextEncoder().encode(s);
const rejects = async (p: Promise<unknown>, status: number, reason: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof StorageRpcError && e.status === status && reason.test(e.reason));

describe('storage client', () => {
  it('finds the swarm from any node, stores at one member, retrieves the same message from another', async () => {
    const client = createStorageClient({ seedUrls: [f.b.url] });
    const members = await client.swarmOf(f.user.sessionId);
    assert.deepEqual(members.map((m) => m.url).sort(), [f.a.url, f.b.url].sort());
    const stored = await client.store({ to: f.user.sessionId, data: text('hello from the client'), ttlMs: 3_600_000, via: f.a.url });
    assert.equal(stored.hash, messageHash(f.user.account, 0, text('hello from the client')));
    assert.equal(stored.node, f.a.url);
    assert.equal(stored.members.length, 2);
    assert.ok(stored.members.every((m) => m.signatureValid === true), 'every member signed the hash');
    const got = await client.retrieve(f.user, { via: f.b.url });
    assert.equal(got.node, f.b.url);
    assert.deepEqual(got.messages.map((m) => [m.hash, Buffer.from(m.data).toString()]), [[stored.hash, 'hello from the client']]);
    assert.equal(got.messages[0]!.timestamp <= f.clock.now + 60_000, true);
  });

  it('pages with last_hash through every message, in storage order', async () => {
    const client = createStorageClient({ nodeUrl: f.a.url });
    const owner = sessionKeysFromSeed(new Uint8Array(32).fill(41));
    const hashes = [];
    for (let i = 0; i < 7; i++) hashes.push((await client.store({ to: owner.sessionId, data: text(`m${i}`), ttlMs: 60_000, namespace: 5, signer: owner, via: f.a.url })).hash);
    const page = await client.retrieve(owner, { namespace: 5, maxCount: 3, via: 1 });
    assert.deepEqual([page.messages.map((m) => m.hash), page.more], [hashes.slice(0, 3), true]);
    const all = await client.retrieveAll(owner, { namespace: 5, pageSize: 3 });
    assert.deepEqual(all.messages.map((m) => m.hash), hashes);
    assert.deepEqual((await client.retrieve(owner, { namespace: 0 })).messages, []);
  });

  it('deletes on every member, and shortens expiries that get_expiries then reports', async () => {
    const client = createStorageClient({ nodeUrl: f.a.url });
    const owner = sessionKeysFromSeed(new Uint8Array(32).fill(42));
    const keep = (await client.store({ to: owner.sessionId, data: text('keep'), ttlMs: 3_600_000, via: f.a.url })).hash;
    const drop = (await client.store({ to: owner.sessionId, data: text('drop'), ttlMs: 3_600_000, via: f.a.url })).hash;
    const del = await client.delete(owner, [drop], { via: f.a.url });
    assert.equal(del.members.length, 2);
    for (const m of del.members) {
      assert.deepEqual(m.result?.deleted, [drop]);
      assert.equal(m.signatureValid, true);
    }
    for (const via of [f.a.url, f.b.url]) assert.deepEqual((await client.retrieve(owner, { via })).messages.map((m) => m.hash), [keep]);

    const target = (await client.now()) + 120_000;
    const exp = await client.expire(owner, [keep], target, { mode: 'shorten', via: f.a.url });
    for (const m of exp.members) {
      assert.deepEqual(m.result?.updated, [keep]);
      assert.equal(m.signatureValid, true);
    }
    // shorten never lengthens: asking for a later expiry changes nothing
    const later = await client.expire(owner, [keep], target + 600_000, { mode: 'shorten', via: f.a.url });
    assert.ok(later.members.every((m) => m.result?.updated.length === 0 && m.result?.unchanged?.[keep] === target));
    for (const via of [f.a.url, f.b.url]) assert.deepEqual(await client.getExpiries(owner, [keep], { via }), { [keep]: target });

    const all = await client.deleteAll(owner, { via: f.a.url });
    assert.ok(all.members.every((m) => m.signatureValid && Array.isArray(m.result?.deleted) && m.result.deleted.length === 1));
    assert.deepEqual((await client.retrieve(owner)).messages, []);
  });

  it('follows a 421 to the swarm it names', async () => {
    const moved = sessionKeysFromSeed(new Uint8Array(32).fill(43));
    f.foreign.add(moved.sessionId);
    let misdirected = 0;
    const fetchThrough: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.status === 421) {
        misdirected++;
        // The swarm the 421 names (a far node) is, in this two-node fixture, reached at B,
        // and from now on the account belongs to the fixture's swarm again.
        f.foreignMembers[0]!.url = f.b.url;
        f.foreign.delete(moved.sessionId);
        const body = await res.json();
        body.snodes = body.snodes.map((n: Record<string, unknown>) => ({ ...n, url: f.b.url }));
        return new Response(JSON.stringify(body), { status: 421, headers: { 'content-type': 'application/json' } });
      }
      return res;
    };
    const client = createStorageClient({ nodeUrl: f.a.url, fetch: fetchThrough });
    const r = await client.store({ to: moved.sessionId, data: text('found you'), ttlMs: 60_000, via: f.a.url });
    assert.equal(misdirected, 1);
    assert.equal(r.node, f.b.url);
    assert.equal((await client.retrieve(moved, { via: f.b.url })).messages.length, 1);
  });

  it("surfaces the node's refusals with their status and reason", async () => {
    const client = createStorageClient({ nodeUrl: f.a.url });
    const owner = sessionKeysFromSeed(new Uint8Array(32).fill(44));
    await rejects(client.store({ to: owner.sessionId, data: text('x'), ttlMs: 60_000, namespace: 3 }), 401, /signature required to store to namespace 3/);
    await rejects(client.store({ to: owner.sessionId, data: text('x'), ttlMs: 5_000 }), 403, /TTL/);
    await rejects(client.store({ to: owner.sessionId, data: new Uint8Array(76_801), ttlMs: 60_000 }), 400, /76800 bytes/);
    const other = sessionKeysFromSeed(new Uint8Array(32).fill(45));
    await rejects(client.retrieve({ ...other, account: owner.account }), 401, /pubkey_ed25519 does not convert/);
    await rejects(createStorageClient({ nodeUrl: 'http://127.0.0.1:9' }).info(), 503, /cannot reach the storage node/);
  });
});
