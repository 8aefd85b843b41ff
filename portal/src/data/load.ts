/**
 * One refresh of what the pages draw, with a fixed request count whatever the network's size:
 * one chain batch (latest block; the connected account's balance, allowance, claimed rewards) and
 * three gateway requests (network overview, the first page of open pools, the connected address;
 * the first two shared between refreshes less than 5 s apart).
 * When the gateway is unreachable: bounded chain reads instead, and the source says why.
 */
import type { Address } from 'viem';
import { readLive, readNewestNodes, readOverview, readReservations, type AccountState, type Env, type NodeView, type Overview } from '../chain.ts';
import type { AccountRewards, NetworkInfo } from '../gateway.ts';
import { fetchAddress, fetchOpenPools, fetchOverview } from './gateway-data.ts';
import type { DataSource, NodeEntry, OverviewExtras } from './types.ts';

/** Open pools drawn on the first page; more are paged through useNodeList. */
export const OPEN_POOLS_SHOWN = 24;
/** Node records read from the chain when the gateway is down (one batch). */
export const FALLBACK_NODES = 50;

export type Loaded = {
  overview: Overview & Partial<OverviewExtras>;
  /**
   * The nodes the pages act on: the first page of open pools plus every node of the connected
   * account (not every node ever registered: the all-nodes page pages through useNodeList).
   */
  nodes: NodeView[];
  account?: AccountState;
  /** Gateway-backed: a value, or the reason it is unavailable. */
  rewards?: AccountRewards | { unavailable: string };
  network?: NetworkInfo | { unavailable: string };
  source: DataSource;
  /** Open pools in all (nodes holds the first OPEN_POOLS_SHOWN); gateway only. */
  openPoolsTotal?: number;
  /** The block the gateway's index has reached (gateway only). */
  indexedHeight?: number;
};

const big = (v: string) => BigInt(v);

type Indexed = [Awaited<ReturnType<typeof fetchOverview>>, Awaited<ReturnType<typeof fetchOpenPools>>, Awaited<ReturnType<typeof fetchAddress>> | undefined];

function fromGateway(env: Env, [net, pools, mine]: Indexed, live: Awaited<ReturnType<typeof readLive>>): Loaded {
  // Open pools first, then the account's other nodes; one entry per node.
  const byId = new Map<bigint, NodeEntry>();
  for (const n of [...pools.nodes, ...(mine?.nodes ?? [])]) byId.set(n.id, n);
  const ratePerYear = big(net.pool.ratePerYear);
  const totalStaked = big(net.totalStaked);
  const overview: Loaded['overview'] = {
    blockNumber: live.blockNumber,
    chainTime: live.chainTime,
    activeNodes: BigInt(net.activeNodes),
    stakingRequirement: big(net.stakingRequirement),
    totalStaked,
    poolBalance: big(net.pool.balance),
    ratePerYear,
    ratePerSecond: big(net.pool.ratePerSecond),
    aprBps: BigInt(net.estimatedAprBps),
    rewardsEpoch: net.lastCheckpoint ? big(net.lastCheckpoint.epoch) : 0n,
    nodeCounts: net.nodeCounts,
    lastCheckpointAt: net.lastCheckpoint?.submittedAt ?? null,
    nextCheckpointAt: net.nextCheckpoint.estimatedAt,
    nextCheckpointBasis: net.nextCheckpoint.basis,
    aprBasis: net.aprBasis,
  };
  const account: AccountState | undefined =
    mine && live.account
      ? {
          address: mine.address,
          ...live.account,
          history: new Set(mine.history.filter((h) => h.kind === 'contributed').map((h) => h.nodeId).concat(mine.stakes.map((st) => st.nodeId), mine.history.map((h) => h.nodeId))),
          returned: mine.history.filter((h) => h.kind !== 'contributed').reduce((m, h) => m.set(h.nodeId, (m.get(h.nodeId) ?? 0n) + h.amount), new Map<bigint, bigint>()),
          reservations: mine.reservations,
        }
      : undefined;
  const rewards: AccountRewards | undefined =
    mine && 'earned' in mine.rewards ? { ...mine.rewards, claim: mine.claim ?? null } : undefined;
  return {
    overview,
    nodes: [...byId.values()],
    account,
    rewards,
    network: { estimatedAprBps: net.estimatedAprBps, lastCheckpoint: net.lastCheckpoint ? { epoch: big(net.lastCheckpoint.epoch), submittedAt: net.lastCheckpoint.submittedAt } : null },
    source: { kind: 'gateway', url: env.config.gatewayUrl! },
    openPoolsTotal: pools.total,
    indexedHeight: net.height,
  };
}

