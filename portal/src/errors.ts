/**
 * Failed transactions in plain words: the contract's custom error (decoded by the sdk from any
 * of our contracts) mapped to a sentence, wallet refusals recognised, anything else summarised.
 */
import { BaseError, UserRejectedRequestError } from 'viem';
import { decodeRevert, type DecodedRevert } from '../../sdk/src/errors.ts';
import { STAKING_ERROR_HINTS } from '../../sdk/src/staking/errors.ts';
import { date, sesh } from './format.ts';

const n = (v: unknown) => BigInt(v as bigint);

/** Custom error name → sentence built from its arguments. */
export const PLAIN_ERRORS: Record<string, (args: readonly unknown[]) => string> = {
  NotStarted: () => 'Staking has not started yet. Try again later.',
  RegistrationsArePaused: () => 'New registrations are paused for now. Existing nodes are not affected.',
  UnknownNode: ([id]) => `There is no node ${id}.`,
  WrongNodeStatus: ([id]) => `Node ${id} is not in a state that allows this any more. Refresh to see its current state.`,
  NotOperator: ([id]) => `Only the operator of node ${id} can do this.`,
  NotContributor: ([id]) => `Your wallet has no stake in node ${id}.`,
  WrongStakeAmount: ([, required]) => `A solo node must stake exactly ${sesh(n(required))}.`,
  FeeTooHigh: () => 'The operator fee can be at most 100%.',
  OperatorStakeTooLow: ([, minimum]) => `The operator must stake at least ${sesh(n(minimum))} (a quarter of the node).`,
  ContributionTooLow: ([, minimum]) => `The amount is below this node's minimum of ${sesh(n(minimum))}.`,
  ContributionTooHigh: ([, maximum]) => `The amount is more than the ${sesh(n(maximum))} of room left in this node.`,
  TooManyContributors: () => 'This node has no free contributor slot left (10 at most, reservations included).',
  InvalidReservation: ([account]) => `The reservation for ${account} is invalid: use distinct addresses (not the operator) and non-zero amounts.`,
  OperatorCannotWithdraw: () => 'The operator cannot withdraw; cancel the node instead (everyone is refunded).',
  WithdrawalTooEarly: ([, at]) => `You can withdraw from ${date(n(at))}, 1 day after your last contribution.`,
  PoolNotFull: ([, missing]) => `The node still needs ${sesh(n(missing))} before it can be activated.`,
  ExitTooEarly: ([, at]) => `An exit can be requested from ${date(n(at))}.`,
  ExitNotUnlocked: ([, at]) => `The stake is still locked; the exit can be completed from ${date(n(at))}.`,
  StakeStillLocked: ([, at]) => `The deregistered stake is locked until ${date(n(at))}.`,
  InvalidProofOfPossession: () => 'The registration was prepared for another wallet or network. Run prepare-registration again with this wallet.',
  InvalidBlsKey: () => 'The node key in the registration is not valid.',
  DuplicateBlsKey: () => 'This node key is already registered. Generate new keys for a new node.',
  SignatureExpired: () => 'The network signature expired before the transaction was mined. Try again for a fresh one.',
  SignatureFromFuture: () => 'The network signature is dated ahead of the chain. Try again in a minute.',
  InsufficientSigners: () => 'Not enough of the network signed. Try again later.',
  InvalidNetworkSignature: () => 'The network signature does not verify. Try again later.',
  InvalidProof: () => 'Your rewards proof is out of date. Refresh and claim again.',
  NothingToClaim: () => 'You have already claimed everything available so far.',
  ExceedsAuthorisedTotal: () => 'The rewards contract cannot pay this claim yet. Try again after the next checkpoint.',
  CommitmentTooNew: ([, at]) => `The name commitment needs to age until ${date(n(at))} (at least 1 minute) before the registration.`,
  CommitmentNotFound: () => 'No matching commitment was found. Start the registration again.',
  CommitmentExpired: () => 'The commitment is older than 24 hours. Start the registration again.',
  CommitmentUnexpired: () => 'This commitment was already made and is still valid.',
  NameNotAvailable: () => 'This name is taken.',
  NameExpired: () => 'This name has expired; register it again.',
  NameNotRenewable: () => 'This name cannot be renewed (it expired past its grace period).',
  NotNameOwner: () => 'Only the owner of this name can do this.',
  InvalidAccountId: () => 'The Session account ID is not valid (05 followed by 64 hex digits).',
  InvalidYears: () => 'Choose between 1 and 10 years.',
  TierNotActive: ([tier]) => `Pro tier ${tier} is not on sale.`,
  PriceAboveMax: ([price, max]) => `The price is now ${sesh(n(price))}, above the ${sesh(n(max))} you agreed to; nothing was paid. Check the new price and try again.`,
  ExpiryNotInFuture: ([expiry]) => `This name expired ${date(n(expiry))}; only names that are still active can be imported.`,
  ZeroAmount: () => 'Enter an amount above zero.',
  ZeroAddress: () => 'An address is missing.',
  ERC20InsufficientBalance: ([, balance, needed]) => `Your SESH balance (${sesh(n(balance))}) is less than the ${sesh(n(needed))} needed.`,
  ERC20InsufficientAllowance: ([, allowance, needed]) => `The staking contract may spend ${sesh(n(allowance))} of your SESH but needs ${sesh(n(needed))}. Approve again.`,
};

export function describeRevert(decoded: DecodedRevert): string {
  const plain = PLAIN_ERRORS[decoded.name];
  if (plain) return plain(decoded.args);
  const hint = STAKING_ERROR_HINTS[decoded.name];
  return hint ? `${hint[0]!.toUpperCase()}${hint.slice(1)}.` : `The contract refused the transaction (${decoded.name}).`;
}

/** A sentence for any error a transaction can end with. */
export function plainError(error: unknown): string {
  const decoded = decodeRevert(error);
  if (decoded) return describeRevert(decoded);
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError)) return 'You rejected the request in your wallet.';
    if (/insufficient funds/i.test(error.message)) return 'Your wallet does not have enough ETH to pay for gas.';
    if (/nonce/i.test(error.message)) return 'Another transaction from this account was sent at the same moment, so this one was not accepted. Wait for it to confirm, then try again.';
    if (/chain|4901/i.test(error.shortMessage) && /mismatch|disconnected|does not match/i.test(error.message)) return 'Your wallet is on another network. Switch it to this portal\'s network and try again.';
    return jargonFree(error.shortMessage);
  }
  return jargonFree(error instanceof Error ? error.message : String(error));
}

/** Wallet-protocol names mean nothing to a person: say "your wallet" instead. */
const jargonFree = (text: string): string => text.replace(/\b(an? )?EIP-1193( provider)?\b/gi, 'your wallet').replace(/\bRPC Request failed\.?/i, 'The network did not accept the request.');
