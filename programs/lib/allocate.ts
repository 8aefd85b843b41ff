/**
 * Splits an exact total pro rata by integer weights, in integers, with the rounding dust
 * assigned deterministically so the parts always sum to the total.
 *
 * Rule (largest remainder): each share is ⌊total × weight ÷ Σweights⌋; the dust left over
 * (fewer units than there are recipients) goes one base unit at a time to the recipients
 * with the largest remainders (total × weight mod Σweights); ties go to the lower address
 * (lowercase hex order). Recipients with zero weight get nothing.
 */
import type { Address } from 'viem';

export type Allocation = { address: Address; weight: bigint; amount: bigint };

export class AllocationError extends Error {
  override name = 'AllocationError';
}

export function allocate(weights: ReadonlyMap<Address, bigint>, total: bigint): Allocation[] {
  if (total < 0n) throw new AllocationError('the total to allocate must not be negative');
  const entries = [...weights].filter(([, w]) => {
    if (w < 0n) throw new AllocationError('weights must not be negative');
    return w > 0n;
  });
  const sum = entries.reduce((acc, [, w]) => acc + w, 0n);
  if (sum === 0n) throw new AllocationError('nothing to allocate: every weight is zero (no eligible points in the input?)');
  const rows = entries.map(([address, weight]) => {
    const scaled = total * weight;
    return { address, weight, amount: scaled / sum, remainder: scaled % sum, key: address.toLowerCase() };
  });
  let dust = total - rows.reduce((acc, r) => acc + r.amount, 0n);
  const order = [...rows].sort((a, b) => (a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const row of order) {
    if (dust === 0n) break;
    row.amount += 1n;
    dust -= 1n;
  }
  return rows
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ address, weight, amount }) => ({ address, weight, amount }));
}
