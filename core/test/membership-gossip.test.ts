/**
 * The generic gossip over real HTTP servers (loopback): items are { key, version } and each
 * peer keeps the highest version per key, the way the announcement directory keeps the
 * newest timestamp. No chain is involved: gossip only moves what `offer` accepts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createJsonServer, route, type JsonServer } from '../http/server.ts';
import { createGossip, type Gossip, type OfferOutcome } from '../membership/gossip.ts';
import { bucketOf, createBucketDigest, DIGEST_BUCKETS, digestOf, parseBucketQuery } from '../membership/digest.ts';
import { until } from '../../devnet/test-http.ts';

type Item = { key: string; version: number };

type Peer = { url: string; store: Map<string, number>; gossip: Gossip<Item>; server: JsonServer; from: (string | undefined)[]; gets: string[] };

async function startPeer(peers: () => string[], options: { fanout?: number; queueLimit?: number; timeoutMs?: number; seeds?: string[]; digest?: boolean; serveDigest?: boolean } = {}): Promise<Peer> {
  const store = new Map<string, number>();
  const from: (string | undefined)[] = [];
  const gets: string[] = [];
  const items = () => [...store].map(([key, version]) => ({ key, version }));
  const digest = () => digestOf(items(), (i) => i.key, (i) => String(i.version));
  let url = '';
  const offer = (value: unknown): OfferOutcome => {
    const item = value as Item;
    if (typeof item?.key !== 'string' || !Number.isSafeInteger(item.version)) return { accepted: false, reason: 'not an item' };
    if ((store.get(item.key) ?? -1) >= item.version) return { accepted: true, fresh: false };
    store.set(item.key, item.version);
    return { accepted: true, fresh: true };
  };
  const gossip = createGossip<Item>({
    path: '/items', pushPath: '/item', keyOf: (i) => i.key, offer, peers: () => peers().filter((u) => u !== url), seeds: options.seeds,
    self: () => url, fanout: options.fanout ?? 2, antiEntropySec: 3_600, timeoutMs: options.timeoutMs ?? 2_000, queueLimit: options.queueLimit,
    ...(options.digest ? { digest: { path: '/items/digest', local: digest } } : {}),
  });
  const server = createJsonServer({
    rateLimit: false,
    routes: [
      route('GET', '/items', ({ query }) => {
        gets.push(`/items${query.size ? `?${query}` : ''}`);
        const b = parseBucketQuery(query.get('buckets'));
        if (!b.ok) throw new Error(b.reason);
        return { items: items().filter((i) => !b.buckets || b.buckets.has(bucketOf(i.key))) };
      }),
      ...(options.serveDigest === false ? [] : [route('GET', '/items/digest', () => ({ buckets: DIGEST_BUCKETS, digest: digest() }))]),
      route('POST', '/item', (r) => {
        const sender = r.headers['x-gossip-from'] as string | undefined;
        from.push(sender);
        const outcome = gossip.receive(r.body, sender);
        return outcome.accepted ? outcome : { accepted: false };
      }),
    ],
  });
  url = (await server.listen(0)).url;
  return { url, store, gossip, server, from, gets };
}

describe('gossip (generic push + anti-entropy pull)', () => {
  const peers: Peer[] = [];
  const servers: Server[] = [];
  after(async () => {
    for (const p of peers) p.gossip.stop();
    await Promise.all(peers.map((p) => p.server.close(0)));
    for (const s of servers) s.closeAllConnections(), s.close();
  });
  const urls = () => peers.map((p) => p.url);

  it('a fresh item reaches every peer by push alone; stale ones are not forwarded; never sent back to the sender', async () => {
    // Fanout 4 of 6: a receiver's 4 others (not itself, not its sender) are all pushed to, so
    // reaching everyone is certain, not a matter of luck.
    for (let i = 0; i < 6; i++) peers.push(await startPeer(urls, { fanout: 4 }));
    peers[0]!.gossip.publish({ key: 'a', version: 1 });
    await until('every peer to hold a@1', async () => peers.every((p) => p.store.get('a') === 1), 10_000, 50);
    await until('the pushes to settle', async () => peers.every((p) => p.gossip.pending() === 0), 5_000, 50);
    // Each peer forwards a fresh item once, to at most `fanout` peers.
    for (const p of peers) assert.ok(p.gossip.counters().sent <= 4, `${p.url} pushed ${p.gossip.counters().sent} times`);
    for (const p of peers) for (const sender of p.from) assert.notEqual(sender, p.url, 'nobody pushes to itself');
    const before = peers.map((p) => p.gossip.counters().sent);
    // An old version is accepted (not fresh) and not forwarded.
    assert.deepEqual(peers[3]!.gossip.receive({ key: 'a', version: 0 }), { accepted: true, fresh: false });
    assert.deepEqual(peers[3]!.gossip.receive({ nope: 1 }), { accepted: false, reason: 'not an item' });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(peers.map((p) => p.gossip.counters().sent), before);
    assert.equal(peers[3]!.gossip.counters().refused, 1);
  });

  it('a late joiner learns everything by pulling from a seed', async () => {
    peers[2]!.gossip.publish({ key: 'b', version: 7 });
    await until('b everywhere', async () => peers.every((p) => p.store.get('b') === 7), 10_000, 50);
    const late = await startPeer(() => [], { seeds: [peers[0]!.url] });
    peers.push(late);
    assert.equal(await late.gossip.bootstrap(), 2);
    assert.deepEqual([...late.store].sort(), [['a', 1], ['b', 7]]);
  });

  it('pulls by digest: nothing when in sync, only the differing bucket otherwise, the whole list from a peer without digests', async () => {
    const a = await startPeer(() => [], { digest: true });
    const b = await startPeer(() => [], { digest: true });
    const old = await startPeer(() => [], { serveDigest: false });
    peers.push(a, b, old);
    for (let i = 0; i < 40; i++) for (const p of [a, b, old]) p.gossip.receive({ key: `k${i}`, version: 1 });
    assert.equal(await a.gossip.pullFrom(b.url), 0);
    assert.deepEqual(b.gets, [], 'in sync: no list fetched at all');
    assert.equal(a.gossip.counters().pullsInSync, 1);
    b.gossip.receive({ key: 'k7', version: 2 });
    assert.equal(await a.gossip.pullFrom(b.url), 1);
    assert.equal(a.store.get('k7'), 2);
    assert.deepEqual(b.gets, [`/items?buckets=${bucketOf('k7')}`], 'only the bucket that differs');
    const inBucket = [...b.store.keys()].filter((k) => bucketOf(k) === bucketOf('k7')).length;
    assert.equal(a.gossip.counters().pulledItems, inBucket, 'only the items of that one bucket travelled');
    old.gossip.receive({ key: 'k9', version: 5 });
    assert.equal(await a.gossip.pullFrom(old.url), 1, 'no digest route (404): the whole list');
    assert.deepEqual(old.gets, ['/items']);
    assert.equal(a.store.get('k9'), 5);
    // A new peer differs in every non-empty bucket: it takes them all in one call.
    const fresh = await startPeer(() => [], { digest: true });
    peers.push(fresh);
    assert.equal(await fresh.gossip.pullFrom(a.url), 40);
    assert.equal(a.gets.length, 1);
  });

  it('a failed push is sent once more, to a peer not yet tried', async () => {
    const hang = createServer(() => {});
    servers.push(hang);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const good = await startPeer(() => []);
    peers.push(good);
    // Fanout 1 over [hanging, good]: whichever is picked first, `good` ends up with the item.
    for (let i = 0; i < 4; i++) {
      const g = createGossip<Item>({ path: '/items', pushPath: '/item', keyOf: (x) => x.key, offer: () => ({ accepted: true, fresh: true }), peers: () => [hangUrl, good.url], fanout: 1, antiEntropySec: 3_600, timeoutMs: 300 });
      g.publish({ key: `r${i}`, version: 1 });
      await until(`r${i} at the good peer`, async () => good.store.get(`r${i}`) === 1, 5_000, 20);
      await until('the pushes to settle', async () => g.pending() === 0, 5_000, 20);
      const c = g.counters();
      assert.equal(c.sent, 1);
      assert.equal(c.replaced, c.failed, 'each failure replaced once (only one other peer)');
      assert.ok(c.failed <= 1);
      g.stop();
    }
  });

  it('a digest kept item by item equals one computed from scratch, and any change shows', () => {
    const live = createBucketDigest();
    const items = new Map<string, string>();
    for (let i = 0; i < 300; i++) {
      const key = `0x${(i * 7919).toString(16).padStart(8, '0')}`;
      live.set(key, '1');
      items.set(key, '1');
      if (i % 3 === 0) live.digest(); // hashed in between: later changes must still show
    }
    const scratch = () => digestOf(items, ([k]) => k, ([, v]) => v);
    assert.deepEqual(live.digest(), scratch());
    const before = live.digest();
    live.set('0x00000000', '2');
    items.set('0x00000000', '2');
    live.delete(`0x${(7919 * 5).toString(16).padStart(8, '0')}`);
    items.delete(`0x${(7919 * 5).toString(16).padStart(8, '0')}`);
    assert.deepEqual(live.digest(), scratch());
    const changed = live.digest().flatMap((h, b) => (h !== before[b] ? [b] : []));
    assert.deepEqual(changed.sort((x, y) => x - y), [...new Set([bucketOf('0x00000000'), bucketOf(`0x${(7919 * 5).toString(16).padStart(8, '0')}`)])].sort((x, y) => x - y));
  });

  it('bucket queries from strangers are checked', () => {
    assert.deepEqual(parseBucketQuery(null), { ok: true, buckets: null });
    assert.deepEqual(parseBucketQuery('3,3,17'), { ok: true, buckets: new Set([3, 17]) });
    for (const bad of ['', '-1', `${DIGEST_BUCKETS}`, '1,,2', 'x', '1.5', '9'.repeat(5), '1,'.repeat(DIGEST_BUCKETS * 2)]) {
      const r = parseBucketQuery(bad);
      assert.equal(r.ok, false, bad);
      assert.match((r as { reason: string }).reason, /^buckets: /);
    }
  });

  it('is bounded: a hanging peer costs one timeout per call, and a full queue drops (counted)', async () => {
    // A peer that accepts connections and never answers.
    const hang = createServer(() => {});
    servers.push(hang);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const g = createGossip<Item>({
      path: '/items', pushPath: '/item', keyOf: (i) => i.key, offer: () => ({ accepted: true, fresh: true }),
      peers: () => [hangUrl], fanout: 4, antiEntropySec: 3_600, timeoutMs: 300, queueLimit: 2, concurrency: 1,
    });
    const started = Date.now();
    for (let i = 0; i < 5; i++) g.publish({ key: `k${i}`, version: 1 });
    assert.equal(g.counters().dropped, 3, 'queue of 2: three of five pushes dropped');
    assert.equal(await g.pullFrom(hangUrl), 0);
    await until('both queued pushes to time out', async () => g.counters().failed >= 3, 5_000, 20);
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    assert.equal(g.counters().sent, 0);
    g.stop();
  });
});
