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
import { until } from '../../devnet/test-http.ts';

type Item = { key: string; version: number };

type Peer = { url: string; store: Map<string, number>; gossip: Gossip<Item>; server: JsonServer; from: (string | undefined)[] };

async function startPeer(peers: () => string[], options: { fanout?: number; queueLimit?: number; timeoutMs?: number; seeds?: string[] } = {}): Promise<Peer> {
  const store = new Map<string, number>();
  const from: (string | undefined)[] = [];
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
  });
  const server = createJsonServer({
    rateLimit: false,
    routes: [
      route('GET', '/items', () => ({ items: [...store].map(([key, version]) => ({ key, version })) })),
      route('POST', '/item', (r) => {
        const sender = r.headers['x-gossip-from'] as string | undefined;
        from.push(sender);
        const outcome = gossip.receive(r.body, sender);
        return outcome.accepted ? outcome : { accepted: false };
      }),
    ],
  });
  url = (await server.listen(0)).url;
  return { url, store, gossip, server, from };
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
