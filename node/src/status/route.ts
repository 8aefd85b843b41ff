/**
 * `GET /status`: everything an operator asks about their node, in one JSON (see types.ts),
 * read from the state this node already follows. The parts other modules own (announcement,
 * tests, commission, downtime credit) come through optional providers passed in by main.ts;
 * a missing provider is reported as `{ available: false }`, never guessed.
 */
import type { TrackerStatus } from '../../../core/chain/tracker.ts';
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import { isLive, stakeOf, type NodeState } from '../../../core/state/network-state.ts';
import { ledgerBalances } from '../../../core/ledger/ledger.ts';
import { route, type Route } from '../../../core/http/server.ts';
import type { NodeStatusJson, StatusAnnouncement, StatusCommission, StatusRewards, StatusTests } from './types.ts';

type Provided<T> = Omit<T, 'available'>;

export type StatusProviders = {
  announcement?: () => Provided<StatusAnnouncement>;
  tests?: (node: NodeState | null) => Provided<StatusTests>;
  commission?: (node: NodeState) => Provided<StatusCommission>;
  /** Downtime credit left, chain seconds. */
  credit?: (node: NodeState) => bigint;
};

export type StatusContext = {
  network: NetworkConsumer;
  trackerStatus: () => TrackerStatus;
  /** The node's /health verdict (chain connection and follower). */
  health: () => { ok: boolean; reason: string | null };
  chainId: number;
  ed25519PublicKey: string;
  software: string;
  providers?: StatusProviders;
  now?: () => number;
};

/** This node's registration: the live one with its ed25519 key, else its latest (exited, deregistered…). */
export function ownNode(nodes: Iterable<NodeState>, ed25519: string): NodeState | null {
  const key = ed25519.toLowerCase();
  let live: NodeState | null = null;
  let latest: NodeState | null = null;
  for (const n of nodes) {
    if (n.ed25519Key.toLowerCase() !== key) continue;
    if (isLive(n) && (live === null || n.nodeId > live.nodeId)) live = n;
    if (latest === null || n.nodeId > latest.nodeId) latest = n;
  }
  return live ?? latest;
}

function rewardsOf(ctx: StatusContext, node: NodeState): StatusRewards {
  const view = ctx.network.view();
  const earned = new Map(ledgerBalances(view.ledger).map((b) => [b.account.toLowerCase(), b.amount]));
  const operator = node.operator.toLowerCase();
  const seen = new Set<string>();
  const accounts: StatusRewards['accounts'] = [];
  for (const c of node.contributors) {
    const account = c.beneficiary.toLowerCase();
    if (seen.has(account)) continue;
    seen.add(account);
    accounts.push({
      account,
      role: c.address.toLowerCase() === operator ? 'operator' : 'contributor',
      earned: (earned.get(account) ?? 0n).toString(),
      claimed: (view.state.claimed.get(account) ?? 0n).toString(),
    });
  }
  return {
    nodeEarned: (view.ledger.nodes.get(node.nodeId)?.earned ?? 0n).toString(),
    accounts,
    lastCheckpointEpoch: view.state.lastCheckpoint ? view.state.lastCheckpoint.epoch.toString() : null,
  };
}

export function nodeStatus(ctx: StatusContext): NodeStatusJson {
  const view = ctx.network.view();
  const node = ownNode(view.state.nodes.values(), ctx.ed25519PublicKey);
  const p = ctx.providers ?? {};
  const tracker = ctx.trackerStatus();
  const health = ctx.health();
  const head = tracker.head ?? null;
  return {
    version: 1,
    software: ctx.software,
    ed25519PublicKey: ctx.ed25519PublicKey,
    now: Math.floor((ctx.now?.() ?? Date.now()) / 1000),
    node: node && {
      nodeId: node.nodeId.toString(),
      status: node.status,
      operator: node.operator,
      feeBps: node.feeBps,
      stake: stakeOf(node).toString(),
      activatedAt: node.activatedAt,
      identityProblem: node.identityProblem,
    },
    announcement: p.announcement ? { available: true, ...p.announcement() } : { available: false },
    tests: p.tests ? { available: true, ...p.tests(node) } : { available: false },
    commission: p.commission && node ? { available: true, ...p.commission(node) } : { available: false },
    credit: p.credit && node ? { available: true, secondsLeft: p.credit(node).toString() } : { available: false },
    rewards: node ? rewardsOf(ctx, node) : null,
    chain: {
      ok: health.ok,
      reason: health.reason,
      height: view.height,
      head,
      behind: head === null ? null : Math.max(0, head - view.height),
      syncing: tracker.syncing,
      chainId: ctx.chainId,
    },
  };
}

export const statusRoute = (ctx: StatusContext): Route => route('GET', '/status', () => nodeStatus(ctx));
