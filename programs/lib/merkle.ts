/**
 * Distribution trees: OpenZeppelin StandardMerkleTree of (uint256 index, address account,
 * uint256 amount), the leaf MerkleDistributor.sol checks. `index` is the position in the
 * address-sorted allocation and is the bit the distributor marks as claimed.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Address, Hex } from 'viem';

export const LEAF_ENCODING = ['uint256', 'address', 'uint256'] as const;

export type Claim = { index: number; account: Address; amount: bigint };

/** The published file: root, total and one proof per account. Amounts are decimal strings. */
export type DistributionFile = {
  format: 'sesh-distribution-v1';
  program: string;
  root: Hex;
  total: string;
  leafEncoding: string[];
  claims: Record<string, { index: number; amount: string; proof: Hex[] }>;
};

export function buildTree(claims: readonly Claim[]): StandardMerkleTree<[string, string, string]> {
  if (claims.length === 0) throw new Error('a distribution needs at least one claim');
  return StandardMerkleTree.of(
    claims.map((c) => [c.index.toString(), c.account, c.amount.toString()] as [string, string, string]),
    [...LEAF_ENCODING],
  );
}

/** Claims from an allocation sorted by address: index = position. Zero amounts are left out. */
export function claimsFrom(allocations: readonly { address: Address; amount: bigint }[]): Claim[] {
  return allocations.filter((a) => a.amount > 0n).map((a, index) => ({ index, account: a.address, amount: a.amount }));
}

export function distributionFile(program: string, claims: readonly Claim[]): DistributionFile {
  const tree = buildTree(claims);
  const out: DistributionFile['claims'] = {};
  for (const [i, [index, account, amount]] of tree.entries()) {
    out[account] = { index: Number(index), amount, proof: tree.getProof(i) as Hex[] };
  }
  // Keys in address order so the file is byte-identical for the same input.
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  return {
    format: 'sesh-distribution-v1',
    program,
    root: tree.root as Hex,
    total: claims.reduce((acc, c) => acc + c.amount, 0n).toString(),
    leafEncoding: [...LEAF_ENCODING],
    claims: sorted,
  };
}
