/**
 * Message storage with real processes: anvil, 10 session-node processes in 2 swarms, two more
 * that register later. A client (the sdk's request builder, as a Session client signs) stores
 * through one member and retrieves from another; a member is killed with SIGKILL in the
 * middle of a run of stores and restarted, and every acknowledged message is then on every
 * member; two nodes join (the second join splits the network into 3 swarms) and every
 * account's messages end up on the members of its new swarm; a node that restarts having
 * dropped its database (and claims to be filled) fails the storage test.
 *
 * Storage rules here are ideal 4 / min 4 (10 nodes → 2 swarms of 5, 11 → 2, 12 → 3 of 4), so
 * one join splits; test periods are 20 s (12 nodes test 10 targets each within 60 requests
 * a minute: some go untested in a period, shuffled, which the storage check tolerates).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalSystem } from '../../devnet/testkit.ts';
import { spawnNode, type PreparedNode } from '../../devnet/network.ts';
import { prepareLocalNetwork } from '../../devnet/local-network.ts';
import { registerSoloNode } from '../../devnet/add-node.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { getJson, postJson, until } from '../../devnet/test-http.ts';
import { DEVNET_RULES, type MembershipRules } from '../../sdk/src/network/rules.ts';
import type { StorageRules } from '../../sdk/src/storage/rules.ts';
import { sessionKeysFromSeed, type SessionKeys } from '../../sdk/src/storage/account.ts';
import { buildParams, type Signer } from '../../sdk/src/storage/request-builder.ts';

const RULES: MembershipRules = { ...DEVNET_RULES, testPeriodSec: 20, decommissionAfterSec: 3600, recommissionAfterSec: 20, creditInitialSec: 3600, creditMaxSec: 86400 };
const STORAGE: StorageRules = { idealSwarmSize: 4, minSwarmSize: 4 };
const GENESIS = 10;

type Status = { swarm: string | null; members: string[]; filled: boolean; messages: number };

describe('message storage, real processes', { timeout: 600_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  let stopTicker = () => {};
  let deploymentsFile: string;
  const users: SessionKeys[] = Array.from({ length: 12 }, (_, i) => sessionKeysFromSeed(new Uint8Array(32).fill(i + 7)));
  /** Every acknowledged message: account → hashes. */
  const acked = new Map<string, Set<string>>();

  const startNode = (i: number, env: Record<string, string> = {}) => {
    procs[i] = spawnNode(nodes[i]!, { deploymentsFile, env });
    return procs[i]!.ready;
  };
  const status = async (i: number) => (await getJson(`${nodes[i]!.url}/storage/status`)).body as Status;
  const rpc = (url: string, method: string, params: Record<string, unknown>) => postJson(`${url}/storage_rpc/v1`, { method, params });
  const signer = (u: SessionKeys): Signer => ({ account: u.account, seed: u.seed, ed25519PublicKey: u.ed25519PublicKey });
  const nodeOfKey = (key: string) => nodes.findIndex((n) => n.ed25519.toLowerCase().slice(2) === key.toLowerCase().replace(/^0x/, ''));
  /** The members (node indexes) of a user's swarm, as node 0 answers get_swarm. */
  const swarmOf = async (u: SessionKeys) => ((await rpc(nodes[0]!.url, 'get_swarm', { pubkey: u.sessionId })).body.snodes as { pubkey_ed25519: string }[]).map((s) => nodeOfKey(s.pubkey_ed25519));
  const store = async (via: number, u: SessionKeys, text: string) => {
    const r = await rpc(nodes[via]!.url, 'store', buildParams.store({ to: u.sessionId, data: new TextEncoder().encode(text), timestamp: Date.now(), ttl: 3_600_000 }));
    if (r.status === 200) {
      if (!acked.has(u.sessionId)) acked.set(u.sessionId, new Set());
      acked.get(u.sessionId)!.add(r.body.hash);
    }
    return r;
  };
  const held = async (at: number, u: SessionKeys): Promise<Set<string>> => {
    const out = new Set<string>();
    let lastHash: string | undefined;
    for (;;) {
      const r = await rpc(nodes[at]!.url, 'retrieve', buildParams.retrieve(signer(u), { timestamp: Date.now(), ...(lastHash ? { lastHash } : {}) }));
      assert.equal(r.status, 200, `retrieve at node ${at}: ${JSON.stringify(r.body).slice(0, 200)}`);
      for (const m of r.body.messages) out.add(m.hash);
      if (!r.body.more || r.body.messages.length === 0) return out;
      lastHash = r.body.messages[r.body.messages.length - 1].hash;
    }
  };
  /** Every acknowledged message of every user is on every member of the user's swarm. */
  const everyAckedEverywhere = async () => {
    for (const u of users) {
      const want = acked.get(u.sessionId);
      if (!want) continue;
      for (const at of await swarmOf(u)) {
        const have = await held(at, u);
        const missing = [...want].filter((h) => !have.has(h));
        if (missing.length > 0) throw new Error(`node ${at} misses ${missing.length} of ${want.size} messages of ${u.sessionId.slice(0, 10)}…`);
      }
    }
    return true;
  };

  before(async () => {
    ({ sys, dir, deploymentsFile, nodes } = await prepareLocalNetwork({ count: GENESIS + 2, seeded: GENESIS, tmpPrefix: 'sesh-storage-net-', rules: RULES, storage: STORAGE }));
    stopTicker = startTicker(sys.rpc, 1);
    await Promise.all(nodes.slice(0, GENESIS).map((_, i) => startNode(i)));
  });

  after(async () => {
    stopTicker();
    await Promise.all(procs.map((p) => p?.stop()));
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('10 nodes make 2 swarms of 5, and every member fills', async () => {
    const all = await until('every node is in a swarm and filled', async () => {
      const s = await Promise.all(nodes.slice(0, GENESIS).map((_, i) => status(i)));
      return s.every((x) => x.swarm !== null && x.filled) && s;
    }, 90_000, 1_000);
    const sizes = new Map<string, number>();
    for (const s of all) sizes.set(s.swarm!, (sizes.get(s.swarm!) ?? 0) + 1);
    assert.deepEqual([...sizes.values()].sort(), [5, 5]);
  });

  it('a store through one member is retrieved from another, with every member\'s result', async () => {
    for (const u of users.slice(0, 6)) {
      const members = await swarmOf(u);
      assert.equal(members.length, 5);
      const r = await store(members[0]!, u, `hello ${u.sessionId.slice(0, 8)}`);
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
      assert.equal(Object.keys(r.body.swarm).length, 5, 'one entry per member');
      assert.ok(Object.values(r.body.swarm).every((e: any) => !e.failed), JSON.stringify(r.body.swarm).slice(0, 300));
      assert.ok((await held(members[3]!, u)).has(r.body.hash), 'retrieved from another member');
    }
    // A member outside the account's swarm answers 421 with the right swarm.
    const u = users[0]!;
    const members = await swarmOf(u);
    const outsider = nodes.slice(0, GENESIS).findIndex((_, i) => !members.includes(i));
    const wrong = await store(outsider, u, 'misdirected');
    assert.equal(wrong.status, 421);
  });

  it('kill -9 of a member mid-store: once it is back, every acknowledged message is on every member', async () => {
    const u = users[1]!;
    const members = await swarmOf(u);
    const [origin, victim] = [members[0]!, members[2]!];
    const sameSwarm = users.filter((x) => x !== u);
    const peers = [];
    for (const x of sameSwarm) if ((await swarmOf(x))[0] === members[0]) peers.push(x);
    const targets = [u, ...peers];
    let ok = 0;
    let failed = 0;
    // Four stores in flight at a time; the kill lands while some are under way.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < 60; i = next++) {
        if (i === 20) void procs[victim]!.kill9();
        const r = await store(origin, targets[i % targets.length]!, `run ${i}`);
        r.status === 200 ? ok++ : failed++;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.equal(ok, 60, `the origin acknowledges while one member is down (${failed} refused)`);
    await startNode(victim);
    await until('the restarted member is filled', async () => (await status(victim)).filled, 60_000, 500);
    await until('every acknowledged message is on every member', everyAckedEverywhere, 60_000, 2_000);
  });

  it('two nodes join, the second join splits into 3 swarms: every account\'s messages end up on its new swarm', async () => {
    const admin = sys.accounts[0]!;
    for (const i of [GENESIS, GENESIS + 1]) {
      await startNode(i);
      await registerSoloNode({ deployments: sys.deployments, privateKey: admin.privateKey, dataDir: nodes[i]!.dataDir });
      await until(`node ${i} is in a swarm and filled`, async () => {
        const s = await status(i);
        return s.swarm !== null && s.filled;
      }, 90_000, 1_000);
      // Store more, so each join moves messages stored after the last one too.
      for (const u of users) await store((await swarmOf(u))[0]!, u, `after join of ${i}`);
    }
    const all = await Promise.all(nodes.map((_, i) => status(i)));
    assert.equal(new Set(all.map((s) => s.swarm)).size, 3, 'the second join split the network');
    await until('every acknowledged message is on every member of its new swarm', everyAckedEverywhere, 90_000, 2_000);
    const total = [...acked.values()].reduce((n, s) => n + s.size, 0);
    assert.ok(total >= 6 + 60 + 24, `acknowledged ${total}`);
  });

  it('nodes that left an account\'s swarm drop it after the delay, and nothing acknowledged is lost', async () => {
    await until('some node dropped relocated accounts', async () => {
      const s = await Promise.all(nodes.map((_, i) => getJson(`${nodes[i]!.url}/storage/status`)));
      return s.some((x) => x.body.handoff.dropped > 0);
    }, 120_000, 2_000);
    // Once every relocation is dropped, each message is held exactly by its swarm's members.
    let expected = 0;
    for (const u of users) expected += (acked.get(u.sessionId)?.size ?? 0) * (await swarmOf(u)).length;
    await until(`the nodes hold ${expected} copies in all, one per member of each message's swarm`, async () => {
      const s = await Promise.all(nodes.map((_, i) => status(i)));
      return s.reduce((n, x) => n + x.messages, 0) === expected;
    }, 120_000, 2_000);
    await everyAckedEverywhere();
  });

  it('a node that dropped its database (and claims it is filled) fails the storage test', async () => {
    const victim = 4;
    const nodeId = (await getJson(`${nodes[victim]!.url}/info`)).body.nodeIds[0] as string;
    await procs[victim]!.stop();
    await startNode(victim, { SESSION_NODE_TEST_STORAGE_FAULT: 'drop-data' });
    assert.equal((await status(victim)).messages, 0, 'its database is empty');
    const report = await until('a tester reports a failed storage check', async () => {
      const reports = (await getJson(`${nodes[0]!.url}/network/reports?node=${nodeId}`)).body.reports as any[];
      // (A loaded machine can also time a test out; the failure looked for is the missing data.)
      return reports.find((r) => r.checks.storage === 'fail' && /storage: does not hold/.test(r.reason));
    }, 150_000, 2_000);
    assert.equal(report.ok, false);
    assert.equal(report.checks.reachable, 'pass', 'it is up: it fails for its storage');
    for (const i of [0, 5, GENESIS]) {
      const counters = (await getJson(`${nodes[i]!.url}/network/tests`)).body.counters;
      assert.ok(counters.requestsLastMinute <= 60, `node ${i} sent ${counters.requestsLastMinute} test requests in the last minute`);
    }
    // No healthy node was failed for missing or wrong data meanwhile.
    for (const i of [0, 1, 2]) {
      const id = (await getJson(`${nodes[i]!.url}/info`)).body.nodeIds[0] as string;
      const reports = (await getJson(`${nodes[0]!.url}/network/reports?node=${id}`)).body.reports as any[];
      assert.ok(!reports.some((r) => /does not hold|wrong proof/.test(r.reason ?? '')), `node ${i}: ${JSON.stringify(reports.map((r) => r.reason))}`);
    }
  });
});
