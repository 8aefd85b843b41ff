/**
 * npm run bench:storage: the storage node's numbers (issue 13 "Measured"), on this machine,
 * for one swarm of real session-node processes on a local chain:
 *   storesPerSecond        client stores accepted and acknowledged by every member (sdk client)
 *   sqliteInsertsPerSecond a bare better-sqlite3 insert loop, same schema, same run; and the ratio
 *   retrieveP50Ms/P99Ms    signed retrieves with the dataset (1,000,000 messages, 10,000 accounts) stored
 *   messagesStored         messages one member holds at the end
 *   rssMBPerNode           resident memory per node process at that size (the largest)
 *   diskBytesPerMessage    a member's database file + WAL over its messages
 *   joinFillSeconds        a node registered mid-run until it holds its swarm's messages
 *   startupFillSeconds     (extra) from start until every node says it is level with its peers
 *                          (each compares per-account digests with every peer; nothing differs here)
 *   nodeCpuMsPerStore      (extra) CPU the node processes spent per replicated store (all members,
 *                          background work included): the figure that does not depend on how busy
 *                          the machine is with other work, where storesPerSecond does
 * The dataset is bulk-loaded straight into each node's database file, through the node's own
 * schema and indexes, before the nodes start (`loadMethod` in the JSON; bench/storage/dataset.ts);
 * everything after that goes through the nodes' HTTP RPC.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bareSqliteInserts } from './storage/sqlite.ts';
import { buildDataset, installDataset, nodeDbPath } from './storage/dataset.ts';
import { cpuMs, dbDiskBytes, rssMB, startStorageCluster, storageServed, type StorageCluster } from './storage/cluster.ts';
import { retrieveLatency, storedMessages, storeLoad } from './storage/load.ts';
import { createStorageClient } from '../sdk/src/storage/client.ts';
import { until } from '../devnet/test-http.ts';

const usage = `Usage: npm run bench:storage [-- options]

Runs anvil and a 5-node swarm of session-node processes, loads the dataset into each node's
database, then measures stores, retrieves, memory, disk and a join. Progress goes to stderr.

Options:
  --small            a quick smoke run (200 accounts, 20,000 messages, 5 s of stores)
  --nodes N          swarm members (default 5; the devnet rules make one swarm up to 7)
  --accounts N       accounts in the dataset (default 10000)
  --messages N       messages in the dataset (default 1000000)
  --data-bytes N     bytes per message (default 256)
  --store-seconds N  length of the store load (default 30)
  --concurrency N    stores in flight (default 32)
  --retrieves N      timed retrieves (default 3000)
  --sqlite-inserts N inserts in the bare SQLite loop (default 20000)
  --no-join          skip the join-fill measurement
  --out FILE         where to write the JSON (default bench/storage.json)
  --help             show this help`;

const { values } = parseArgs({
  options: {
    small: { type: 'boolean', default: false },
    nodes: { type: 'string' },
    accounts: { type: 'string' },
    messages: { type: 'string' },
    'data-bytes': { type: 'string' },
    'store-seconds': { type: 'string' },
    concurrency: { type: 'string' },
    retrieves: { type: 'string' },
    'sqlite-inserts': { type: 'string' },
    'no-join': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/storage.json' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const small = values.small!;
const num = (v: string | undefined, full: number, quick: number) => {
  const n = Number(v ?? (small ? quick : full));
  if (!Number.isSafeInteger(n) || n <= 0) {
    console.error(`bench:storage: expected a positive integer, got ${v}\n\n${usage}`);
    process.exit(2);
  }
  return n;
};
const config = {
  nodes: num(values.nodes, 5, 5),
  accounts: num(values.accounts, 10_000, 200),
  messages: num(values.messages, 1_000_000, 20_000),
  dataBytes: num(values['data-bytes'], 256, 256),
  storeSeconds: num(values['store-seconds'], 30, 5),
  concurrency: num(values.concurrency, 32, 8),
  retrieves: num(values.retrieves, 3_000, 200),
  sqliteInserts: num(values['sqlite-inserts'], 20_000, 2_000),
  join: !values['no-join'],
};
const TTL_MS = 14 * 86_400_000;
const log = (line: string) => console.error(`bench: ${line}`);
const round = (x: number | undefined, digits = 1) => (x === undefined ? null : Number(x.toFixed(digits)));

/** Whether a node says it holds its swarm's messages (a completed pull since it started). */
async function statusOf(url: string): Promise<{ filled?: unknown; handoff?: { digestsCompared?: number; accountsPulled?: number; pulled?: number } }> {
  const response = await fetch(`${url}/storage/status`, { signal: AbortSignal.timeout(10_000) });
  return response.ok ? ((await response.json()) as { filled?: unknown }) : {};
}
const filledOf = async (url: string) => (await statusOf(url)).filled === true;

