/**
 * Replication parts in one process, over real HTTP and real SQLite: forwarding to swarm
 * members (signed, bounded, per-member outcomes), the push and pull routes (peers only, every
 * message re-checked, refusals change nothing), filling a new member, relocating an account to
 * its new swarm, and the storage test (pass, missing data, wrong data, filling). The swarm
 * assignment here is a fixed table the test switches (the chain-derived one has its own tests
 * and the real-process tests use it); everything else is the production code.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Hex } from 'viem';
import { generateEd25519Identity, type Ed25519Identity } from '../../core/keys/ed25519.ts';
import { createJsonServer, route, type JsonServer, type Route } from '../../core/http/server.ts';
import { signRequest } from '../../core/http/node-auth.ts';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { openMessageDb, type OpenedMessageDb } from '../src/storage/db.ts';
import { accountsOf, createForwarder, STORAGE_RPC_PATH } from '../src/storage/replicate.ts';
import { createHandoff, PUSH_PATH, PULL_PATH, type Handoff } from '../src/storage/handoff.ts';
import { createStorageChecker, storageCheckRoutes } from '../src/storage/storage-check.ts';
import { PROTOCOL_LIMITS, toWire } from '../src/storage/transfer.ts';
import { FORWARDED_HEADER, type ReachableMember, type StoredMessage, type SwarmView } from '../src/storage/types.ts';

type World = { swarms: Map<bigint, Hex[]>; accountSwarm: (account: string) => bigint; urls: Map<string, string>; version: number };

/** A SwarmView over the test's table, as `self` sees it. */
function viewOf(world: World, self: Hex): SwarmView {
  let cached: { version: number; assignment: ReturnType<SwarmView['assignment']> } | undefined;
  const members = (id: bigint): ReachableMember[] => (world.swarms.get(id) ?? []).map((k, i) => ({ nodeId: BigInt(i), ed25519Key: k, url: world.urls.get(k) }));
  const assignment = () => {
    if (cached?.version !== world.version) {
      const ids = [...world.swarms.keys()].sort();
      cached = {
        version: world.version,
        assignment: { ids, members: new Map(ids.map((id) => [id, members(id)])), swarmOfKey: new Map(ids.flatMap((id) => world.swarms.get(id)!.map((k) => [k.toLowerCase(), id] as const))) },
      };
    }
    return cached.assignment;
  };
  const mineId = () => assignment().swarmOfKey.get(self.toLowerCase());
  return {
    assignment,
    swarmOf: (account) => ({ id: world.accountSwarm(account), members: members(world.accountSwarm(account)) }),
    mine: () => (mineId() === undefined ? null : { id: mineId()!, members: members(mineId()!) }),
    holds: (account) => mineId() !== undefined && world.accountSwarm(account) === mineId(),
  };
}

type TestNode = { identity: Ed25519Identity; db: OpenedMessageDb; view: SwarmView; handoff: Handoff; server: JsonServer; url: string; forwarded: { peer?: string; header?: string; body: unknown }[] };

const servers: JsonServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close(100)));
});

