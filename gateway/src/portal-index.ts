/**
 * The gateway's index for the portal: the chain view it already follows, turned into paged
 * lists (nodes by status, open pools), one node with the network's health of it, and one
 * address's stakes and history. A portal tab then makes a handful of requests at any network
 * size instead of one chain read per node and getLogs from the deploy block.
 */
import { getAddress, type Address } from 'viem';
import { badRequest } from '../../core/http/errors.ts';
import { isActive, stakeOf, type NodeState } from '../../core/state/network-state.ts';
import { WITHDRAW_DELAY } from '../../sdk/src/staking/constants.ts';
import {
  API_NODE_STATUSES,
  DEFAULT_PAGE,
  MAX_PAGE,
  type AddressJson,
  type ApiNodeStatus,
  type HistoryJson,
  type NodeJson,
  type PoolJson,
} from '../../sdk/src/network/portal-api.ts';

const s = (v: bigint | number) => v.toString();

/**
 * The status the portal shows: the registry's, with an exit request split in two by chain
 * time: `unlocking` until unlockAt, `exitRequested` (ready to complete) after it.
 */
export function apiStatus(node: NodeState, chainTime: number): ApiNodeStatus {
  if (node.status === 'exitRequested' && node.unlockAt !== null && chainTime < node.unlockAt) return 'unlocking';
  return node.status;
}

/** What the gateway knows of the network around a node (none of it is on the chain). */
export type HealthSources = {
  /** ed25519 key → the node's latest valid announcement. */
  announcement: (ed25519: string) => { url: string; timestamp: number } | undefined;
  /** ed25519 key → its endpoint is benched for a bad answer. */
  benched: (ed25519: string) => boolean;
  /** The latest signing round's signers and non-signers (node ids), if any. */
  lastRound: () => { signers: readonly bigint[]; nonSigners: readonly bigint[] } | undefined;
};

export function nodeJson(n: NodeState, chainTime: number, health: HealthSources): NodeJson {
  const announced = health.announcement(n.ed25519Key);
  const round = health.lastRound();
  const active = isActive(n);
  const decommissionedAt = n.decommissionedAt ?? null;
  return {
    nodeId: s(n.nodeId),
    operator: getAddress(n.operator),
    status: apiStatus(n, chainTime),
    feeBps: n.feeBps,
    stake: s(stakeOf(n)),
    stakeRequired: s(n.stakeRequired),
    autoActivate: n.autoActivate,
    contributors: n.contributors.map((c) => ({ address: getAddress(c.address), beneficiary: getAddress(c.beneficiary), amount: s(c.amount), lastContributionAt: c.lastContributionAt })),
    reserved: n.reserved.map((r) => ({ address: getAddress(r.address), amount: s(r.amount) })),
    openedAt: n.openedAt,
    activatedAt: n.activatedAt,
    exitRequestedAt: n.exitRequestedAt,
    unlockAt: n.unlockAt,
    deregisteredAt: n.deregisteredAt,
    releaseAt: n.releaseAt,
    exitedAt: n.exitedAt,
    blsPublicKey: `0x${n.blsKey.x.toString(16).padStart(64, '0')}${n.blsKey.y.toString(16).padStart(64, '0')}`,
    ed25519PublicKey: n.ed25519Key,
    signerHealthy: active && announced !== undefined && !health.benched(n.ed25519Key),
    health: {
      announcedUrl: announced?.url ?? null,
      lastAnnouncedAt: announced?.timestamp ?? null,
      decommissioned: active && decommissionedAt !== null,
      decommissionedAt: active && decommissionedAt !== null ? s(decommissionedAt) : null,
      missedCheckpoints: n.missedCheckpoints ?? 0,
      signedLastRound: !active || !round ? null : round.signers.includes(n.nodeId) ? true : round.nonSigners.includes(n.nodeId) ? false : null,
      identityProblem: n.identityProblem,
    },
  };
}

