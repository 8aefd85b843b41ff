/**
 * What the portal reads straight from the chain: every refresh, the few live values (latest block,
 * the connected account's balance, allowance, claimed rewards); and, only when the gateway's
 * index is unreachable, a bounded fallback (the newest node records, the network figures).
 * Never getLogs from the deploy block, never one read per node ever registered.
 */
import { createPublicClient, erc20Abi, http, type Address, type Chain, type PublicClient, type Transport } from 'viem';
import { chainFor } from '../../sdk/src/clients.ts';
import { RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { decodeNodeRecord, type NodeRecord } from '../../sdk/src/staking/node-record.ts';
import {
  BPS,
  DEREGISTRATION_LOCK,
  EXIT_REQUEST_DELAY,
  EXIT_UNLOCK_DELAY,
  EXIT_WITHOUT_SIGNATURE_DELAY,
  MAX_CONTRIBUTORS,
  OPERATOR_MIN_DIVISOR,
  SMALL_CONTRIBUTOR_EXIT_DELAY,
  WITHDRAW_DELAY,
} from '../../sdk/src/staking/constants.ts';
import type { Contracts, PortalConfig } from './config.ts';

export type Env = { config: PortalConfig & { contracts: Contracts }; chain: Chain; client: PublicClient<Transport, Chain>; contracts: Contracts };

export function connectChain(config: Env['config']): Env {
  const chain = chainFor(config.chainId, config.rpcUrl);
  const local = /127\.0\.0\.1|localhost/.test(config.rpcUrl);
  // batch: concurrent reads (one per node) travel in one HTTP request.
  const client = createPublicClient({ chain, transport: http(config.rpcUrl, { batch: { wait: 5 } }), pollingInterval: local ? 100 : 4_000 });
  return { config, chain, client, contracts: config.contracts };
}

export type NodeView = NodeRecord & {
  id: bigint;
  /** Unreserved room left, and what a new contributor must / may put in. */
  room: bigint;
  minContribution: bigint;
  freeSlots: number;
  unlockAt: bigint;
  fallbackAt: bigint;
  releaseAt: bigint;
};

export function nodeView(id: bigint, record: NodeRecord): NodeView {
  const filling = record.status === 'AwaitingContributions';
  const room = filling ? record.stakeRequired - record.totalStaked - record.reservedOutstanding : 0n;
  const freeSlots = filling ? Number(MAX_CONTRIBUTORS) - record.contributorCount - record.reservedCount : 0;
  return {
    ...record,
    id,
    room,
    freeSlots,
    minContribution: freeSlots > 0 ? room / BigInt(freeSlots) : room,
    unlockAt: record.exitRequestedAt + EXIT_UNLOCK_DELAY,
    fallbackAt: record.exitRequestedAt + EXIT_WITHOUT_SIGNATURE_DELAY,
    releaseAt: record.deregisteredAt + DEREGISTRATION_LOCK,
  };
}

export type Overview = {
  blockNumber: bigint;
  /** Chain time of the latest block (countdowns use it, not the browser clock). */
  chainTime: bigint;
  activeNodes: bigint;
  stakingRequirement: bigint;
  totalStaked: bigint;
  poolBalance: bigint;
  ratePerYear: bigint;
  ratePerSecond: bigint;
  /** Rewards per year over the active stake, before operator fees. */
  aprBps: bigint;
  rewardsEpoch: bigint;
};

/**
 * The newest `max` node records (one RPC batch): the fallback when the gateway's index is not
 * reachable. Bounded on purpose: reading every record ever registered is thousands of calls at
 * network scale. `partial` says older nodes were left out.
 */
export async function readNewestNodes(env: Env, max: number): Promise<{ nodes: NodeView[]; partial: boolean }> {
  const s = env.contracts.SessionStaking;
  const last = await env.client.readContract({ address: s, abi: SessionStaking.abi, functionName: 'lastNodeId' });
  const count = Math.min(Number(last), max);
  const ids = Array.from({ length: count }, (_, i) => last - BigInt(i));
  const records = await Promise.all(ids.map((id) => env.client.readContract({ address: s, abi: SessionStaking.abi, functionName: 'nodeRecord', args: [id] })));
  return { nodes: records.map((r, i) => nodeView(ids[i]!, decodeNodeRecord(r as readonly [readonly bigint[], readonly bigint[]]))), partial: Number(last) > max };
}

/** What must be live every refresh, in one RPC batch: the latest block and the connected account's balance, allowance and claimed rewards. */
export async function readLive(env: Env, address: Address | undefined): Promise<{ blockNumber: bigint; chainTime: bigint; account?: Pick<AccountState, 'balance' | 'allowance' | 'rewardsClaimed'> }> {
  const { SESH: token, SessionStaking: s, StakingRewards: r } = env.contracts;
  const [block, account] = await Promise.all([
    env.client.getBlock({ blockTag: 'latest' }),
    address
      ? Promise.all([
          env.client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] }),
          env.client.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [address, s] }),
          env.client.readContract({ address: r, abi: StakingRewards.abi, functionName: 'claimed', args: [address] }) as Promise<bigint>,
        ]).then(([balance, allowance, rewardsClaimed]) => ({ balance, allowance, rewardsClaimed }))
      : undefined,
  ]);
  return { blockNumber: block.number, chainTime: block.timestamp, account };
}