async function startNode(world: World, registered: Set<string>, options: { dishonest?: 'wrong-proof'; fillGraceMs?: number } = {}): Promise<TestNode> {
  const identity = generateEd25519Identity();
  const db = openMessageDb({ path: ':memory:', maxBytes: 100_000_000, maxAccountBytes: 10_000_000 });
  const view = viewOf(world, identity.nodeId);
  const handoff = createHandoff({ ...PROTOCOL_LIMITS, db, swarmView: view, identity, dropDelayMs: 200, timeoutMs: 2_000 });
  const forwarded: TestNode['forwarded'] = [];
  const rpc: Route = route('POST', STORAGE_RPC_PATH, (r) => {
    forwarded.push({ peer: r.peer, header: r.headers[FORWARDED_HEADER] as string | undefined, body: r.body });
    return { stored: true, by: identity.nodeId };
  });
  const server = createJsonServer({
    routes: [rpc, ...handoff.routes, ...storageCheckRoutes({ db, swarmView: view, filled: handoff.filled, minAgeMs: 0, dishonest: options.dishonest })],
    bodyLimit: 512 * 1024,
    peerAuth: { isPeer: (k) => registered.has(k), rateLimit: { capacity: 1000, refillPerSecond: 1000 } },
  });
  servers.push(server);
  const { url } = await server.listen();
  registered.add(identity.nodeId);
  world.urls.set(identity.nodeId, url);
  return { identity, db, view, handoff, server, url, forwarded };
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => sessionKeysFromSeed(new Uint8Array(32).fill(i + 1)).sessionId);
function message(account: string, text: string, namespace = 0): StoredMessage {
  const data = new TextEncoder().encode(text);
  const now = Date.now();
  const m = { account, namespace, hash: '', data, timestamp: now - 60_000, expiry: now + 3_600_000 };
  return { ...m, hash: PROTOCOL_LIMITS.hashOf(m) };
}
const signedPost = async (identity: Ed25519Identity, url: string, path: string, payload: unknown) => {
  const body = JSON.stringify(payload);
  const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(identity, 'POST', path, body) }, body });
  return { status: r.status, body: (await r.json()) as any };
};