const dir = mkdtempSync(join(tmpdir(), 'sesh-bench-storage-'));
const missing: string[] = [];
let cluster: StorageCluster | undefined;
// Interrupted: stop the chain and the nodes (they would outlive the bench), then leave.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the nodes and the chain…`);
    void (cluster?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
let exitCode = 0;
const result: Record<string, unknown> = {};
try {
  log(`bare SQLite loop: ${config.sqliteInserts} inserts, one commit each…`);
  const sqlite = bareSqliteInserts({ dir, count: config.sqliteInserts, dataBytes: config.dataBytes, accounts: config.accounts });
  log(`bare SQLite: ${Math.round(sqlite.insertsPerSecond)} inserts/s`);
  result.sqliteInsertsPerSecond = round(sqlite.insertsPerSecond);

  log(`dataset: ${config.messages} messages over ${config.accounts} accounts…`);
  const dataset = buildDataset({ dir, accounts: config.accounts, messages: config.messages, dataBytes: config.dataBytes, ttlMs: TTL_MS, log });
  log(`dataset built in ${dataset.seconds.toFixed(1)} s (${(dataset.fileBytes / 1024 / 1024).toFixed(0)} MB)`);

  cluster = await startStorageCluster({ dir, count: config.nodes, beforeStart: (node) => installDataset(dataset, node.dataDir), log });
  const urls = cluster.nodes.map((n) => n.url);
  const served = await storageServed(urls[0]!);
  if (!served.ok) throw new Error(`the session node does not serve the storage RPC yet (POST /storage_rpc/v1 info answered ${served.status}: ${served.text}); main.ts must wire node/src/storage`);

  log('waiting until a node names the whole swarm with URLs…');
  const probe = createStorageClient({ seedUrls: urls });
  await until(`get_swarm lists ${config.nodes} members`, async () => (await probe.swarmOf(dataset.accounts[0]!.sessionId, true)).length === config.nodes, 120_000, 1_000);
  // A node that starts pulls its swarm's messages from every member (it may be back from
  // downtime); the figures below are for a settled swarm, so wait for every node's fill.
  log('waiting until every node has filled from its peers (GET /storage/status)…');
  const settleStarted = Date.now();
  const settleLimitMs = small ? 300_000 : 900_000;
  try {
    await until('every node filled', async () => (await Promise.all(urls.map((u) => filledOf(u)))).every(Boolean), settleLimitMs, 2_000);
    result.startupFillSeconds = round((Date.now() - settleStarted) / 1000);
    const handoffs = (await Promise.all(urls.map((u) => statusOf(u)))).map((s) => s.handoff ?? {});
    result.startupFill = {
      digestsCompared: handoffs.reduce((n, h) => n + (h.digestsCompared ?? 0), 0),
      accountsPulled: handoffs.reduce((n, h) => n + (h.accountsPulled ?? 0), 0),
      messagesPulled: handoffs.reduce((n, h) => n + (h.pulled ?? 0), 0),
    };
    log(`settled in ${result.startupFillSeconds} s (${JSON.stringify(result.startupFill)})`);
  } catch {
    missing.push(`the nodes had not all filled from their peers ${settleLimitMs / 1000} s after start (startup pull of ${config.messages} messages from ${config.nodes - 1} peers each); the figures below were measured during that pull`);
  }

  log(`retrieve latency: ${config.retrieves} signed retrieves…`);
  const retrieve = await retrieveLatency({ urls, accounts: dataset.accounts, count: config.retrieves, log });
  if (retrieve.emptyAnswers > 0) missing.push(`${retrieve.emptyAnswers} of ${retrieve.retrieves} retrieves returned no messages (every account holds ${config.messages / config.accounts})`);

  log(`store load: ${config.storeSeconds} s, ${config.concurrency} in flight…`);
  const cpuBefore = cluster.procs.map((p) => cpuMs(p.child.pid) ?? 0);
  // The bench's own CPU too: a client that saturates its core caps the figure, not the nodes.
  const clientCpuBefore = process.cpuUsage();
  const stores = await storeLoad({ urls, swarmSize: config.nodes, to: dataset.accounts.slice(0, 200), seconds: config.storeSeconds, concurrency: config.concurrency, dataBytes: config.dataBytes, ttlMs: TTL_MS, log });
  if (stores.failures.length > 0) log(`store failures (first ${stores.failures.length}): ${stores.failures.join(' | ')}`);

  const storeCpuMs = cluster.procs.reduce((sum, p, i) => sum + (cpuMs(p.child.pid) ?? 0) - cpuBefore[i]!, 0);
  const nodeCpuMsPerStore = stores.fullyReplicated > 0 ? storeCpuMs / stores.fullyReplicated : undefined;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const clientCpuShare = (clientCpu.user + clientCpu.system) / 1000 / (stores.seconds * 1000);
  log(`stores: ${Math.round(stores.storesPerSecond)}/s fully replicated; the nodes used ${round(nodeCpuMsPerStore, 2)} CPU-ms per store (${round(storeCpuMs / stores.seconds, 0)} CPU-ms/s in all); the bench client used ${round(clientCpuShare * 100, 0)}% of a core`);
  const rss = cluster.procs.map((p) => rssMB(p.child.pid));
  const counts = cluster.nodes.map((n) => storedMessages(nodeDbPath(n.dataDir)));
  const disk = dbDiskBytes(cluster.nodes[0]!.dataDir);

  let joinFillSeconds: number | undefined;
  if (config.join) {
    log('join: registering one more node and waiting until it holds the swarm’s messages…');
    const target = Math.min(...counts);
    const at = await cluster.join();
    const joinerDb = nodeDbPath(cluster.joiner.dataDir);
    const limitMs = small ? 180_000 : 900_000;
    try {
      await until('the joined node holds every message', async () => {
        try {
          return storedMessages(joinerDb) >= target;
        } catch {
          return false; // its database is not created yet
        }
      }, limitMs, 1_000);
      joinFillSeconds = (Date.now() - at) / 1000;
    } catch {
      let held = 0;
      try {
        held = storedMessages(joinerDb);
      } catch {
        // never created
      }
      missing.push(`the joined node held ${held} of ${target} messages after ${limitMs / 1000} s (fill on join)`);
    }
  }

  Object.assign(result, {
    storesPerSecond: round(stores.storesPerSecond),
    sqliteInsertsPerSecond: round(sqlite.insertsPerSecond),
    ratio: round(stores.storesPerSecond / sqlite.insertsPerSecond, 3),
    retrieveP50Ms: round(retrieve.p50Ms, 2),
    retrieveP99Ms: round(retrieve.p99Ms, 2),
    messagesStored: counts[0],
    rssMBPerNode: round(Math.max(...rss.filter((x): x is number => x !== undefined))),
    diskBytesPerMessage: round(disk / counts[0]!),
    joinFillSeconds: round(joinFillSeconds),
    nodeCpuMsPerStore: round(nodeCpuMsPerStore, 2),
    loadMethod: `${config.messages} messages bulk-loaded into one database file through the node's own schema and indexes (openMessageDb), copied to every member before start; stores, retrieves, the startup fill and the join go through the nodes' HTTP routes`,
    loadAverage: loadavg().map((x) => round(x, 2)),
    detail: { config, sqlite, dataset: { accounts: config.accounts, messages: config.messages, dataBytes: config.dataBytes, buildSeconds: round(dataset.seconds), loadedDirectly: true }, stores, retrieve, rssMB: rss.map((x) => round(x)), messagesPerNode: counts },
  });
} catch (error) {
  missing.push((error as Error).message);
  exitCode = 1;
} finally {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}
const out = { ...result, missing, machine: { cpus: cpus().length, node: process.version }, at: new Date().toISOString() };
writeFileSync(values.out!, `${JSON.stringify(out, null, 2)}\n`);
for (const field of ['storesPerSecond', 'sqliteInsertsPerSecond', 'ratio', 'retrieveP50Ms', 'retrieveP99Ms', 'messagesStored', 'rssMBPerNode', 'diskBytesPerMessage', 'joinFillSeconds']) {
  console.log(`${field.padEnd(24)} ${result[field] ?? 'not measured'}`);
}
if (missing.length > 0) console.log(`missing: ${missing.join('; ')}`);
console.log(`wrote ${values.out}`);
process.exit(exitCode);
