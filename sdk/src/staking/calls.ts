/**
 * Builders for every staking call: each returns `{ address, abi, functionName, args }`, ready
 * for viem's writeContract / simulateContract / encodeFunctionData (spread it in).
 */
import { erc20Abi, type Address, type ContractFunctionArgs, type ContractFunctionName, type Hex } from 'viem';
import { NetworkKeyRegistry, SessionStaking, StakingRewards } from '../generated/contracts.ts';
import type { NetworkSignatureArgs } from '../bls/index.ts';
import type { NodeKeysArgs } from './registration.ts';
import type { CommissionUpdate } from './payloads.ts';
import type { RewardsProof } from './rewards-tree.ts';

type StakingAbi = typeof SessionStaking.abi;
type RewardsAbi = typeof StakingRewards.abi;
type Write<A extends readonly unknown[]> = ContractFunctionName<A & import('viem').Abi, 'nonpayable'>;

export type StakingCall<F extends Write<StakingAbi>> = {
  address: Address;
  abi: StakingAbi;
  functionName: F;
  args: ContractFunctionArgs<StakingAbi, 'nonpayable', F>;
};
export type RewardsCall<F extends Write<RewardsAbi>> = {
  address: Address;
  abi: RewardsAbi;
  functionName: F;
  args: ContractFunctionArgs<RewardsAbi, 'nonpayable', F>;
};

const staking = <F extends Write<StakingAbi>>(address: Address, functionName: F, args: ContractFunctionArgs<StakingAbi, 'nonpayable', F>): StakingCall<F> => ({
  address,
  abi: SessionStaking.abi,
  functionName,
  args,
});
const rewards = <F extends Write<RewardsAbi>>(address: Address, functionName: F, args: ContractFunctionArgs<RewardsAbi, 'nonpayable', F>): RewardsCall<F> => ({
  address,
  abi: StakingRewards.abi,
  functionName,
  args,
});

const ZERO: Address = '0x0000000000000000000000000000000000000000';

/** SESH allowance for SessionStaking to pull a stake (registration, contribution, seeding). */
export function approveStakeCall(token: Address, spender: Address, amount: bigint) {
  return { address: token, abi: erc20Abi, functionName: 'approve' as const, args: [spender, amount] as const };
}

/** Solo node: `amount` must equal stakingRequirement(). beneficiary defaults to the sender. */
export function registerSoloNodeCall(contract: Address, a: { keys: NodeKeysArgs; amount: bigint; beneficiary?: Address }) {
  return staking(contract, 'registerSoloNode', [a.keys, a.amount, a.beneficiary ?? ZERO]);
}

export type Reservation = { account: Address; amount: bigint };

/** Multi-contributor node, the sender as operator (≥ 1/4 of the stake). */
export function openPoolCall(
  contract: Address,
  a: { keys: NodeKeysArgs; feeBps: number; reserved?: readonly Reservation[]; autoActivate: boolean; operatorAmount: bigint; beneficiary?: Address },
) {
  return staking(contract, 'openPool', [a.keys, a.feeBps, a.reserved ?? [], a.autoActivate, a.operatorAmount, a.beneficiary ?? ZERO]);
}

export function contributeCall(contract: Address, a: { nodeId: bigint; amount: bigint; beneficiary?: Address }) {
  return staking(contract, 'contribute', [a.nodeId, a.amount, a.beneficiary ?? ZERO]);
}

export function withdrawContributionCall(contract: Address, nodeId: bigint) {
  return staking(contract, 'withdrawContribution', [nodeId]);
}

export function cancelPoolCall(contract: Address, nodeId: bigint) {
  return staking(contract, 'cancelPool', [nodeId]);
}

export function activateCall(contract: Address, nodeId: bigint) {
  return staking(contract, 'activate', [nodeId]);
}

export function requestExitCall(contract: Address, nodeId: bigint) {
  return staking(contract, 'requestExit', [nodeId]);
}

/** `sig` from sdk/src/bls's networkSignatureArgs over exitMessage(nodeId, signedAt). */
export function exitWithSignatureCall(contract: Address, a: { nodeId: bigint; signedAt: bigint; sig: NetworkSignatureArgs }) {
  return staking(contract, 'exitWithSignature', [a.nodeId, a.signedAt, a.sig]);
}

export function exitWithoutSignatureCall(contract: Address, nodeId: bigint) {
  return staking(contract, 'exitWithoutSignature', [nodeId]);
}

/** `sig` over deregisterMessage(nodeId, signedAt); the sender receives the liquidator reward. */
export function deregisterWithSignatureCall(contract: Address, a: { nodeId: bigint; signedAt: bigint; sig: NetworkSignatureArgs }) {
  return staking(contract, 'deregisterWithSignature', [a.nodeId, a.signedAt, a.sig]);
}

export function releaseDeregisteredStakeCall(contract: Address, nodeId: bigint) {
  return staking(contract, 'releaseDeregisteredStake', [nodeId]);
}

// ── admin (owner only) ──

export function setRegistrationsPausedCall(contract: Address, paused: boolean) {
  return staking(contract, 'setRegistrationsPaused', [paused]);
}

export function setParametersCall(contract: Address, a: { stakingRequirement: bigint; penaltyBps: number; liquidatorRewardBps: number }) {
  return staking(contract, 'setParameters', [a.stakingRequirement, a.penaltyBps, a.liquidatorRewardBps]);
}

export type SeedNodeInput = {
  keys: NodeKeysArgs;
  operator: Address;
  feeBps: number;
  /** Operator first; amounts sum to stakingRequirement(). */
  contributors: readonly { contributor: Address; amount: bigint; beneficiary?: Address }[];
};

/** Imports migrated nodes before start(); the sender must have approved Σ amounts. */
export function seedNodesCall(contract: Address, nodes: readonly SeedNodeInput[]) {
  return staking(contract, 'seedNodes', [
    nodes.map((n) => ({
      keys: n.keys,
      operator: n.operator,
      feeBps: n.feeBps,
      contributors: n.contributors.map((c) => ({ contributor: c.contributor, beneficiary: c.beneficiary ?? ZERO, amount: c.amount })),
    })),
  ]);
}

export function startCall(contract: Address) {
  return staking(contract, 'start', []);
}

// ── rewards ──

export function authoriseRewardsCall(
  contract: Address,
  a: { epoch: bigint; root: Hex; cumulativeTotal: bigint; ledgerBlock: bigint; signedAt: bigint; sig: NetworkSignatureArgs },
) {
  return rewards(contract, 'authoriseRewards', [a.epoch, a.root, a.cumulativeTotal, a.ledgerBlock, a.signedAt, a.sig]);
}

/** Anyone may send it; the tokens go to `proof.account`. */
export function claimRewardsCall(contract: Address, proof: RewardsProof) {
  return rewards(contract, 'claim', [proof.account, proof.cumulativeAmount, proof.proof]);
}

// ── commission (NetworkKeyRegistry; anyone may send) ──

/** `registry` is SessionStaking.keyRegistry() (deployments: NetworkKeyRegistry); `sig` over commissionMessage(update). */
export function updateCommissionCall(registry: Address, a: CommissionUpdate & { sig: NetworkSignatureArgs }) {
  return {
    address: registry,
    abi: NetworkKeyRegistry.abi,
    functionName: 'updateCommission' as const,
    args: [a.round, a.decommission, a.recommission, a.signedAt, a.sig] as const,
  };
}
