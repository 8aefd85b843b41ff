/**
 * The portal's API (JSON; integers as decimal strings; addresses checksummed; times in unix
 * seconds or null; refusals `{ error, reason }`):
 *   GET  /api/network, /api/nodes, /api/pools/open, /api/accounts/:address, /api/exits/:nodeId
 *   POST /api/exits/:nodeId/signature, /api/deregistrations/:nodeId/signature
 *   GET  /api/rounds (the last signing rounds, for operators), /health
 */
import { getAddress, isAddress, type Address } from 'viem';
import { RewardRatePool, SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { EXIT_WITHOUT_SIGNATURE_DELAY, WITHDRAW_DELAY } from '../../sdk/src/staking/constants.ts';
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

type Reader = <T>(address: Address, abi: readonly unknown[], functionName: string) => Promise<T>;

const s = (v: bigint | number) => v.toString();

function nodeIdParam(raw: string | undefined): bigint {
  if (!raw || !/^\d{1,20}$/.test(raw) || BigInt(raw) === 0n || BigInt(raw) >= 2n ** 64n) throw badRequest(`"${raw}" is not a node id (a positive integer)`, 'invalid_node_id');
  return BigInt(raw);
}

/**
 * The status the portal shows: the registry's, with an exit request split in two by chain
 * time: `unlocking` until unlockAt, `exitRequested` (ready to complete) after it.
 */
export function apiStatus(node: NodeState, chainTime: number): string {
  if (node.status === 'exitRequested' && node.unlockAt !== null && chainTime < node.unlockAt) return 'unlocking';
  return node.status;
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
}): Route[] {
  const { network } = ctx;
  const signerHealthy = (node: NodeState, urls: Map<string, string>) => {
    const url = urls.get(node.ed25519Key);
    return url !== undefined && !ctx.cooldowns.get(url);
  };
  const nodeJson = (n: NodeState, urls: Map<string, string>) => ({
    nodeId: s(n.nodeId),
    operator: getAddress(n.operator),
    status: apiStatus(n, network.view().time),
    feeBps: n.feeBps,
    stake: s(stakeOf(n)),
    contributors: n.contributors.map((c) => ({ address: getAddress(c.address), beneficiary: getAddress(c.beneficiary), amount: s(c.amount) })),
    openedAt: n.openedAt,
    activatedAt: n.activatedAt,
    exitRequestedAt: n.exitRequestedAt,
    unlockAt: n.unlockAt,
    deregisteredAt: n.deregisteredAt,
    releaseAt: n.releaseAt,
    blsPublicKey: `0x${n.blsKey.x.toString(16).padStart(64, '0')}${n.blsKey.y.toString(16).padStart(64, '0')}`,
    ed25519PublicKey: n.ed25519Key,
    signerHealthy: isActive(n) ? signerHealthy(n, urls) : false,
  });
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
    route('GET', '/api/network', async () => {
      const view = network.view();
      const active = [...view.state.nodes.values()].filter(isActive);
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
        activeNodes: active.length,
        totalStaked: s(totalStaked),
        stakingRequirement: s(requirement),
        pool: { balance: s(balance), ratePerYear: s(ratePerYear), ratePerSecond: s(ratePerSecond) },
        // Integer bps, rounded down: the yearly release over everything staked.
        estimatedAprBps: totalStaked === 0n ? 0 : Number((ratePerYear * 10_000n) / totalStaked),
        lastCheckpoint: last ? { epoch: s(last.epoch), root: last.root, total: s(last.total), ledgerBlock: s(last.ledgerBlock), submittedAt: last.time } : null,
      };
    }),
    route('GET', '/api/nodes', () => {
      const urls = ctx.service.urls();
      return [...network.view().state.nodes.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1)).map((n) => nodeJson(n, urls));
    }),
    route('GET', '/api/pools/open', async () => {
      const open = [...network.view().state.nodes.values()].filter((n) => n.status === 'awaitingContributions');
      return open.map((n) => {
        const total = stakeOf(n);
        const reservedTotal = n.reserved.reduce((sum, r) => sum + r.amount, 0n);
        const room = n.stakeRequired - total - reservedTotal;
        const freeSlots = Math.max(0, 10 - n.contributors.length - n.reserved.length);
        return {
          nodeId: s(n.nodeId),
          operator: getAddress(n.operator),
          feeBps: n.feeBps,
          total: s(total),
          required: s(n.stakeRequired),
          // What a new (unreserved) contributor may put in: at least room ÷ free slots, at most the room.
          minContribution: s(freeSlots === 0 ? 0n : room / BigInt(freeSlots)),
          maxContribution: s(freeSlots === 0 ? 0n : room),
          freeSlots,
          reserved: n.reserved.map((r) => ({ address: getAddress(r.address), amount: s(r.amount) })),
          autoActivate: n.autoActivate,
          openedAt: n.openedAt,
        };
      });
    }),
    route('GET', '/api/accounts/:address', ({ params }) => {
      if (!isAddress(params.address ?? '', { strict: false })) throw badRequest(`"${params.address}" is not an address`, 'invalid_address');
      const account = params.address!.toLowerCase();
      const view = network.view();
      const stakes = [...view.state.nodes.values()].flatMap((n) =>
        n.contributors
          .filter((c) => c.address.toLowerCase() === account)
          .map((c) => ({
            nodeId: s(n.nodeId),
            amount: s(c.amount),
            status: apiStatus(n, view.time),
            canWithdrawAt:
              n.status === 'awaitingContributions' ? (c.address.toLowerCase() === n.operator.toLowerCase() ? null : c.lastContributionAt + Number(WITHDRAW_DELAY)) :
              n.status === 'exitRequested' ? n.unlockAt :
              n.status === 'deregistered' ? n.releaseAt : null,
          })),
      );
      // Balances change only when the pool releases, and every release adds a history entry
      // with its tree: the latest tree is the ledger now (no 100,000-entry walk per request).
      const latest = view.history.at(-1);
      const earned = latest?.tree ? (latest.tree.amountOf(account as Address) ?? 0n) : (ledgerBalances(view.ledger).find((b) => b.account === account)?.amount ?? 0n);
      const claimed = view.state.claimed.get(account) ?? 0n;
      const last = view.state.lastCheckpoint;
      const entry = last ? view.history.find((h) => h.root === last.root && h.tree) : undefined;
      const authorised = entry?.tree?.amountOf(account as Address) ?? 0n;
      const proof = entry?.tree?.proof(account as Address);
      const claimable = authorised > claimed ? authorised - claimed : 0n;
      return {
        stakes,
        rewards: {
          earned: s(earned),
          claimed: s(claimed),
          claimable: s(claimable),
          claim: claimable > 0n && proof ? { cumulativeAmount: s(authorised), proof } : null,
        },
      };
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
