/**
 * session-node: one Session node. Loads (or creates) its keys, follows the staking contracts,
 * keeps the reward ledger, tests its peers, answers signing requests over HTTP, and serves
 * name resolution and signed Session Pro proofs.
 *
 *   session-node --deployments FILE --data-dir DIR --http-port PORT [options]   (run)
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
import { DAEMON_HELP, DaemonConfigError, parseDaemonArgs, resolveDaemonConfig, type ResolvedDaemonConfig } from './daemon-config.ts';
import { createJsonServer, route } from '../../core/http/server.ts';
import { createMetrics } from '../../core/http/metrics.ts';
import { addFollowerGauges } from '../../core/state/follower-metrics.ts';
import { loadOrCreateBlsKey, loadBlsKeyFile } from '../../core/keys/bls.ts';
import { loadOrCreateEd25519Key } from '../../core/keys/ed25519.ts';
import { nameRoutes } from './names/routes.ts';
import { proRoutes } from './pro/routes.ts';
import { peerTestRoute } from './peers/http.ts';
import { createPeerTester, ledgerRootString } from './peers/loop.ts';
import { minCheckpointIntervalSource } from './signing/checkpoint-interval.ts';
import { signerIdentity, signingRoutes, ownNodeIds } from './signing/routes.ts';
import { ledgerRootRoute } from './testing/ledger-route.ts';
import { followNetwork } from '../../core/state/follow.ts';
import { isActive } from '../../core/state/network-state.ts';
import { chainHealth } from '../../core/state/health.ts';
import { join, resolve } from 'node:path';
import { startMembership } from '../../core/membership/membership.ts';

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

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

async function run(config: ResolvedDaemonConfig): Promise<void> {
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
  const peers = createPeerTester({
    network,
    chainId,
    ownEd25519: ed.identity.nodeId,
    urlOf: membership.directory.urlOf,
    intervalMs: config.peerTestIntervalMs,
    policy: { graceSec: config.peerGraceMs / 1000, deregisterAfterSec: config.deregisterAfterMs / 1000, minFailures: config.deregisterMinFailures },
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
  metrics.gauge('peer_votes', 'Peers this node currently votes to deregister', () => peers.candidates().size);
  const api = createJsonServer({
    log,
    rateLimit: { capacity: 200, refillPerSecond: 100 },
    // Strangers together get at most this much; each registered peer has its own bucket.
    anonymousTotal: { capacity: 400, refillPerSecond: 200 },
    peerAuth: { isPeer, rateLimit: { capacity: 100, refillPerSecond: 50 } },
    observe: metrics.observe,
    routes: [
      metrics.route,
      ...membership.routes,
      ...signingRoutes({ chainId, contracts, network, identities, ed25519: ed.identity.nodeId, chainNow, candidates: peers.candidates, reasonFor: peers.reasonFor, minCheckpointInterval }),
      peerTestRoute({ identity: ed.identity, chainId, ledgerRoot: () => ledgerRootString(network) }),
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
      route('GET', '/health', () => {
        const s = tracker.status();
        const chain = chainConnection();
        const health = chainHealth(s, network.view().state);
        return { ...health, ok: health.ok && chain.ok, reason: health.reason ?? (chain.ok ? null : `the chain connection is stalled: ${chain.lastError}`), head: s.head ?? null, syncing: s.syncing, reorgs: s.reorgs, chain };
      }),
      route('GET', '/peer/candidates', () => ({
        now: Math.floor(Date.now() / 1000),
        policy: { graceSec: config.peerGraceMs / 1000, deregisterAfterSec: config.deregisterAfterMs / 1000, minFailures: config.deregisterMinFailures, probeIntervalSec: config.peerTestIntervalMs / 1000 },
        candidates: peers.report(),
      })),
    ],
  });
  const { url, port } = await api.listen(config.httpPort, config.httpHost);
  await tracker.syncOnce().catch((e) => log(`tracker: first sync failed: ${(e as Error).message}`));
  tracker.start((e) => log(`tracker: ${e.message}`));
  // After the first sync: the directory verifies announcements against the chain view.
  await membership.start({ announce: { host: config.publicHost, port: config.publicPort ?? port, software: 'session-node/1' } });
  peers.start();
  // One line on stdout that a supervisor (the devnet, tests) can wait for.
  process.stdout.write(`session-node listening ${url} ed25519 ${ed.identity.nodeId} height ${network.view().height}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    peers.stop();
    membership.stop();
    await tracker.stop();
    await api.close(2_000);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'prepare-registration') {
    if (argv.includes('--help')) return void process.stdout.write(DAEMON_HELP);
    return prepareRegistrationCommand(argv.slice(1));
  }
  const parsed = parseDaemonArgs(argv);
  if ('help' in parsed) return void process.stdout.write(parsed.help);
  await run(resolveDaemonConfig(parsed.config));
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`session-node: ${error instanceof DaemonConfigError ? error.message : (error.stack ?? error.message)}\n`);
  process.exit(1);
});
