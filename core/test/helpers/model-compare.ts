/**
 * The model test's comparison: one node as the node's state machine sees it and as
 * SessionStaking.nodeRecord reports it, in one shape, so a difference reads as a diff.
 */
import type { NodeRecord } from '../../../sdk/src/staking/index.ts';
import { stakeOf, type NodeState, type NodeStatus } from '../../state/network-state.ts';

/** How the test opened a node: solo and seeded nodes write only the contract's slot 0. */
export type NodeKind = 'seeded' | 'solo' | 'pool';

const lower = (a: string) => a.toLowerCase();

export const STATUS: Record<NodeRecord['status'], NodeStatus | null> = {
  None: null,
  AwaitingContributions: 'awaitingContributions',
  Active: 'running',
  ExitRequested: 'exitRequested',
  Deregistered: 'deregistered',
  Exited: 'exited',
  Cancelled: 'cancelled',
};

/** The node's view and the chain's, in one shape, so a difference reads as a diff. */
export function nodeShapes(node: NodeState | undefined, kind: NodeKind | undefined, record: NodeRecord, reservationAmounts: readonly bigint[]) {
  const chain = {
    exists: record.status !== 'None',
    operator: lower(record.operator),
    status: STATUS[record.status],
    feeBps: record.feeBps,
    autoActivate: record.autoActivate,
    activatedAt: record.activatedAt,
    stakeRequired: record.stakeRequired,
    totalStaked: record.status === 'AwaitingContributions' ? record.totalStaked : null,
    reservedCount: record.reservedCount,
    reservedOutstanding: record.reservedOutstanding,
    reservations: reservationAmounts,
    exitRequestedAt: record.exitRequestedAt,
    deregisteredAt: record.deregisteredAt,
    pendingKey: record.pendingKey,
    contributors: record.contributors.map((c) => [lower(c.contributor), c.amount, c.lastContributionAt]),
  };
  if (!node) return { chain, mine: { exists: false } };
  const filling = node.status === 'awaitingContributions';
  const paidOut = node.status === 'exited' || node.status === 'cancelled';
  const mine = {
    exists: true,
    operator: lower(node.operator),
    status: node.status,
    // Solo and seeded nodes keep only slot 0 (no fee for solo, no autoActivate, no stakeRequired).
    feeBps: node.feeBps,
    autoActivate: kind === 'pool' ? node.autoActivate : false,
    activatedAt: BigInt(node.activatedAt ?? 0),
    stakeRequired: kind === 'pool' ? node.stakeRequired : 0n,
    totalStaked: filling ? stakeOf(node) : null,
    reservedCount: node.reserved.length,
    reservedOutstanding: node.reserved.reduce((s, r) => s + r.amount, 0n),
    reservations: node.reserved.map((r) => r.amount),
    exitRequestedAt: BigInt(node.exitRequestedAt ?? 0),
    deregisteredAt: BigInt(node.deregisteredAt ?? 0),
    pendingKey: filling ? node.blsKey.x | ((node.blsKey.y & 1n) << 255n) : 0n,
    // Paid-out nodes: the contract clears the list; the node keeps it (and what was returned).
    contributors: paidOut ? [] : node.contributors.map((c) => [lower(c.address), c.amount, BigInt(c.lastContributionAt)]),
  };
  return { chain, mine };
}
