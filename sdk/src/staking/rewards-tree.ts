/**
 * The rewards checkpoint tree: an OpenZeppelin StandardMerkleTree over
 * (address account, uint256 cumulativeAmount), leaves double-hashed, as StakingRewards.claim
 * verifies with OpenZeppelin's MerkleProof.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { getAddress, isAddress, type Address, type Hex } from 'viem';

export const REWARDS_LEAF_ENCODING = ['address', 'uint256'] as const;

export type RewardsEntry = { account: Address; cumulativeAmount: bigint };
export type RewardsTree = StandardMerkleTree<[string, string]>;
export type RewardsProof = { account: Address; cumulativeAmount: bigint; proof: Hex[] };

export class RewardsTreeError extends Error {
  override name = 'RewardsTreeError';
}

/** Builds the tree; refuses an empty list, a bad address, a negative amount or a duplicate account. */
export function buildRewardsTree(entries: readonly RewardsEntry[]): RewardsTree {
  if (entries.length === 0) throw new RewardsTreeError('a rewards tree needs at least one account');
  const seen = new Set<string>();
  const values = entries.map(({ account, cumulativeAmount }) => {
    if (!isAddress(account)) throw new RewardsTreeError(`"${account}" is not an address`);
    const normalised = getAddress(account);
    if (seen.has(normalised)) throw new RewardsTreeError(`account ${normalised} appears twice; merge its amounts first`);
    seen.add(normalised);
    if (typeof cumulativeAmount !== 'bigint' || cumulativeAmount < 0n || cumulativeAmount >= 2n ** 256n) {
      throw new RewardsTreeError(`cumulative amount of ${normalised} must be a uint256 bigint`);
    }
    return [normalised, cumulativeAmount.toString()] as [string, string];
  });
  return StandardMerkleTree.of(values, [...REWARDS_LEAF_ENCODING]);
}

/** Σ of the cumulative amounts: the checkpoint's cumulativeTotal. */
export function rewardsTotal(entries: readonly RewardsEntry[]): bigint {
  return entries.reduce((sum, e) => sum + e.cumulativeAmount, 0n);
}

/** The claim arguments of `account`; throws if it is not in the tree. */
export function proofFor(tree: RewardsTree, account: Address): RewardsProof {
  const wanted = getAddress(account);
  for (const [index, [leafAccount, amount]] of tree.entries()) {
    if (getAddress(leafAccount) === wanted) {
      return { account: wanted, cumulativeAmount: BigInt(amount), proof: tree.getProof(index) as Hex[] };
    }
  }
  throw new RewardsTreeError(`account ${wanted} has no rewards in this checkpoint`);
}
