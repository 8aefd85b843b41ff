/**
 * session-node: one Session node. Loads (or creates) its keys, follows the staking contracts,
 * keeps the reward ledger, tests its peers, answers signing requests over HTTP, and serves
 * name resolution and signed Session Pro proofs.
 *
 *   session-node --deployments FILE --data-dir DIR --http-port PORT [options]   (run)
 *   session-node status [--url URL | --config FILE]
 *   session-node prepare-registration --operator 0x… --deployments FILE --data-dir DIR
 *   session-node --help
 */
import { mkdirSync } from 'node:fs';
import { createPublicClient, custom, isAddress, type Address, type PublicClient } from 'viem';
import { g1ToHex } from '../../sdk/src/bls/index.ts';
import { prepareRegistration } from '../../sdk/src/staking/registration.ts';
import { contractAddress, readDeployments } from '../../sdk/src/deployments.ts';
import { createRpcPool } from '../../core/chain/rpc.ts';
import { defaultPollIntervalMs } from '../../core/chain/tracker.ts';
import { chainConnectionOf, createChainClock } from '../../core/chain/chain-health.ts';
import { DAEMON_HELP, DaemonConfigError, daemonArgv, parseDaemonArgs, resolveDaemonConfig, type ResolvedDaemonConfig } from './daemon-config.ts';
import { createJsonServer, route } from '../../core/http/server.ts';
import { createMetrics } from '../../core/http/metrics.ts';
import { addFollowerGauges } from '../../core/state/follower-metrics.ts';
import { loadOrCreateBlsKey, loadBlsKeyFile } from '../../core/keys/bls.ts';
import { loadOrCreateEd25519Key } from '../../core/keys/ed25519.ts';
import { nameRoutes } from './names/routes.ts';
import { proRoutes } from './pro/routes.ts';
import { peerTestRoute } from './peers/http.ts';
import { createTesting } from './testing/index.ts';
import { createGossip } from '../../core/membership/gossip.ts';
import { downtimeCredit } from '../../core/state/credit.ts';
import type { TestReport } from '../../sdk/src/network/test-report.ts';
import { testingRoutes } from './testing/routes.ts';
import { minCheckpointIntervalSource } from './signing/checkpoint-interval.ts';
import { signerIdentity, signingRoutes, ownNodeIds } from './signing/routes.ts';
import { ledgerRootRoute } from './testing/ledger-route.ts';
import { followNetwork } from '../../core/state/follow.ts';
import { isActive } from '../../core/state/network-state.ts';
import { chainHealth } from '../../core/state/health.ts';
import { join, resolve } from 'node:path';
import { statusRoute, type StatusProviders } from './status/route.ts';
import { periodOf } from './testing/assignment.ts';
import { statusCommand } from './status/command.ts';
import { startMembership } from '../../core/membership/membership.ts';
import { announcementUrl } from '../../sdk/src/network/announcement.ts';
import { extractRunnerArgs, RUNNER_HELP, startNodeRounds, type RunnerArgs } from './rounds-runner.ts';
import { storageRules } from '../../sdk/src/storage/rules.ts';
import { createSwarmView } from './storage/swarm-view.ts';
import { createStorage } from './storage/index.ts';
import { createReplication, type StorageFault } from './storage/replication.ts';

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

/** Misbehaviour for the storage-test fault tests only (node/src/storage/replication.ts). */
function storageFault(value: string | undefined): { fault?: StorageFault } {
  if (value === undefined || value === '') return {};
  if (value !== 'drop-data' && value !== 'wrong-proof') throw new DaemonConfigError(`SESSION_NODE_TEST_STORAGE_FAULT must be drop-data or wrong-proof, got "${value}"`);
  log(`storage: TEST FAULT ${value} is on: this node misbehaves on purpose`);
  return { fault: value };
}

function prepareRegistrationCommand(argv: string[]): void {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const operator = get('--operator');
  const deploymentsFile = get('--deployments');
  const keyDir = get('--key-dir') ?? (get('--data-dir') ? join(get('--data-dir')!, 'keys') : undefined);
  if (!operator || !isAddress(operator)) throw new DaemonConfigError('prepare-registration: --operator 0x… (the wallet that will send the registration) is required');
  if (!deploymentsFile) throw new DaemonConfigError('prepare-registration: --deployments FILE is required (the PoP is bound to the chain and contract)');
  if (!keyDir) throw new DaemonConfigError('prepare-registration: --data-dir DIR or --key-dir DIR is required');
  const deployments = readDeployments(resolve(deploymentsFile));
  const { keyPair } = loadOrCreateBlsKey(resolve(keyDir));
  const { identity } = loadOrCreateEd25519Key(resolve(keyDir));
  const payload = prepareRegistration({
    keyPair,
    operator: operator as Address,
    ed25519SecretKey: identity.secretKey, // signs the registration: nobody can register this identity for another node
    ed25519PublicKey: identity.nodeId,
    chainId: deployments.chainId,
    contract: contractAddress(deployments, 'SessionStaking'),
  });
  process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
}