/** `?limit=` (1..MAX_PAGE, default DEFAULT_PAGE) and `?cursor=` (a node id, exclusive); 400 otherwise. */
export function pageParams(query: URLSearchParams): { limit: number; after: bigint } {
  const rawLimit = query.get('limit');
  const rawCursor = query.get('cursor');
  if (rawLimit !== null && (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_PAGE)) {
    throw badRequest(`limit "${rawLimit}" must be an integer from 1 to ${MAX_PAGE}`, 'invalid_limit');
  }
  if (rawCursor !== null && rawCursor !== '' && !/^\d{1,20}$/.test(rawCursor)) {
    throw badRequest(`cursor "${rawCursor}" is not a node id; pass the nextCursor of the previous page`, 'invalid_cursor');
  }
  return { limit: rawLimit === null ? DEFAULT_PAGE : Number(rawLimit), after: rawCursor ? BigInt(rawCursor) : 0n };
}

/** `?status=` one of API_NODE_STATUSES, or absent for every node; 400 otherwise. */
export function statusParam(query: URLSearchParams): ApiNodeStatus | undefined {
  const raw = query.get('status');
  if (raw === null || raw === '') return undefined;
  if (!(API_NODE_STATUSES as readonly string[]).includes(raw)) throw badRequest(`status "${raw}" is not one of ${API_NODE_STATUSES.join(', ')}`, 'invalid_status');
  return raw as ApiNodeStatus;
}

/** Nodes in id order after `after`, at most `limit`, and the cursor of the next page. */
export function page<T extends NodeState>(nodes: readonly T[], after: bigint, limit: number): { items: T[]; nextCursor: string | null; total: number } {
  const sorted = [...nodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  const rest = sorted.filter((n) => n.nodeId > after);
  const items = rest.slice(0, limit);
  return { items, nextCursor: rest.length > limit ? s(items.at(-1)!.nodeId) : null, total: sorted.length };
}

export function countByStatus(nodes: Iterable<NodeState>, chainTime: number): Record<ApiNodeStatus, number> {
  const counts = Object.fromEntries(API_NODE_STATUSES.map((st) => [st, 0])) as Record<ApiNodeStatus, number>;
  for (const n of nodes) counts[apiStatus(n, chainTime)]++;
  return counts;
}

export function poolJson(n: NodeState): PoolJson {
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
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** An address's stakes, reservations, nodes and stake history, from the followed chain state. */
export function addressIndex(nodes: Iterable<NodeState>, address: Address, chainTime: number, health: HealthSources): Omit<AddressJson, 'rewards'> {
  const stakes: AddressJson['stakes'] = [];
  const reservations: AddressJson['reservations'] = [];
  const history: HistoryJson[] = [];
  const mine: NodeJson[] = [];
  for (const n of nodes) {
    const contribution = n.contributors.find((c) => same(c.address, address));
    const reserved = n.reserved.find((r) => same(r.address, address));
    const returned = n.returned.filter((r) => same(r.address, address));
    const withdrawn = (n.withdrawn ?? []).filter((r) => same(r.address, address));
    if (!contribution && !reserved && returned.length === 0 && withdrawn.length === 0 && !same(n.operator, address)) continue;
    mine.push(nodeJson(n, chainTime, health));
    if (contribution) {
      stakes.push({
        nodeId: s(n.nodeId),
        amount: s(contribution.amount),
        status: apiStatus(n, chainTime),
        canWithdrawAt:
          n.status === 'awaitingContributions' ? (same(contribution.address, n.operator) ? null : contribution.lastContributionAt + Number(WITHDRAW_DELAY)) :
          n.status === 'exitRequested' ? n.unlockAt :
          n.status === 'deregistered' ? n.releaseAt : null,
      });
      history.push({ nodeId: s(n.nodeId), kind: 'contributed', amount: s(contribution.amount) });
    }
    if (reserved) reservations.push({ nodeId: s(n.nodeId), amount: s(reserved.amount) });
    for (const w of withdrawn) history.push({ nodeId: s(n.nodeId), kind: 'withdrawn', amount: s(w.amount) });
    for (const r of returned) history.push({ nodeId: s(n.nodeId), kind: 'returned', amount: s(r.amount) });
  }
  return { address: getAddress(address), stakes, nodes: mine, reservations, history, names: null };
}
