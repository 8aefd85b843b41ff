/**
 * Membership with real processes on loopback (anvil, 4 session-node processes seeded at
 * genesis, the gateway): nodes find each other from the deployments file's two seeds alone,
 * through signed, gossiped announcements; a node restarted on a new port is found there by
 * everyone (the newer timestamp wins, no waiting for expiry); forged and malformed
 * announcements are refused by every node with a reason and change nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hex } from 'viem';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { signAnnouncement, type Announcement, type AnnouncementFields } from '../../sdk/src/network/announcement.ts';
import { DEVNET_RULES } from '../../sdk/src/network/rules.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, prepareNodes, seedPreparedNodes, spawnGateway, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { freePort } from '../../devnet/anvil.ts';
import { generateEd25519Identity, loadOrCreateEd25519Key, type Ed25519Identity } from '../../core/keys/ed25519.ts';
import { getJson, postJson, until } from '../../devnet/test-http.ts';
import { bucketOf, DIGEST_BUCKETS } from '../../core/membership/digest.ts';

const NODES = 4;
// No votes, no checkpoints: this test is about who knows where everyone is.

describe('announcements between real session-node processes', { timeout: 180_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  let secrets: Ed25519Identity[];
  let deploymentsFile: string;
  const procs: Supervised[] = [];
  let gateway: Supervised | undefined;
  let gatewayUrl: string;

  const listOf = async (url: string) => ((await getJson(`${url}/network/announcements`)).body.announcements as Announcement[]);
  const urlsOf = async (url: string) => new Map((await listOf(url)).map((a) => [a.ed25519PublicKey, `http://${a.host}:${a.httpPort}`]));
  const everyone = () => [...nodes.map((n) => n.url), gatewayUrl];
  const fields = (i: number, over: Partial<AnnouncementFields> = {}): AnnouncementFields => ({
    chainId: sys.deployments.chainId,
    contract: sys.deployments.contracts.SessionStaking!,
    ed25519PublicKey: nodes[i]!.ed25519,
    host: '127.0.0.1',
    httpPort: nodes[i]!.port,
    software: 'test',
    timestamp: Math.floor(Date.now() / 1000),
    ...over,
  });

  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    dir = mkdtempSync(join(tmpdir(), 'sesh-announce-'));
    deploymentsFile = join(dir, 'deployments.json');
    const admin = await sys.as(0);
    nodes = await prepareNodes({ dir, count: NODES, deployments: sys.deployments, operator: admin.account.address });
    secrets = nodes.map((n) => loadOrCreateEd25519Key(join(n.dataDir, 'keys')).identity);
    // Only the first two are seeds: the others must be found through gossip.
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes.slice(0, 2)));
    await seedPreparedNodes(admin, sys.deployments, nodes);
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    const keyFile = join(dir, 'submitter.key');
    await gatewaySubmitter(sys.rpc, keyFile);
    for (const [i, node] of nodes.entries()) procs[i] = spawnNode(node, { deploymentsFile });
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile, port: await freePort(), checkpointInterval: 'off', extra: ['--deregistration-interval', 'off'] });
    [gatewayUrl] = await Promise.all([gateway.ready, ...procs.map((p) => p.ready)]);
  });

  after(async () => {
    await Promise.all([...procs.map((p) => p.stop()), gateway?.stop()]);
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every node and the gateway learn every node\'s announcement from the two seeds alone', async () => {
    const started = Date.now();
    const expected = new Map(nodes.map((n) => [n.ed25519, n.url]));
    for (const url of everyone()) {
      await until(`${url} to know all ${NODES} nodes`, async () => {
        const urls = await urlsOf(url);
        return urls.size === NODES && [...expected].every(([k, u]) => urls.get(k) === u);
      }, 40_000);
    }
    console.log(`all ${NODES} nodes and the gateway knew every announcement ${Date.now() - started} ms after the last process was ready`);
    // Each one's own announcement verifies as signed by the node it names (the directory checked it; so do we).
    for (const a of await listOf(nodes[3]!.url)) assert.equal(a.chainId, sys.deployments.chainId);
    // Same entries, same digest everywhere (anti-entropy between them then fetches nothing),
    // and a digest bucket's query answers exactly that bucket's entries.
    const digests = await Promise.all(everyone().map(async (url) => (await getJson(`${url}/network/announcements/digest`)).body as { buckets: number; digest: string[] }));
    for (const d of digests) assert.deepEqual(d, digests[0]);
    assert.equal(digests[0]!.digest.length, DIGEST_BUCKETS);
    assert.ok(digests[0]!.digest.filter(Boolean).length >= 1 && digests[0]!.digest.filter(Boolean).length <= NODES, 'one non-empty bucket per node at most');
    const full = await listOf(nodes[0]!.url);
    const some = [...new Set(full.slice(0, 2).map((a) => bucketOf(a.ed25519PublicKey)))];
    const inSome = (await getJson(`${nodes[0]!.url}/network/announcements?buckets=${some.join(',')}`)).body.announcements as Announcement[];
    assert.deepEqual(inSome, full.filter((a) => some.includes(bucketOf(a.ed25519PublicKey))));
  });

  it('refuses forged announcements at every node with a reason, and changes nothing', async () => {
    const before = await Promise.all(everyone().map(listOf));
    const stranger = generateEd25519Identity();
    const now = Math.floor(Date.now() / 1000);
    const valid = signAnnouncement(fields(1, { timestamp: now - 5 }), secrets[1]!.secretKey);
    const forgeries: [string, unknown, RegExp][] = [
      ['a changed host', { ...valid, host: '203.0.113.66' }, /signature is not/],
      ['node 1\'s id signed by node 2\'s key', { ...signAnnouncement(fields(2, { host: '203.0.113.66' }), secrets[2]!.secretKey), ed25519PublicKey: nodes[1]!.ed25519 }, /signature is not/],
      ['an expired timestamp', signAnnouncement(fields(1, { timestamp: now - DEVNET_RULES.announcementMaxAgeSec - 30, host: '203.0.113.66' }), secrets[1]!.secretKey), /expired/],
      ['a future timestamp', signAnnouncement(fields(1, { timestamp: now + 3_600, host: '203.0.113.66' }), secrets[1]!.secretKey), /in the future/],
      ['an unregistered key', signAnnouncement({ ...fields(1), ed25519PublicKey: stranger.nodeId }, stranger.secretKey), /not a registered node/],
      ['another chain', signAnnouncement(fields(1, { chainId: 1, host: '203.0.113.66' }), secrets[1]!.secretKey), /for chain 1/],
      ['another contract', signAnnouncement(fields(1, { contract: '0x0000000000000000000000000000000000000001', host: '203.0.113.66' }), secrets[1]!.secretKey), /SessionStaking/],
    ];
    for (const url of everyone()) {
      for (const [what, body, reason] of forgeries) {
        const r = await postJson(`${url}/network/announce`, body);
        assert.equal(r.status, 400, `${url}: ${what}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error, 'announcement_refused');
        assert.match(r.body.reason, reason, `${url}: ${what}`);
      }
      // Valid but older than what it holds: accepted, not fresh, kept as it was.
      const stale = await postJson(`${url}/network/announce`, signAnnouncement(fields(1, { timestamp: now - 80, host: '203.0.113.66' }), secrets[1]!.secretKey));
      assert.deepEqual([stale.status, stale.body], [200, { accepted: true, fresh: false }], url);
    }
    const afterwards = await Promise.all(everyone().map(listOf));
    assert.deepEqual(afterwards, before, 'no list changed');
  });

  it('answers bad input to both routes with a 4xx and a reason', async () => {
    const url = nodes[2]!.url;
    const valid = signAnnouncement(fields(2, { timestamp: Math.floor(Date.now() / 1000) - 5 }), secrets[2]!.secretKey);
    const bad: [string, unknown, string | undefined, number, RegExp][] = [
      ['not JSON', undefined, '{nope', 400, /not valid JSON/],
      ['an array', [valid], undefined, 400, /JSON object/],
      ['a missing field', { ...valid, signature: undefined }, undefined, 400, /signature/],
      ['an extra field', { ...valid, url: 'http://x' }, undefined, 400, /unknown field url/],
      ['a port out of range', { ...valid, httpPort: 70_000 }, undefined, 400, /httpPort/],
      ['a host with a scheme', { ...valid, host: 'http://evil.example' }, undefined, 400, /host/],
      ['a body over the node limit (512 KiB)', { ...valid, software: 'x'.repeat(600_000) }, undefined, 413, /exceeds/],
    ];
    for (const [what, body, raw, status, reason] of bad) {
      const r = await postJson(`${url}/network/announce`, body, raw);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.reason, reason, what);
    }
    const empty = await fetch(`${url}/network/announce`, { method: 'POST' });
    assert.equal(empty.status, 400);
    assert.equal(((await empty.json()) as { error: string }).error, 'announcement_refused');
    assert.equal((await fetch(`${url}/network/announcements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 405);
    assert.equal((await getJson(`${url}/network/announce`)).status, 405);
    for (const q of ['', 'x', '-1', `${DIGEST_BUCKETS}`, '1,,2', '1'.repeat(9)]) {
      const r = await getJson(`${url}/network/announcements?buckets=${q}`);
      assert.equal(r.status, 400, `buckets=${q}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'bad_buckets');
      assert.match(r.body.reason, /^buckets: /);
    }
    assert.equal((await fetch(`${url}/network/announcements/digest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 405);
  });

  it('a node restarted on a new port is found there by every node and the gateway, without waiting for expiry', async () => {
    const moved = nodes[3]!;
    await procs[3]!.stop();
    const port = await freePort();
    const next = { ...moved, port, url: `http://127.0.0.1:${port}` };
    procs[3] = spawnNode(next, { deploymentsFile });
    await procs[3].ready;
    const ready = Date.now();
    // Nodes hear it pushed (the restarted node pushes to its peers at once); the gateway is
    // nobody's peer and pulls it at its next anti-entropy round.
    const switched = async (url: string, ms: number) => {
      await until(`${url} to switch node 3 to port ${port}`, async () => (await urlsOf(url)).get(moved.ed25519 as Hex) === next.url, ms, 100);
      return Date.now() - ready;
    };
    const nodeMs = await Promise.all([...nodes.slice(0, 3).map((n) => n.url), next.url].map((url) => switched(url, 10_000)));
    const gatewayMs = await switched(gatewayUrl, (2 * DEVNET_RULES.antiEntropySec + 5) * 1000);
    console.log(`after node 3 restarted on a new port: nodes used its new URL within ${Math.max(...nodeMs)} ms, the gateway within ${gatewayMs} ms (announcements expire after ${DEVNET_RULES.announcementMaxAgeSec} s)`);
    nodes[3] = next;
  });
});