async function run(config: ResolvedDaemonConfig, runnerArgs?: RunnerArgs): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const bls = loadOrCreateBlsKey(config.keyDir);
  const ed = loadOrCreateEd25519Key(config.keyDir);
  if (bls.created || ed.created) log(`created new keys in ${config.keyDir} (ed25519 ${ed.identity.nodeId})`);
  const identities = [signerIdentity(bls.keyPair), ...config.extraBlsKeys.map((p) => signerIdentity(loadBlsKeyFile(p)))];

  const rpc = createRpcPool({ urls: config.rpcUrls });
  const { tracker, network, contracts } = await followNetwork({
    deployments: config.deployments,
    rpc,
    dataDir: config.dataDir,
    confirmations: config.confirmations,
    chunkSize: config.chunkSize,
    pollIntervalMs: config.pollIntervalMs,
    log,
  });
  const chainId = config.deployments.chainId;
  // Where peers answer comes from their signed, gossiped announcements (core/membership).
  const membership = startMembership({
    deployments: config.deployments,
    network,
    contract: contracts.staking,
    dataDir: config.dataDir,
    identity: ed.identity,
    log,
  });
  const rules = membership.rules;
  // Message storage (node/src/storage): the chain's swarms, this node's message database and
  // RPC, and replication (forwarding, handoff, the storage test the testing loop runs).
  const swarmView = createSwarmView({ network, urlOf: membership.directory.urlOf, ownKey: ed.identity.nodeId, rules: storageRules(config.deployments) });
  const storage = createStorage({ dataDir: config.dataDir, identity: ed.identity, swarmView, limits: { maxBytes: config.storageMaxBytes, maxAccountBytes: config.storageAccountMaxBytes }, synchronous: config.storageSync, log });
  const replication = createReplication({
    db: storage.db, swarmView, identity: ed.identity, urlOf: membership.directory.urlOf, testPeriodSec: rules.testPeriodSec, log,
    ...storageFault(process.env.SESSION_NODE_TEST_STORAGE_FAULT),
  });
  storage.context.forward = replication.forward;
  const testing = createTesting({
    network,
    chainId,
    contract: contracts.staking,
    identity: ed.identity,
    rules,
    urlOf: membership.directory.urlOf,
    creditLeft: (node, chainNow) => downtimeCredit(node, chainNow, rules),
    publish: (report) => void reportGossip.publish(report, true),
    storage: replication.checker,
    log,
  });
  // Signed test reports travel by the same generic gossip as announcements (failures, reports
  // about decommissioned nodes, changed results: loop.ts); the store decides what it accepts.
  const reportGossip = createGossip<TestReport>({
    path: '/network/reports',
    field: 'reports',
    keyOf: (r) => `${r.period}/${r.tester}/${r.tested}`,
    offer: testing.store.offer,
    peers: () => [...membership.directory.urls().values()],
    self: () => membership.directory.urlOf(ed.identity.nodeId),
    fanout: rules.gossipFanout,
    antiEntropySec: rules.antiEntropySec,
    log,
  });
  // Its own pool with few attempts: a contract without the function reverts, and a revert
  // must not be retried for seconds by the tracker's patient pool.
  const minCheckpointInterval = minCheckpointIntervalSource(createRpcPool({ urls: config.rpcUrls, maxAttempts: 2 }).request, contracts.rewards, log);
  void minCheckpointInterval().catch((e) => log(`signing: ${(e as Error).message}`));
  // Chain time for /sign/*: a latest-block read cached for a second, through a pool that
  // fails fast (one attempt, short timeout), so an RPC outage is a quick 503, not a hang.
  const fastRpc = createRpcPool({ urls: config.rpcUrls, timeoutMs: 1_500, maxAttempts: 1 });
  const chainNow = createChainClock({ request: fastRpc.request }).now;
  // Pro proofs read the chain's time live: a proof must never be issued for a subscription that just expired.
  const liveChainNow = createChainClock({ request: fastRpc.request, freshMs: 0 }).now;
  const chainConnection = chainConnectionOf(tracker, { pollIntervalMs: config.pollIntervalMs ?? defaultPollIntervalMs(config.rpcUrls) });
  // Name and Pro reads go through the same RPC pool (failover, retries) as the tracker.
  const client = createPublicClient({ transport: custom({ request: ({ method, params }) => rpc.request(method, params as unknown[] | undefined) }) }) as PublicClient;

  // Parts of GET /status that other modules provide, filled in as they land.
  const statusProviders: StatusProviders = {
    commission: (n) => ({ decommissioned: n.decommissionedAt !== null, decommissionedAt: n.decommissionedAt?.toString() ?? null, missedCheckpoints: n.missedCheckpoints }),
    // Chain time of the last processed block: the credit every node computes for it.
    credit: (n) => downtimeCredit(n, BigInt(network.view().time), rules),
    // Who tests it this period, their latest signed reports and the majority's verdict (node/src/testing).
    tests: (n) => {
      if (n === null) return { testers: [], results: [], verdict: null };
      const testers = testing.book.at(periodOf(Date.now() / 1000, rules.testPeriodSec)).testersOf(n.nodeId).map(String);
      const results = testing.store.about(n.nodeId).slice(0, 10).map((r) => ({ tester: r.tester, passed: r.ok, at: r.at, ...(r.reason ? { reason: r.reason } : {}) }));
      const j = testing.ladder.judgmentOf(n.nodeId);
      return { testers, results, verdict: j.failing ? `failing: ${j.why.failing}` : j.passing ? 'passing' : `not decided yet: ${j.why.passing}` };
    },
    // Its own entry as the directory holds it (accepted only once registered); knownBy is not measured.
    announcement: () => {
      const own = membership.directory.of(ed.identity.nodeId);
      return { own: own ? { url: announcementUrl(own), timestamp: own.timestamp, software: own.software } : null, knownBy: null, directorySize: membership.directory.list().length };
    },
  };
  const health = () => {
    const chain = chainConnection();
    const h = chainHealth(tracker.status(), network.view().state);
    return { ok: h.ok && chain.ok, reason: h.reason ?? (chain.ok ? null : `the chain connection is stalled: ${chain.lastError}`) };
  };
  // Registered peers by ed25519 key, for their own rate-limit bucket (core/http/node-auth.ts);
  // rebuilt only when the chain view moves on.
  let peerKeys = { height: -1, keys: new Set<string>() };
  const isPeer = (key: string) => {
    const v = network.view();
    if (v.height !== peerKeys.height) peerKeys = { height: v.height, keys: new Set([...v.state.nodes.values()].filter(isActive).map((n) => n.ed25519Key.toLowerCase())) };
    return peerKeys.keys.has(key);
  };

  const metrics = createMetrics({ prefix: 'session_node_' });
  addFollowerGauges(metrics, { status: tracker.status, network, connectionOk: () => chainConnection().ok });
  membership.addGauges(metrics);
  storage.gauges(metrics);
  metrics.gauge('test_requests_last_minute', 'HTTP requests this node sent to test its targets in the last minute (capped at 60)', () => testing.loop.counters().requestsLastMinute);
  metrics.gauge('test_reports_held', 'Signed test reports held for the judgment window', () => testing.store.size());
  metrics.gauge('test_reports_gossip_refused', 'Test reports refused from gossip (since start)', () => reportGossip.counters().refused);
  const api = createJsonServer({
    log,
    rateLimit: { capacity: 200, refillPerSecond: 100 },
    // A commission request carries its evidence (signed reports): more than the default 64 KiB.
    bodyLimit: 512 * 1024,
    // Strangers together get at most this much; each registered peer has its own bucket.
    anonymousTotal: { capacity: 400, refillPerSecond: 200 },
    peerAuth: { isPeer, rateLimit: { capacity: 100, refillPerSecond: 50 } },
    observe: metrics.observe,
    routes: [
      metrics.route,
      ...storage.routes,
      ...replication.routes,
      ...membership.routes,
      ...signingRoutes({ chainId, contracts, network, identities, ed25519: ed.identity.nodeId, chainNow, ladder: testing.ladder, minCheckpointInterval, refuseCheckpoints: process.env.SESSION_NODE_TEST_REFUSE_CHECKPOINTS === '1' }),
      peerTestRoute({ identity: ed.identity, chainId, ledgerRoot: () => `${network.view().height}:${network.checkpointAt(network.view().height).root}` }),
      ...testingRoutes({ ...testing, testPeriodSec: rules.testPeriodSec, chainNow, receive: reportGossip.receive }),
      ...nameRoutes(client, config.deployments),
      ...proRoutes({ client, deployments: config.deployments, nodeSecretKey: ed.identity.secretKey, ttl: Math.floor(config.proProofTtlMs / 1000), now: liveChainNow }),
      ledgerRootRoute(network),
      route('GET', '/info', () => ({
        chainId,
        contracts,
        ed25519PublicKey: ed.identity.nodeId,
        blsPublicKey: g1ToHex(bls.keyPair.publicKeyG1),
        blsPublicKeyG2: identities[0]!.g2,
        nodeIds: [...ownNodeIds(network, identities, ed.identity.nodeId).values()].map(String),
        identities: identities.length,
        height: network.view().height,
      })),
      statusRoute({ network, trackerStatus: tracker.status, health, chainId, ed25519PublicKey: ed.identity.nodeId, software: 'session-node/1', providers: statusProviders }),
      route('GET', '/health', () => {
        const s = tracker.status();
        const chain = chainConnection();
        const health = chainHealth(s, network.view().state);
        return { ...health, ok: health.ok && chain.ok, reason: health.reason ?? (chain.ok ? null : `the chain connection is stalled: ${chain.lastError}`), head: s.head ?? null, syncing: s.syncing, reorgs: s.reorgs, chain };
      }),
      // Kept for gateways that still ask here: the deregistration grounds of GET /network/tests.
      route('GET', '/peer/candidates', async () => {
        const chainNow = BigInt(await liveChainNow().catch(() => network.view().time));
        const candidates = [...network.view().state.nodes.values()].flatMap((n) => {
          const reason = testing.ladder.deregistrationGround(n, chainNow);
          return reason ? [{ nodeId: n.nodeId.toString(), candidate: true, reason }] : [];
        });
        return { now: Math.floor(Date.now() / 1000), candidates };
      }),
    ],
  });
  const { url, port } = await api.listen(config.httpPort, config.httpHost);
  await tracker.syncOnce().catch((e) => log(`tracker: first sync failed: ${(e as Error).message}`));
  tracker.start((e) => log(`tracker: ${e.message}`));
  // After the first sync: the directory verifies announcements against the chain view.
  await membership.start({ announce: { host: config.publicHost, port: config.publicPort ?? port, software: 'session-node/1' } });
  reportGossip.start();
  replication.start();
  testing.loop.start();
  // --run-rounds: this node also runs the network's signing rounds (rounds-runner.ts).
  const rounds = runnerArgs
    ? await startNodeRounds({
        args: runnerArgs, network, tracker, contracts, rpcUrl: config.rpcUrls[0]!, chainId, identity: ed.identity,
        endpoints: membership.directory.urls, rpc: fastRpc.request, chainNow, confirmations: config.confirmations,
        commissionIntervalMs: rules.testPeriodSec * 1000, log,
      })
    : undefined;
  // One line on stdout that a supervisor (the devnet, tests) can wait for.
  process.stdout.write(`session-node listening ${url} ed25519 ${ed.identity.nodeId} height ${network.view().height}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    testing.loop.stop();
    replication.stop();
    reportGossip.stop();
    rounds?.stop();
    membership.stop();
    await tracker.stop();
    await api.close(2_000);
    // Last: no request is still writing. (A kill -9 loses nothing either: every write was committed.)
    storage.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'status') {
    process.exitCode = await statusCommand(argv.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
    return;
  }
  if (argv[0] === 'prepare-registration') {
    if (argv.includes('--help')) return void process.stdout.write(DAEMON_HELP);
    return prepareRegistrationCommand(daemonArgv(argv.slice(1))); // --config gives its deployments and data dir
  }
  // The config file first (its keys are the daemon's options), then the round runner's flags.
  const { rest, runner } = extractRunnerArgs(daemonArgv(argv), (p) => resolve(p));
  const parsed = parseDaemonArgs(rest);
  if ('help' in parsed) return void process.stdout.write(parsed.help + RUNNER_HELP);
  await run(resolveDaemonConfig(parsed.config), runner);
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`session-node: ${error instanceof DaemonConfigError ? error.message : (error.stack ?? error.message)}\n`);
  process.exit(1);
});
