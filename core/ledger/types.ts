/**
 * The reward ledger's input: chain events reduced to what money depends on. The chain
 * tracker maps contract logs to these, in (block, logIndex) order.
 */
import type { Address } from 'viem';

/** One contributor's stake in a node; rewards go to `beneficiary`. */
export type Position = { contributor: Address; beneficiary: Address; amount: bigint };

export type NodeActivated = {
  kind: 'nodeActivated';
  nodeId: bigint;
  /** Block timestamp of activation, seconds. */
  time: bigint;
  /** Fee in basis points (0–10000), paid to the operator's beneficiary before the pro-rata split. */
  feeBps: number;
  /** positions[0] is the operator's own. */
  positions: Position[];
};

export type NodeRemoved = { kind: 'nodeRemoved'; nodeId: bigint; time: bigint };

/** The node left the signing set: it earns nothing from releases until recommissioned. */
export type NodeDecommissioned = { kind: 'nodeDecommissioned'; nodeId: bigint; time: bigint };
export type NodeRecommissioned = { kind: 'nodeRecommissioned'; nodeId: bigint; time: bigint };

/** The reward pool released `amount` to the rewards contract at `time`. */
export type RewardsReleased = { kind: 'rewardsReleased'; amount: bigint; time: bigint };

export type LedgerEvent = NodeActivated | NodeRemoved | NodeDecommissioned | NodeRecommissioned | RewardsReleased;
