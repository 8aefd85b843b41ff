/**
 * gateway: the Session network gateway process (see config.ts for the options).
 * Prints "gateway listening <url>" on stdout once it serves.
 */
import { mkdirSync } from 'node:fs';
import { createPublicClient, custom, type Address, type PublicClient } from 'viem';
import { readDeployments } from '../../sdk/src/deployments.ts';
import { connectDeployer } from '../../contracts/deploy/deploy.ts';
import { readKeyFile } from '../../core/keys/key-file.ts';
import { createRpcPool } from '../../core/chain/rpc.ts';
import { defaultPollIntervalMs } from '../../core/chain/tracker.ts';
import { chainConnectionOf, createChainClock } from '../../core/chain/chain-health.ts';
import { followNetwork } from '../../core/state/follow.ts';
import { createJsonServer } from '../../core/http/server.ts';
import { createMetrics } from '../../core/http/metrics.ts';
import { addFollowerGauges } from '../../core/state/follower-metrics.ts';
import { createCooldownRegistry } from '../../core/rounds/cooldown.ts';
import { GatewayConfigError, gatewayArgv, parseGatewayArgs, type GatewayConfig } from './config.ts';
import { CheckpointTooSoonError, createGatewayService } from './service.ts';
import { portalRoutes } from './api.ts';
import { membershipRules } from '../../sdk/src/network/rules.ts';
import { startMembership } from '../../core/membership/membership.ts';
import { announcementUrl } from '../../sdk/src/network/announcement.ts';

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/;

function every(ms: number | null, what: string, run: () => Promise<unknown>): NodeJS.Timeout | undefined {
  if (ms === null) return undefined;
  let busy = false;
  const timer = setInterval(() => {
    // Every run is bounded (submissions by --submit-wait, rounds by --round-timeout), so a
    // skipped tick means the previous run is still inside its bounds.
    if (busy) return;
    busy = true;
    run()
      .catch((e: Error) => log(`gateway: ${what} ${e instanceof CheckpointTooSoonError ? '' : 'failed: '}${e.message.split('\n')[0]}`))
      .finally(() => (busy = false));
  }, ms);
  return timer;
}

