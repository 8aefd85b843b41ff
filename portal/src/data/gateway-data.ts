/**
 * Reads from the gateway's index (sdk/src/network/portal-api.ts shapes) and turns its JSON into
 * the portal's types: the same NodeView the chain reads give, plus API status and health. One
 * request per list page, whatever the network's size.
 */
import type { Address } from 'viem';
import type { AddressJson, NetworkJson, NodeJson, NodesPageJson, PoolsPageJson } from '../../../sdk/src/network/portal-api.ts';
import type { NodeStatus } from '../../../sdk/src/staking/constants.ts';
import { nodeView } from '../chain.ts';
import { GatewayError, GATEWAY_UNREACHABLE } from '../gateway.ts';
import type { AddressData, NodeEntry, NodeListQuery } from './types.ts';

const big = (v: string | number | null | undefined): bigint => (v === null || v === undefined ? 0n : BigInt(v));

const CHAIN_STATUS: Record<NodeJson['status'], NodeStatus> = {
  awaitingContributions: 'AwaitingContributions',
  running: 'Active',
  unlocking: 'ExitRequested',
  exitRequested: 'ExitRequested',
  deregistered: 'Deregistered',
  exited: 'Exited',
  cancelled: 'Cancelled',
};

export function nodeEntry(n: NodeJson): NodeEntry {
  const reserved = n.reserved.map((r) => ({ address: r.address as Address, amount: big(r.amount) }));
  const contributors = n.contributors.map((c) => ({ contributor: c.address as Address, amount: big(c.amount), lastContributionAt: big(c.lastContributionAt) }));
  const stake = big(n.stake);
  const view = nodeView(big(n.nodeId), {
    operator: n.operator as Address,
    feeBps: n.feeBps,
    status: CHAIN_STATUS[n.status],
    contributorCount: contributors.length,
    reservedCount: reserved.length,
    autoActivate: n.autoActivate,
    activatedAt: big(n.activatedAt),
    stakeRequired: big(n.stakeRequired),
    totalStaked: stake,
    reservedOutstanding: reserved.reduce((sum, r) => sum + r.amount, 0n),
    exitRequestedAt: big(n.exitRequestedAt),
    pendingKey: 0n, // the gateway gives the full key (blsPublicKey); the packed form is the chain's
    deregisteredAt: big(n.deregisteredAt),
    contributors,
    stake,
  });
  const h = n.health;
  return {
    ...view,
    apiStatus: n.status,
    openedAt: n.openedAt,
    exitedAt: n.exitedAt,
    ed25519PublicKey: n.ed25519PublicKey,
    reserved,
    health: {
      announcedUrl: h.announcedUrl,
      lastAnnouncedAt: h.lastAnnouncedAt,
      decommissioned: h.decommissioned,
      decommissionedAt: h.decommissionedAt === null ? null : big(h.decommissionedAt),
      missedCheckpoints: h.missedCheckpoints,
      signedLastRound: h.signedLastRound,
      identityProblem: h.identityProblem,
      signerHealthy: n.signerHealthy,
    },
  };
}

/** GET from the gateway; a typed GatewayError with its reason otherwise. */
export async function getJson<T>(base: string | undefined, path: string, signal?: AbortSignal): Promise<T> {
  if (!base) throw new GatewayError(`${GATEWAY_UNREACHABLE} (none configured)`);
  let response: Response;
  try {
    response = await fetch(new URL(path, base.endsWith('/') ? base : `${base}/`), { headers: { accept: 'application/json' }, signal });
  } catch {
    throw new GatewayError(GATEWAY_UNREACHABLE);
  }
  const body = (await response.json().catch(() => undefined)) as (T & { error?: string; reason?: string }) | undefined;
  if (!response.ok || body === undefined) throw new GatewayError(body?.reason ?? body?.error ?? `gateway answered ${response.status}`);
  return body;
}

export const fetchOverview = (base: string | undefined) => getJson<NetworkJson>(base, 'api/network');

/** Open pools, `limit` at most (one page): what the stake page offers. */
export async function fetchOpenPools(base: string | undefined, limit: number): Promise<{ nodes: NodeEntry[]; total: number }> {
  const body = await getJson<PoolsPageJson>(base, `api/pools/open?limit=${limit}`);
  return { nodes: body.nodes.map(nodeEntry), total: body.total };
}

export async function fetchNodesPage(base: string | undefined, query: NodeListQuery, cursor: string | null): Promise<{ nodes: NodeEntry[]; nextCursor: string | null; total: number }> {
  const params = new URLSearchParams({ limit: String(query.limit ?? 50) });
  if (query.status) params.set('status', query.status);
  if (cursor) params.set('cursor', cursor);
  const body = await getJson<NodesPageJson>(base, `api/nodes?${params}`);
  return { nodes: body.nodes.map(nodeEntry), nextCursor: body.nextCursor, total: body.total };
}

export const fetchNode = async (base: string | undefined, id: bigint) => nodeEntry(await getJson<NodeJson>(base, `api/nodes/${id}`));

export async function fetchAddress(base: string | undefined, address: Address): Promise<AddressData> {
  const a = await getJson<AddressJson>(base, `api/addresses/${address}`);
  return {
    address: a.address as Address,
    stakes: a.stakes.map((st) => ({ nodeId: big(st.nodeId), amount: big(st.amount), status: st.status, canWithdrawAt: st.canWithdrawAt })),
    nodes: a.nodes.map(nodeEntry),
    reservations: new Map(a.reservations.map((r) => [big(r.nodeId), big(r.amount)])),
    history: a.history.map((h) => ({ nodeId: big(h.nodeId), kind: h.kind, amount: big(h.amount) })),
    rewards: { earned: big(a.rewards.earned), claimed: big(a.rewards.claimed), claimable: big(a.rewards.claimable) },
    claim: a.rewards.claim ? { cumulativeAmount: big(a.rewards.claim.cumulativeAmount), proof: a.rewards.claim.proof as `0x${string}`[] } : null,
  };
}