describe('storage replication parts', () => {
  const accounts = keys(4);
  const world: World = { swarms: new Map(), accountSwarm: (a) => (accounts.indexOf(a) % 2 === 0 ? 1n : 2n), urls: new Map(), version: 0 };
  const registered = new Set<string>();
  let a: TestNode, b: TestNode, c: TestNode;

  it('forwards a client request to every other member, signed, with the forwarded header, and reports a down member', async () => {
    [a, b, c] = [await startNode(world, registered), await startNode(world, registered), await startNode(world, registered)];
    const down: Hex = generateEd25519Identity().nodeId;
    world.urls.set(down, 'http://127.0.0.1:9'); // nothing listens on the discard port
    world.swarms.set(1n, [a.identity.nodeId, b.identity.nodeId, c.identity.nodeId, down]);
    world.swarms.set(2n, []);
    world.version++;
    const missed: string[] = [];
    const forward = createForwarder({ swarmView: a.view, identity: a.identity, timeoutMs: 1_000, onMissed: (m) => missed.push(m) });
    const outcomes = await forward('store', { pubkey: accounts[0], data: 'aGk=' });
    assert.equal(outcomes.size, 3, 'every other member, not the origin');
    assert.deepEqual(outcomes.get(b.identity.nodeId)?.result, { stored: true, by: b.identity.nodeId });
    assert.equal(outcomes.get(down)?.error?.status, 503);
    assert.match(outcomes.get(down)!.error!.reason, /unreachable/);
    assert.deepEqual(missed, [down]);
    for (const n of [b, c]) {
      assert.equal(n.forwarded.length, 1);
      assert.equal(n.forwarded[0]!.peer, a.identity.nodeId, 'node-signed by the origin');
      assert.equal(n.forwarded[0]!.header, '1');
      assert.deepEqual(n.forwarded[0]!.body, { method: 'store', params: { pubkey: accounts[0], data: 'aGk=' } });
    }
    world.swarms.set(1n, [a.identity.nodeId, b.identity.nodeId, c.identity.nodeId]);
    world.version++;
  });

  it('push: peers only; every message re-checked; refusals store nothing', async () => {
    const good = message(accounts[0]!, 'hello');
    const stranger = generateEd25519Identity();
    const anonymous = await fetch(`${b.url}${PUSH_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [toWire(good)] }) });
    assert.equal(anonymous.status, 403);
    assert.match(((await anonymous.json()) as any).reason, /registered active nodes only/);
    assert.equal((await signedPost(stranger, b.url, PUSH_PATH, { messages: [toWire(good)] })).status, 403, 'a valid signature of an unregistered key is a stranger');
    assert.equal(b.db.stats().messages, 0);

    const forged = { ...toWire(good), data: Buffer.from('tampered').toString('base64') };
    const foreign = toWire(message(accounts[1]!, 'not this swarm'));
    const expired = { ...toWire(good), expiry: Date.now() - 1 };
    const huge = toWire(message(accounts[0]!, 'x'.repeat(76_801)));
    const badBase64 = { ...toWire(good), data: '!!!' };
    const r = await signedPost(a.identity, b.url, PUSH_PATH, { messages: [forged, foreign, expired, huge, badBase64] });
    assert.equal(r.status, 200);
    assert.equal(r.body.stored, 0);
    assert.deepEqual(r.body.refused.map((x: any) => x.reason.split(' ')[0]), ['hash', 'account', 'the', 'data', 'data']);
    assert.match(r.body.refused[1].reason, /not in this node's swarm/);
    assert.match(r.body.refused[3].reason, /more than the 76800/);
    assert.equal(b.db.stats().messages, 0, 'nothing refused was stored');
    assert.equal((await signedPost(a.identity, b.url, PUSH_PATH, { messages: [] })).status, 400);

    const ok = await signedPost(a.identity, b.url, PUSH_PATH, { messages: [toWire(good)] });
    assert.deepEqual(ok.body, { stored: 1, duplicates: 0, refused: [] });
    assert.equal((await signedPost(a.identity, b.url, PUSH_PATH, { messages: [toWire(good)] })).body.duplicates, 1);
    assert.equal(b.db.messagesOf(accounts[0]!)[0]!.hash, good.hash);
  });

  it('a new member pulls its swarm\'s messages before it counts as filled; pull pages only the caller\'s swarm', async () => {
    for (let i = 0; i < 30; i++) a.db.store(message(accounts[0]!, `m${i}`));
    a.db.store(message(accounts[2]!, 'other account, same swarm'));
    a.db.store(message(accounts[1]!, 'swarm 2 (a keeps it until relocated)'));
    for (const n of [a, b, c]) await n.handoff.tick();
    assert.equal(b.handoff.filled(), true);
    assert.equal(b.db.messagesOf(accounts[0]!).length, 31, 'b pulled from a (plus what was pushed before)');
    assert.equal(c.db.messagesOf(accounts[2]!).length, 1);
    assert.equal(c.db.messagesOf(accounts[1]!).length, 0, 'an account of another swarm is not pulled');

    const d = await startNode(world, registered);
    assert.equal(d.handoff.filled(), false, 'not in a swarm yet');
    world.swarms.set(1n, [a.identity.nodeId, b.identity.nodeId, c.identity.nodeId, d.identity.nodeId]);
    world.version++;
    const pulled = await signedPost(d.identity, a.url, PULL_PATH, { limit: 5 });
    assert.equal(pulled.status, 200);
    assert.ok(pulled.body.messages.every((m: any) => m.account !== accounts[1]));
    assert.equal((await fetch(`${a.url}${PULL_PATH}`, { method: 'POST' })).status, 403);
    await d.handoff.tick();
    assert.equal(d.handoff.filled(), true);
    assert.deepEqual(d.db.messagesOf(accounts[0]!).map((m) => m.hash).sort(), a.db.messagesOf(accounts[0]!).map((m) => m.hash).sort());
  });

  it('an account that moves to another swarm is pushed there, then dropped here', async () => {
    const e = await startNode(world, registered);
    world.swarms.set(2n, [e.identity.nodeId]);
    world.version++;
    await a.handoff.tick();
    assert.equal(e.db.messagesOf(accounts[1]!).length, 1, 'pushed to its swarm');
    assert.equal(a.db.messagesOf(accounts[1]!).length, 1, 'kept for the drop delay');
    await new Promise((r) => setTimeout(r, 250));
    await a.handoff.tick();
    assert.equal(a.db.messagesOf(accounts[1]!).length, 0, 'dropped once its swarm holds it');
    assert.equal(a.handoff.counters().dropped, 1);
  });

  it('storage test: pass when held, fail when missing or wrong, skip while filling or just joined', async () => {
    const liar = await startNode(world, registered, { dishonest: 'wrong-proof' });
    const empty = await startNode(world, registered);
    world.swarms.set(1n, [...world.swarms.get(1n)!, liar.identity.nodeId, empty.identity.nodeId]);
    world.version++;
    await liar.handoff.tick();
    // `empty` lost its data and claims to be filled (what a node that dropped its database does).
    await empty.handoff.tick();
    empty.db.deleteAll(accounts[0]!, 'all');
    empty.db.deleteAll(accounts[2]!, 'all');
    const outsider = generateEd25519Identity();
    registered.add(outsider.nodeId);
    const checker = (grace: number, self = a) =>
      createStorageChecker({ ...PROTOCOL_LIMITS, db: self.db, swarmView: self.view, filled: self.handoff.filled, identity: self.identity, urlOf: (k) => world.urls.get(k), timeoutMs: 2_000, fillGraceMs: grace, sampleTtlMs: 10_000, minAgeMs: 0 });
    const afford = () => true;
    assert.equal((await checker(60_000)({ ed25519Key: b.identity.nodeId, url: b.url }, afford)).result, 'skip', 'just seen in its swarm: still filling');
    const check = checker(0);
    assert.deepEqual(await check({ ed25519Key: b.identity.nodeId, url: b.url }, afford), { result: 'pass', reason: null, requests: 1 });
    const missing = await check({ ed25519Key: empty.identity.nodeId, url: empty.url }, afford);
    assert.equal(missing.result, 'fail');
    assert.match(missing.reason!, /does not hold/);
    const wrong = await check({ ed25519Key: liar.identity.nodeId, url: liar.url }, afford);
    assert.equal(wrong.result, 'fail');
    assert.match(wrong.reason!, /wrong proof/);
    // A tester outside the swarm samples from another member (e's swarm is 2n; it tests b).
    const outside = createStorageChecker({ ...PROTOCOL_LIMITS, db: openMessageDb({ path: ':memory:', maxBytes: 1e6, maxAccountBytes: 1e6 }), swarmView: viewOf(world, outsider.nodeId), filled: () => false, identity: outsider, urlOf: (k) => world.urls.get(k), timeoutMs: 2_000, fillGraceMs: 0, sampleTtlMs: 10_000, minAgeMs: 0 });
    const noBudget = await outside({ ed25519Key: empty.identity.nodeId, url: empty.url }, () => false);
    assert.deepEqual([noBudget.result, noBudget.outOfBudget], ['skip', true], 'no budget: not tested');
    // The sampler is a random other member: take the emptied one out, or it may offer nothing (a skip).
    world.swarms.set(1n, world.swarms.get(1n)!.filter((k) => k !== empty.identity.nodeId));
    world.version++;
    const fromOutside = await outside({ ed25519Key: b.identity.nodeId, url: b.url }, afford);
    assert.equal(fromOutside.result, 'pass', fromOutside.reason ?? '');
    assert.equal(fromOutside.requests, 2, 'one sample, one test');
    assert.equal((await outside({ ed25519Key: c.identity.nodeId, url: c.url }, afford)).result, 'pass');
    // Unsigned callers get nothing from the proof route.
    assert.equal((await fetch(`${b.url}/storage/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: accounts[0], hash: 'x', nonce: `0x${'00'.repeat(32)}` }) })).status, 403);
  });

  it('a missed write is hinted for every account it touches, batches included', () => {
    const [x, y] = [accounts[0]!, accounts[1]!];
    assert.deepEqual(accountsOf('store', { pubkey: x.toUpperCase() }), [x]);
    assert.deepEqual(accountsOf('batch', { requests: [{ method: 'store', params: { pubkey: x } }, { method: 'delete', params: { pubkey: y } }, { method: 'store', params: { pubkey: x } }] }), [x, y]);
    assert.deepEqual(accountsOf('store', { pubkey: 'nope' }), []);
    assert.deepEqual(accountsOf('sequence', { requests: 'x' }), []);
  });
});
