/**
 * The payload hashes the network signs for each staking purpose, byte-for-byte as the
 * contracts compute them. The network digest around them (chain id, the SessionStaking
 * address, purpose) is sdk/src/bls's `networkDigest`.
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem';
import { COMMISSION_PURPOSE, DEREGISTER_PURPOSE, EXIT_PURPOSE, REWARDS_PURPOSE } from './constants.ts';

/** keccak256(abi.encode(uint64 nodeId, uint64 signedAt)): exits and deregistrations. */
function nodePayloadHash(nodeId: bigint, signedAt: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: 'uint64' }, { type: 'uint64' }], [nodeId, signedAt]));
}

/** Payload of "node `nodeId` may exit", signed at `signedAt` (unix seconds). */
export function exitPayloadHash(nodeId: bigint, signedAt: bigint): Hex {
  return nodePayloadHash(nodeId, signedAt);
}

/** Payload of "deregister node `nodeId`", signed at `signedAt`. */
export function deregisterPayloadHash(nodeId: bigint, signedAt: bigint): Hex {
  return nodePayloadHash(nodeId, signedAt);
}

export type RewardsCheckpoint = {
  /** The StakingRewards contract the checkpoint is for (part of the payload). */
  stakingRewards: Address;
  epoch: bigint;
  /** StandardMerkleTree root over (address, uint256 cumulativeAmount). */
  root: Hex;
  cumulativeTotal: bigint;
  ledgerBlock: bigint;
  signedAt: bigint;
};

/** keccak256(abi.encode(stakingRewards, epoch, root, cumulativeTotal, ledgerBlock, signedAt)). */
export function rewardsPayloadHash(c: RewardsCheckpoint): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'address' }, { type: 'uint64' }, { type: 'bytes32' }, { type: 'uint256' }, { type: 'uint64' }, { type: 'uint64' }],
      [c.stakingRewards, c.epoch, c.root, c.cumulativeTotal, c.ledgerBlock, c.signedAt],
    ),
  );
}

export type CommissionUpdate = {
  /** Must equal the registry's commissionRound() when it lands. */
  round: bigint;
  /** Commissioned node ids leaving the signing set, strictly increasing. */
  decommission: readonly bigint[];
  /** Decommissioned node ids rejoining it, strictly increasing, none in both lists. */
  recommission: readonly bigint[];
  signedAt: bigint;
};

/** keccak256(abi.encode(uint64 round, uint64[] decommission, uint64[] recommission, uint64 signedAt)). */
export function commissionPayloadHash(u: CommissionUpdate): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'uint64' }, { type: 'uint64[]' }, { type: 'uint64[]' }, { type: 'uint64' }],
      [u.round, u.decommission, u.recommission, u.signedAt],
    ),
  );
}

/** The purpose and payload hash of each signable staking message, for sdk/src/bls's networkDigest. */
export function exitMessage(nodeId: bigint, signedAt: bigint): { purpose: Hex; payloadHash: Hex } {
  return { purpose: EXIT_PURPOSE, payloadHash: exitPayloadHash(nodeId, signedAt) };
}
export function deregisterMessage(nodeId: bigint, signedAt: bigint): { purpose: Hex; payloadHash: Hex } {
  return { purpose: DEREGISTER_PURPOSE, payloadHash: deregisterPayloadHash(nodeId, signedAt) };
}
export function rewardsMessage(c: RewardsCheckpoint): { purpose: Hex; payloadHash: Hex } {
  return { purpose: REWARDS_PURPOSE, payloadHash: rewardsPayloadHash(c) };
}
export function commissionMessage(u: CommissionUpdate): { purpose: Hex; payloadHash: Hex } {
  return { purpose: COMMISSION_PURPOSE, payloadHash: commissionPayloadHash(u) };
}
