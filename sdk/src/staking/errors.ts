/**
 * What each staking refusal means and what to do, keyed by custom error name, for messages
 * next to sdk/src/errors.ts's decodeRevert (which decodes any of our contracts' errors).
 */
import type { DecodedRevert } from '../errors.ts';

export const STAKING_ERROR_HINTS: Record<string, string> = {
  NotStarted: 'staking has not started yet (migrated nodes are being imported); try again later',
  RegistrationsArePaused: 'new registrations are paused by the admin; existing nodes are unaffected',
  WrongStakeAmount: 'a solo node stakes exactly the current staking requirement; read stakingRequirement() and retry',
  InvalidProofOfPossession: 'the proof of possession does not match this operator, chain and contract; rerun prepare-registration with the sending wallet',
  InvalidBlsKey: 'the BLS key is not a valid BN254 G1 point',
  DuplicateBlsKey: 'this BLS key already belongs to a registered node; generate a new key',
  FeeTooHigh: 'the operator fee is at most 10000 bps (100%)',
  OperatorStakeTooLow: 'the operator must contribute at least 1/4 of the stake',
  ContributionTooLow: 'a new contributor must put in at least (unreserved room ÷ open slots), a reserved one at least the reservation',
  ContributionTooHigh: 'the amount exceeds the room left (reserved room is kept for its holders)',
  TooManyContributors: 'a node has at most 10 contributors (reservations count)',
  InvalidReservation: 'reservations need distinct non-zero addresses other than the operator and non-zero amounts',
  OperatorCannotWithdraw: 'the operator leaves a filling node by cancelling it (refunding everyone)',
  WithdrawalTooEarly: 'contributions can be withdrawn 1 day after your last contribution',
  PoolNotFull: 'the node is not fully staked yet',
  NotOperator: 'only the node operator can do this',
  NotContributor: 'the sender is not a contributor of this node',
  UnknownNode: 'no node has this id',
  WrongNodeStatus: 'the node is not in the state this action needs',
  ExitTooEarly: 'exits can be requested 2 h after activation (30 days for contributors under 1/4 of the stake)',
  ExitNotUnlocked: 'the stake unlocks 15 days after the exit request (30 days without a network signature)',
  StakeStillLocked: 'a deregistered stake is released 30 days after the deregistration',
  SignatureExpired: 'the network signature is older than 10 minutes; ask the network for a fresh one',
  SignatureFromFuture: 'the signature time is ahead of the chain by more than 3 minutes',
  InsufficientSigners: 'fewer than 2/3 of the active nodes signed',
  InvalidNetworkSignature: 'the aggregate signature does not verify (wrong message, chain, contract or purpose)',
  NonSignerListedTwice: 'a non-signer is listed twice',
  NonSignersNotSorted: 'non-signers must be sorted by node id',
  NonSignerNotActive: 'a listed non-signer is not an active node',
  NonSignerKeyMismatch: 'a non-signer key does not match the registered key',
  StakingRequirementOutOfBounds: 'the staking requirement must be within 1,000–1,000,000 SESH',
  PenaltyOutOfBounds: 'the penalty is at most 1000 bps and the liquidator reward at most the penalty',
  AlreadyStarted: 'staking has already started (seeding is closed)',
  EpochNotNext: 'a checkpoint epoch must be exactly the latest epoch + 1 (read epoch() and sign epoch() + 1)',
  CheckpointTooSoon: 'checkpoints land at least minCheckpointInterval() apart; submit it at or after the given time',
  CheckpointIntervalTooLong: 'minCheckpointInterval is at most 1 day',
  TotalDecreased: 'a checkpoint total can never decrease',
  TotalExceedsReceived: 'the checkpoint authorises more than the rewards contract has received',
  InvalidProof: 'the Merkle proof matches neither the current nor the previous checkpoint; fetch a fresh proof',
  NothingToClaim: 'everything in this checkpoint has already been claimed',
  ExceedsAuthorisedTotal: 'claims would exceed the authorised total',
};

/** "ErrorName(args): hint" for a decoded staking revert. */
export function describeStakingRevert(decoded: DecodedRevert): string {
  const args = decoded.args.map((a) => String(a)).join(', ');
  const hint = STAKING_ERROR_HINTS[decoded.name];
  return `${decoded.name}(${args})${hint ? `: ${hint}` : ''}`;
}
