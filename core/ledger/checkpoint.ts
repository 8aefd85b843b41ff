/**
 * A rewards checkpoint: the Merkle root and total of the ledger's cumulative balances, the
 * thing the network signs and the StakingRewards contract stores.
 */
import type { Hex } from 'viem';
import { buildAccountAmountTree, type AccountAmountTree } from '../../sdk/src/merkle/account-amount-tree.ts';
import { ledgerBalances, type Ledger } from './ledger.ts';

export type RewardsCheckpoint = {
  root: Hex;
  /** Σ of all leaves: the cumulative total authorised. */
  total: bigint;
  /** Released by the pool as seen by the ledger; total ≤ released always. */
  released: bigint;
  leaves: number;
  tree: AccountAmountTree | undefined;
};

const EMPTY_ROOT: Hex = `0x${'00'.repeat(32)}`;

export function checkpointOf(ledger: Ledger): RewardsCheckpoint {
  const balances = ledgerBalances(ledger);
  const total = balances.reduce((sum, b) => sum + b.amount, 0n);
  if (balances.length === 0) return { root: EMPTY_ROOT, total, released: ledger.released, leaves: 0, tree: undefined };
  const tree = buildAccountAmountTree(balances);
  return { root: tree.root, total, released: ledger.released, leaves: balances.length, tree };
}