async function fromChain(env: Env, address: Address | undefined, live: Awaited<ReturnType<typeof readLive>>, gatewayError: string, reason: string): Promise<Loaded> {
  const { nodes, partial } = await readNewestNodes(env, FALLBACK_NODES);
  const [overview, reservations] = await Promise.all([readOverview(env, nodes, live), address ? readReservations(env, address, nodes) : undefined]);
  // What only the gateway knows says the gateway's own words ("gateway not reachable"); the source says the rest.
  const unavailable = { unavailable: gatewayError };
  return {
    overview,
    nodes,
    account: address && live.account ? { address, ...live.account, history: new Set(), returned: new Map(), reservations: reservations ?? new Map() } : undefined,
    rewards: address ? unavailable : undefined,
    network: unavailable,
    source: { kind: 'chain', reason, partial },
  };
}

/** The account-independent reads (overview, open pools) are shared for a few seconds: connecting a wallet right after the page loads does not fetch them again. */
const SHARED_FOR_MS = 5_000;
let shared: { base: string; at: number; value: Promise<[Indexed[0], Indexed[1]]> } | undefined;

function sharedReads(base: string): Promise<[Indexed[0], Indexed[1]]> {
  if (!shared || shared.base !== base || Date.now() - shared.at > SHARED_FOR_MS) {
    const value = Promise.all([fetchOverview(base), fetchOpenPools(base, OPEN_POOLS_SHOWN)]);
    shared = { base, at: Date.now(), value };
    value.catch(() => (shared = undefined)); // a failure is not kept
  }
  return shared.value;
}

/** After a transaction: how long to wait for the gateway's index to reach its block before drawing what it has. */
const INDEX_WAIT_MS = 8_000;
const INDEX_RETRY_MS = 700;

/**
 * `minBlock`: a transaction's block; the gateway's answers are re-read (a few times, bounded by
 * INDEX_WAIT_MS) until its index has reached that block, so the page shows the transaction's effect.
 */
export async function loadNetworkData(env: Env, address: Address | undefined, minBlock?: bigint): Promise<Loaded> {
  const started = Date.now();
  for (;;) {
    const loaded = await loadOnce(env, address);
    const height = loaded.indexedHeight;
    if (minBlock === undefined || loaded.source.kind !== 'gateway' || height === undefined || BigInt(height) >= minBlock || Date.now() - started > INDEX_WAIT_MS) return loaded;
    shared = undefined; // re-read, not the shared copy
    await new Promise((resolve) => setTimeout(resolve, INDEX_RETRY_MS));
  }
}

async function loadOnce(env: Env, address: Address | undefined): Promise<Loaded> {
  // The live chain batch and the gateway's index go out together.
  const liveLoading = readLive(env, address);
  const base = env.config.gatewayUrl;
  const indexed: Promise<Indexed | { failed: Error }> = base
    ? Promise.all([sharedReads(base), address ? fetchAddress(base, address) : undefined])
        .then(([[net, pools], mine]): Indexed => [net, pools, mine])
        .catch((e: Error) => ({ failed: e }))
    : Promise.resolve({ failed: new Error('no gateway is configured for this network') });
  const live = await liveLoading;
  const result = await indexed;
  if (!('failed' in result)) return fromGateway(env, result, live);
  return fromChain(env, address, live, result.failed.message, `the gateway's index could not be read (${result.failed.message}); showing the ${FALLBACK_NODES} newest nodes read from the chain`);
}
