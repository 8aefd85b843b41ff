/**
 * The network's 2/3 rule in integers: a round succeeds when valid · 3 ≥ total · 2.
 * No division, so no rounding question: 3 of 4 passes, 2 of 4 does not, 2 of 3 does.
 */

/** Smallest number of valid answers that makes a quorum of `total` nodes (⌈2·total/3⌉, at least 1). */
export function quorumThreshold(total: number): number {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  return Math.max(1, Math.floor((2 * total + 2) / 3));
}

export function hasQuorum(valid: number, total: number): boolean {
  if (!Number.isSafeInteger(valid) || valid < 0 || valid > total) throw new RangeError(`valid must be an integer in 0..${total}, got ${valid}`);
  return total > 0 && valid * 3 >= total * 2;
}