async function run(config: GatewayConfig): Promise<void> {
  const deployments = readDeployments(config.deploymentsFile);
  const rpcUrls = config.rpcUrls.length > 0 ? config.rpcUrls : [deployments.rpcUrl];
  const local = rpcUrls.every((u) => LOOPBACK.test(u));
  mkdirSync(config.dataDir, { recursive: true });
  const key = readKeyFile(config.submitterKeyFile, 'secp256k1');
  const submitter = await connectDeployer(rpcUrls[0]!, key.secret, deployments.chainId);
  const { tracker, network, contracts } = await followNetwork({
    deployments,
    rpc: createRpcPool({ urls: rpcUrls }),
    dataDir: config.dataDir,
    confirmations: config.confirmations ?? (local ? 1 : 20),
    pollIntervalMs: config.pollIntervalMs,
    log,
  });
  const confirmations = config.confirmations ?? (local ? 1 : 20);
  // Everything a request or a round waits on goes through a pool that fails fast (one
  // attempt, short timeout): an RPC outage is a quick 503 or a bounded retry, never a hang.
  const fastRpc = createRpcPool({ urls: rpcUrls, timeoutMs: 1_500, maxAttempts: 1 });
  const chainNow = createChainClock({ request: fastRpc.request }).now;
  const chainConnection = chainConnectionOf(tracker, { pollIntervalMs: config.pollIntervalMs ?? defaultPollIntervalMs(rpcUrls) });
  // The gateway learns where nodes answer like a node does (seeds, gossip), but never announces itself.
  const membership = startMembership({ deployments, network, contract: contracts.staking, dataDir: config.dataDir, extraSeeds: config.seeds, log });
  const cooldowns = createCooldownRegistry({ durationMs: config.cooldownMs, maxMs: config.cooldownMs * 16 });
  const service = createGatewayService({
    network, tracker, contracts, submitter, endpoints: membership.directory.urls, cooldowns, roundTimeoutMs: config.roundTimeoutMs, log,
    rpc: fastRpc.request, chainNow, confirmations, submitWaitMs: config.submitWaitMs, outsideRetryMs: config.outsideRoundIntervalMs,
    // Retries of a reverted checkpoint may run this long; after that the next tick starts afresh.
    checkpointBudgetMs: Math.max(config.checkpointIntervalMs ?? 0, config.submitWaitMs),
  });
  const fastClient = createPublicClient({ transport: custom({ request: ({ method, params }) => fastRpc.request(method, params as unknown[] | undefined) }) }) as PublicClient;
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string) =>
    fastClient.readContract({ address, abi, functionName } as never) as Promise<T>;
  const metrics = createMetrics({ prefix: 'gateway_' });
  addFollowerGauges(metrics, { status: tracker.status, network, connectionOk: () => chainConnection().ok });
  membership.addGauges(metrics);
  metrics.gauge('nodes_on_cooldown', 'Node endpoints benched for a bad answer', () => cooldowns.active().length);
  metrics.gauge('last_commission_ok', '1 if the latest commission round landed (here or by another runner) or had nothing to do, 0 if not, NaN before the first', () => {
    const last = service.lastCommission();
    return last === undefined ? Number.NaN : last.outcome === 'landed' || last.outcome === 'landed-elsewhere' || last.outcome === 'nothing' ? 1 : 0;
  });
  metrics.gauge('last_round_ok', '1 if the latest signing round reached quorum, 0 if not, NaN before the first', () => {
    const last = service.lastRounds.at(-1);
    return last === undefined ? Number.NaN : last.ok ? 1 : 0;
  });
  const api = createJsonServer({
    log,
    rateLimit: { capacity: 120, refillPerSecond: 40 },
    observe: metrics.observe,
    routes: [metrics.route, ...membership.routes, ...portalRoutes({ chainId: deployments.chainId, contracts, deploymentContracts: deployments.contracts, network, tracker, service, cooldowns, read, chainConnection,
      announcement: (key) => {
        const a = membership.directory.of(key);
        return a ? { url: announcementUrl(a), timestamp: a.timestamp } : undefined;
      },
      checkpointIntervalMs: config.checkpointIntervalMs ?? null })],
  });
  // CORS for the portal: headers on every answer, and preflights answered here (the JSON
  // server then sees headers already sent and stays silent).
  api.server.prependListener('request', (req, res) => {
    res.setHeader('access-control-allow-origin', config.corsOrigin);
    res.setHeader('vary', 'origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
      res.end();
    }
  });
  const { url } = await api.listen(config.httpPort, config.httpHost);
  const commissionIntervalMs = config.commissionIntervalMs === undefined ? membershipRules(deployments).testPeriodSec * 1000 : config.commissionIntervalMs;
  await tracker.syncOnce().catch((e) => log(`gateway: first sync failed: ${(e as Error).message}`));
  tracker.start((e) => log(`gateway tracker: ${e.message}`));
  await membership.start();
  const timers = [
    every(config.checkpointIntervalMs, 'checkpoint', () => service.checkpoint()),
    every(config.deregistrationIntervalMs, 'deregistration', () => service.deregisterFailing()),
    every(commissionIntervalMs, 'commission', () => service.commission()),
  ];
  process.stdout.write(`gateway listening ${url}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const t of timers) clearInterval(t);
    membership.stop();
    await tracker.stop();
    await api.close(2_000);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

try {
  const parsed = parseGatewayArgs(gatewayArgv(process.argv.slice(2)));
  if ('help' in parsed) process.stdout.write(parsed.help);
  else await run(parsed.config);
} catch (error) {
  const e = error as Error;
  process.stderr.write(`gateway: ${e instanceof GatewayConfigError ? e.message : (e.stack ?? e.message)}\n`);
  process.exit(1);
}
