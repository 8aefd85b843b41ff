/**
 * Rewards as a person can check them, from the ledger's rules (core/ledger/ledger.ts): each pool
 * release is split equally among the nodes active for at least 24 h; within a node the operator
 * fee comes off first and the rest is shared by stake. Estimates only (the checkpoint is the
 * truth), computed from chain figures the page already has.
 */
import type { Address } from 'viem';
import { BPS } from '../../sdk/src/staking/constants.ts';
import type { NodeView } from './chain.ts';

/** A node earns from releases once it has been active this long (the ledger's ELIGIBILITY_SECONDS). */
export const WARM_UP_SECONDS = 24n * 3600n;
const DAY = 86_400n;

const earning = (n: NodeView) => n.status === 'Active' || n.status === 'ExitRequested';

/** When an active node starts earning (activation + 24 h); undefined when it is not running. */
export const earnsFrom = (node: NodeView): bigint | undefined => (earning(node) ? node.activatedAt + WARM_UP_SECONDS : undefined);

export const isEligible = (node: NodeView, now: bigint): boolean => earning(node) && now >= node.activatedAt + WARM_UP_SECONDS;

/** What one eligible node earns per day, before its fee: the pool's daily release over the eligible nodes. */
export function nodeDaily(nodes: readonly NodeView[], ratePerSecond: bigint, now: bigint): bigint {
  const eligible = nodes.filter((n) => isEligible(n, now)).length;
  return eligible === 0 ? 0n : (ratePerSecond * DAY) / BigInt(eligible);
}

/** `account`'s share of one node's earnings: the fee if it operates the node, plus its stake's part of the rest. */
export function shareOf(node: NodeView, account: Address, amount: bigint): bigint {
  const mine = node.contributors.filter((c) => c.contributor.toLowerCase() === account.toLowerCase()).reduce((s, c) => s + c.amount, 0n);
  if (node.stake === 0n && node.totalStaked === 0n) return 0n;
  const stake = node.stake > 0n ? node.stake : node.totalStaked;
  const fee = (amount * BigInt(node.feeBps)) / BPS;
  const operatorFee = node.operator.toLowerCase() === account.toLowerCase() ? fee : 0n;
  return operatorFee + ((amount - fee) * mine) / stake;
}

/** `account`'s estimated daily rewards across `nodes` (only nodes past their warm-up earn). */
export function dailyEstimate(nodes: readonly NodeView[], account: Address, ratePerSecond: bigint, now: bigint, all: readonly NodeView[] = nodes): bigint {
  const perNode = nodeDaily(all, ratePerSecond, now);
  return nodes.filter((n) => isEligible(n, now)).reduce((sum, n) => sum + shareOf(n, account, perNode), 0n);
}

/** Estimated rewards accrued since the last checkpoint (claimable only after the next one). */
export function sinceCheckpoint(daily: bigint, lastCheckpointAt: number | undefined, now: bigint): bigint {
  if (lastCheckpointAt === undefined) return 0n;
  const elapsed = now - BigInt(lastCheckpointAt);
  return elapsed <= 0n ? 0n : (daily * elapsed) / DAY;
}
