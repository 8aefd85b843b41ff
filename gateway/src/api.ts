/**
 * The portal's API (JSON; integers as decimal strings; addresses checksummed; times in unix
 * seconds or null; refusals `{ error, reason }`):
 *   GET  /api/network (= /api/overview), /api/nodes?status=&cursor=&limit=, /api/nodes/:id,
 *        /api/pools/open?cursor=&limit=, /api/addresses/:address, /api/accounts/:address,
 *        /api/exits/:nodeId   (shapes: sdk/src/network/portal-api.ts; lists paged, see portal-index.ts)
 *   POST /api/exits/:nodeId/signature, /api/deregistrations/:nodeId/signature
 *   GET  /api/rounds (the last signing rounds, for operators), /health
 */
import { getAddress, isAddress, type Address } from 'viem';
import { RewardRatePool, SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { EXIT_WITHOUT_SIGNATURE_DELAY } from '../../sdk/src/staking/constants.ts';
import { ledgerBalances } from '../../core/ledger/ledger.ts';
import { conflict, notFound, badRequest } from '../../core/http/errors.ts';
import { reply, route, type Route } from '../../core/http/server.ts';
import type { NetworkConsumer } from '../../core/state/consumer.ts';
import { isActive, stakeOf, type ContractAddresses, type NodeState } from '../../core/state/network-state.ts';
import type { Tracker } from '../../core/chain/tracker.ts';
import { ChainUnavailableError, withinChainDeadline, type ChainConnection } from '../../core/chain/chain-health.ts';
import { chainHealth } from '../../core/state/health.ts';
import type { CooldownRegistry } from '../../core/rounds/cooldown.ts';
import { signatureArgsJson } from '../../core/rounds/aggregate.ts';
import type { GatewayService } from './service.ts';
import type { RoundReport } from '../../core/rounds/round.ts';
import { addressIndex, apiStatus, countByStatus, nodeJson, page, pageParams, poolJson, statusParam, type HealthSources } from './portal-index.ts';
import { createCheckpointClock } from './checkpoint-clock.ts';
import type { NetworkJson, NodesPageJson, PoolsPageJson } from '../../sdk/src/network/portal-api.ts';

export { apiStatus };

type Reader = <T>(address: Address, abi: readonly unknown[], functionName: string) => Promise<T>;

const s = (v: bigint | number) => v.toString();

function nodeIdParam(raw: string | undefined): bigint {
  if (!raw || !/^\d{1,20}$/.test(raw) || BigInt(raw) === 0n || BigInt(raw) >= 2n ** 64n) throw badRequest(`"${raw}" is not a node id (a positive integer)`, 'invalid_node_id');
  return BigInt(raw);
}

export function portalRoutes(ctx: {
  chainId: number;
  contracts: ContractAddresses;
  /** Every contract of the deployments file, as /api/network lists them. */
  deploymentContracts: Record<string, Address>;
  network: NetworkConsumer;
  tracker: Tracker;
  service: GatewayService;
  cooldowns: CooldownRegistry;
  read: Reader;
  chainConnection: () => ChainConnection;
  /** Where nodes announce themselves (the membership directory); without it no endpoint is known. */
  announcement?: HealthSources['announcement'];
  /** The gateway's own checkpoint interval (ms), the estimate's fallback basis; null when it submits none. */
  checkpointIntervalMs?: number | null;
}): Route[] {
  const { network } = ctx;
  const health: HealthSources = {
    announcement: ctx.announcement ?? ((key) => {
      const url = ctx.service.urls().get(key);
      return url === undefined ? undefined : { url, timestamp: 0 };
    }),
    benched: (key) => {
      const url = ctx.service.urls().get(key);
      return url === undefined || Boolean(ctx.cooldowns.get(url));
    },
    lastRound: () => ctx.service.lastRounds.at(-1),
  };
  const checkpoints = createCheckpointClock(ctx.checkpointIntervalMs ?? null);
  /** An account's reward figures and, when it can claim, the proof. */
  const rewardsOf = (account: Address) => {
    const view = network.view();
    // Balances change only when the pool releases, and every release adds a history entry
    // with its tree: the latest tree is the ledger now (no 100,000-entry walk per request).
    const latest = view.history.at(-1);
    const earned = latest?.tree ? (latest.tree.amountOf(account) ?? 0n) : (ledgerBalances(view.ledger).find((b) => b.account === account)?.amount ?? 0n);
    const claimed = view.state.claimed.get(account) ?? 0n;
    const last = view.state.lastCheckpoint;
    const entry = last ? view.history.find((h) => h.root === last.root && h.tree) : undefined;
    const authorised = entry?.tree?.amountOf(account) ?? 0n;
    const proof = entry?.tree?.proof(account);
    const claimable = authorised > claimed ? authorised - claimed : 0n;
    return { earned: s(earned), claimed: s(claimed), claimable: s(claimable), claim: claimable > 0n && proof ? { cumulativeAmount: s(authorised), proof } : null };
  };
  const nodeOr404 = (raw: string | undefined) => {
    const id = nodeIdParam(raw);
    const node = network.view().state.nodes.get(id);
    if (!node) throw notFound(`node ${id} is not registered (the gateway has seen the chain up to block ${network.view().height})`);
    return node;
  };
  const signatureReply = (report: RoundReport, signedAt: number) => {
    if (!report.ok || !report.signature) {
      return reply(503, {
        error: 'no_quorum',
        reason: `only ${report.signers.length} of ${report.activeNodes} nodes signed (need ${report.required}); refusals: ${report.refusals.map((r) => r.reason).slice(0, 3).join('; ') || 'none'}`,
      });
    }
    return { signedAt, signature: signatureArgsJson(report.signature), signers: report.signers.length, nonSigners: report.nonSigners.map(String) };
  };

  return [
    route('GET', '/health', () => {
      const chain = ctx.chainConnection();
      const health = chainHealth(ctx.tracker.status(), network.view().state);
      // A stalled chain connection is not ok either (the tracker may still be retrying its poll).
      const c = ctx.service.lastCommission();
      const commission = c === undefined ? null : { outcome: c.outcome, ...('update' in c && c.update ? { round: c.update.round.toString(), decommission: c.update.decommission.map(String), recommission: c.update.recommission.map(String) } : {}), ...('reason' in c ? { reason: c.reason } : {}) };
      return { ...health, ok: health.ok && chain.ok, reason: health.reason ?? (chain.ok ? null : `the chain connection is stalled: ${chain.lastError}`), chain, commission };
    }),
    ...['/api/network', '/api/overview'].map((path) =>
      route('GET', path, async (): Promise<NetworkJson> => {
        const view = network.view();
        const nodes = [...view.state.nodes.values()];
        const active = nodes.filter(isActive);
        const totalStaked = active.reduce((sum, n) => sum + stakeOf(n), 0n);
        // Known stalled: say so now rather than wait for the reads to time out.
        const chain = ctx.chainConnection();
        if (!chain.ok) throw new ChainUnavailableError(`the gateway has not reached the chain for ${chain.lastSyncAgoSeconds ?? '?'} s (${chain.lastError ?? 'no answer'}); try again when it is back`);
        const [balance, ratePerYear, ratePerSecond, requirement] = await withinChainDeadline(
          Promise.all([
            ctx.read<bigint>(ctx.contracts.pool, RewardRatePool.abi, 'balance'),
            ctx.read<bigint>(ctx.contracts.pool, RewardRatePool.abi, 'ratePerYear'),
            ctx.read<bigint>(ctx.contracts.pool, RewardRatePool.abi, 'ratePerSecond'),
            ctx.read<bigint>(ctx.contracts.staking, SessionStaking.abi, 'stakingRequirement'),
          ]),
          2_000,
          'reading the pool',
        );
        const last = view.state.lastCheckpoint;
        return {
          chainId: ctx.chainId,
          contracts: Object.fromEntries(Object.entries(ctx.deploymentContracts).map(([k, v]) => [k, getAddress(v)])),
          height: view.height,
          chainTime: view.time,
          activeNodes: active.length,
          nodeCounts: countByStatus(nodes, view.time),
          totalStaked: s(totalStaked),
          stakingRequirement: s(requirement),
          pool: { balance: s(balance), ratePerYear: s(ratePerYear), ratePerSecond: s(ratePerSecond) },
          // Integer bps, rounded down: the yearly release over everything staked.
          estimatedAprBps: totalStaked === 0n ? 0 : Number((ratePerYear * 10_000n) / totalStaked),
          aprBasis: `the pool's current yearly release (${ratePerYear} atomic SESH) over the stake of the ${active.length} active nodes, before operator fees; it falls as stake joins`,
          lastCheckpoint: last ? { epoch: s(last.epoch), root: last.root, total: s(last.total), ledgerBlock: s(last.ledgerBlock), submittedAt: last.time } : null,
          nextCheckpoint: checkpoints.next(last ? { epoch: last.epoch, time: last.time } : null, view.time),
        };
      }),
    ),
    route('GET', '/api/nodes', ({ query }): NodesPageJson => {
      const { limit, after } = pageParams(query);
      const status = statusParam(query);
      const view = network.view();
      const all = [...view.state.nodes.values()];
      const { items, nextCursor, total } = page(status ? all.filter((n) => apiStatus(n, view.time) === status) : all, after, limit);
      return { nodes: items.map((n) => nodeJson(n, view.time, health)), nextCursor, total };
    }),
    route('GET', '/api/nodes/:nodeId', ({ params }) => nodeJson(nodeOr404(params.nodeId), network.view().time, health)),
    route('GET', '/api/pools/open', ({ query }): PoolsPageJson => {
      const { limit, after } = pageParams(query);
      const view = network.view();
      const open = [...view.state.nodes.values()].filter((n) => n.status === 'awaitingContributions');
      const { items, nextCursor, total } = page(open, after, limit);
      return { pools: items.map(poolJson), nodes: items.map((n) => nodeJson(n, view.time, health)), nextCursor, total };
    }),
    route('GET', '/api/addresses/:address', ({ params }) => {
      if (!isAddress(params.address ?? '', { strict: false })) throw badRequest(`"${params.address}" is not an address (0x and 40 hex digits)`, 'invalid_address');
      const view = network.view();
      return { ...addressIndex(view.state.nodes.values(), params.address as Address, view.time, health), rewards: rewardsOf(params.address!.toLowerCase() as Address) };
    }),
    route('GET', '/api/accounts/:address', ({ params }) => {
      if (!isAddress(params.address ?? '', { strict: false })) throw badRequest(`"${params.address}" is not an address`, 'invalid_address');
      const view = network.view();
      const { stakes } = addressIndex(view.state.nodes.values(), params.address as Address, view.time, health);
      return { stakes, rewards: rewardsOf(params.address!.toLowerCase() as Address) };
    }),
    route('GET', '/api/exits/:nodeId', async ({ params }) => {
      const node = nodeOr404(params.nodeId);
      const now = await ctx.service.chainNow();
      const fallbackAt = node.exitRequestedAt === null ? null : node.exitRequestedAt + Number(EXIT_WITHOUT_SIGNATURE_DELAY);
      const requested = node.status === 'exitRequested';
      return {
        status: apiStatus(node, now),
        unlockAt: node.unlockAt,
        fallbackAt,
        canExitWithSignature: requested && node.unlockAt !== null && now >= node.unlockAt,
        canExitWithoutSignature: requested && fallbackAt !== null && now >= fallbackAt,
      };
    }),
    route('POST', '/api/exits/:nodeId/signature', async ({ params }) => {
      const node = nodeOr404(params.nodeId);
      if (node.status !== 'exitRequested') throw conflict(`node ${node.nodeId} is ${node.status}; request the exit first`);
      const now = await ctx.service.chainNow();
      if (node.unlockAt === null || now < node.unlockAt) throw conflict(`node ${node.nodeId} is not unlocked yet: it unlocks at ${node.unlockAt} (chain time now ${now})`);
      const { report, signedAt } = await ctx.service.signNode('exit', node.nodeId);
      return signatureReply(report, signedAt);
    }),
    route('POST', '/api/deregistrations/:nodeId/signature', async ({ params }) => {
      const node = nodeOr404(params.nodeId);
      if (!isActive(node)) throw conflict(`node ${node.nodeId} is ${node.status}; only an active node can be deregistered`);
      const { report, signedAt } = await ctx.service.signNode('deregistration', node.nodeId);
      return signatureReply(report, signedAt);
    }),
    route('GET', '/api/rounds', () =>
      ctx.service.lastRounds.map((r) => ({
        ok: r.ok,
        activeNodes: r.activeNodes,
        required: r.required,
        signers: r.signers.map(String),
        nonSigners: r.nonSigners.map(String),
        invalid: r.invalid.map((i) => ({ nodeId: s(i.nodeId), reason: i.reason })),
        refusals: r.refusals,
        unreachable: r.unreachable,
        skipped: r.skipped,
        ms: r.ms,
      })),
    ),
  ];
}