/** The network figures from the chain alone (fallback), over the nodes that were read. */
export async function readOverview(env: Env, nodes: readonly NodeView[], live: { blockNumber: bigint; chainTime: bigint }): Promise<Overview> {
  const { SessionStaking: s, RewardRatePool: p, StakingRewards: r } = env.contracts;
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string) =>
    env.client.readContract({ address, abi, functionName } as never) as Promise<T>;
  const [activeNodes, stakingRequirement, poolBalance, ratePerYear, ratePerSecond, rewardsEpoch] = await Promise.all([
    read<bigint>(s, SessionStaking.abi, 'activeNodeCount'),
    read<bigint>(s, SessionStaking.abi, 'stakingRequirement'),
    read<bigint>(p, RewardRatePool.abi, 'balance'),
    read<bigint>(p, RewardRatePool.abi, 'ratePerYear'),
    read<bigint>(p, RewardRatePool.abi, 'ratePerSecond'),
    read<bigint>(r, StakingRewards.abi, 'epoch'),
  ]);
  // Only the nodes read: with a partial list this is a lower bound (the source says so).
  const totalStaked = nodes.filter((n) => n.status === 'Active' || n.status === 'ExitRequested').reduce((sum, n) => sum + n.stake, 0n);
  return {
    blockNumber: live.blockNumber,
    chainTime: live.chainTime,
    activeNodes,
    stakingRequirement,
    totalStaked,
    poolBalance,
    ratePerYear,
    ratePerSecond,
    aprBps: totalStaked === 0n ? 0n : (ratePerYear * BPS) / totalStaked,
    rewardsEpoch,
  };
}

export type AccountState = {
  address: Address;
  balance: bigint;
  allowance: bigint;
  rewardsClaimed: bigint;
  /** Nodes this account ever contributed to (the gateway's index), for exited ones too. */
  history: Set<bigint>;
  /** Stake returned per node when it exited or was cancelled, or withdrawn from a filling pool. */
  returned: Map<bigint, bigint>;
  reservations: Map<bigint, bigint>;
};

/** Reservations of `address` in the given filling nodes (fallback only; the gateway knows them). */
export async function readReservations(env: Env, address: Address, nodes: readonly NodeView[]): Promise<Map<bigint, bigint>> {
  const filling = nodes.filter((n) => n.status === 'AwaitingContributions' && n.reservedCount > 0);
  const found = await Promise.all(
    filling.map(async (n) => [n.id, await env.client.readContract({ address: env.contracts.SessionStaking, abi: SessionStaking.abi, functionName: 'reservationOf', args: [n.id, address] })] as const),
  );
  return new Map(found.filter(([, amount]) => amount > 0n));
}

/** When `account` may request the exit of an active node (operator: 2 h; small contributors: 30 days). */
export function exitAllowedAt(node: NodeView, account: Address): bigint {
  if (node.operator === account) return node.activatedAt + EXIT_REQUEST_DELAY;
  const mine = node.contributors.find((c) => c.contributor === account);
  if (mine && mine.amount * OPERATOR_MIN_DIVISOR >= node.stake) return node.activatedAt + EXIT_REQUEST_DELAY;
  return node.activatedAt + SMALL_CONTRIBUTOR_EXIT_DELAY;
}

/** When `account` may withdraw from a filling node (1 day after its last contribution). */
export function withdrawAt(node: NodeView, account: Address): bigint | undefined {
  const mine = node.contributors.find((c) => c.contributor === account);
  return mine ? mine.lastContributionAt + WITHDRAW_DELAY : undefined;
}
