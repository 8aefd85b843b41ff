/**
 * The staking rules as SessionStaking / StakingRewards define them (their internal constants,
 * mirrored here so portals and nodes can explain a refusal before sending a transaction).
 */
import { keccak256, toBytes, type Hex } from 'viem';
import { sesh } from '../units.ts';

/** Stake of one node at deployment: 25,000 SESH (settable by the owner within the bounds below). */
export const DEFAULT_STAKING_REQUIREMENT = sesh(25_000);
export const MIN_STAKING_REQUIREMENT = sesh(1_000);
export const MAX_STAKING_REQUIREMENT = sesh(1_000_000);

export const MAX_CONTRIBUTORS = 10;
export const BPS = 10_000n;
/** The operator's first contribution is at least ⌈stake / 4⌉. */
export const OPERATOR_MIN_DIVISOR = 4n;
export const DEFAULT_PENALTY_BPS = 100;
export const DEFAULT_LIQUIDATOR_REWARD_BPS = 10;
export const MAX_PENALTY_BPS = 1_000;

const HOUR = 3600n;
const DAY = 24n * HOUR;
/** A contributor may withdraw from a filling node this long after their last contribution. */
export const WITHDRAW_DELAY = DAY;
/** No exit request within this long of activation. */
export const EXIT_REQUEST_DELAY = 2n * HOUR;
/** A contributor with under 1/4 of the stake cannot request an exit this long after activation. */
export const SMALL_CONTRIBUTOR_EXIT_DELAY = 30n * DAY;
/** A requested exit unlocks (with a network signature) this long after the request. */
export const EXIT_UNLOCK_DELAY = 15n * DAY;
/** Anyone can finish a requested exit without a signature this long after the request. */
export const EXIT_WITHOUT_SIGNATURE_DELAY = 30n * DAY;
/** A deregistered node's stake is locked this long. */
export const DEREGISTRATION_LOCK = 30n * DAY;
/** A network signature is accepted until signedAt + this. */
export const SIGNATURE_TTL = 10n * 60n;
/** … and from signedAt − this (clock skew between the network and the chain). */
export const MAX_CLOCK_SKEW = 3n * 60n;

/**
 * StakingRewards.minCheckpointInterval on real networks (seconds): checkpoints land at least this
 * far apart, so a fetched proof stays claimable at least this long. Each deployment fixes its own
 * value (immutable); nodes and the gateway read minCheckpointInterval() from the contract.
 */
export const DEFAULT_MIN_CHECKPOINT_INTERVAL = HOUR;
/** The contract's upper bound for minCheckpointInterval. */
export const MAX_CHECKPOINT_INTERVAL = DAY;

/** Signature purposes (keccak256 of the name), as the contracts define them. */
export const EXIT_PURPOSE: Hex = keccak256(toBytes('SESH.staking.exit.v1'));
export const DEREGISTER_PURPOSE: Hex = keccak256(toBytes('SESH.staking.deregister.v1'));
export const REWARDS_PURPOSE: Hex = keccak256(toBytes('SESH.rewards.checkpoint.v1'));
/** NetworkKeyRegistry.updateCommission: decommission / recommission nodes. */
export const COMMISSION_PURPOSE: Hex = keccak256(toBytes('SESH.network.commission.v1'));
/** NetworkKeyRegistry: at most ⌊commissioned / 3⌋ decommissions per update (≥ 1, never the last node). */
export function maxDecommissions(commissioned: number): number {
  const max = Math.floor(commissioned / 3);
  return max === 0 && commissioned > 1 ? 1 : max;
}

/** SessionStaking.Status, by its uint8 value. */
export const NODE_STATUSES = [
  'None',
  'AwaitingContributions',
  'Active',
  'ExitRequested',
  'Deregistered',
  'Exited',
  'Cancelled',
] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];
