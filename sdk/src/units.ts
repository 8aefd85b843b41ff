/**
 * SESH amounts. SESH has 9 decimals; every amount is a bigint of base units, never a float.
 */
import { formatUnits, parseUnits } from 'viem';

export const SESH_DECIMALS = 9;
/** One SESH in base units. */
export const ONE_SESH = 10n ** 9n;
/** The fixed total supply: 240,000,000 SESH. */
export const TOTAL_SUPPLY = 240_000_000n * ONE_SESH;
/** The reward pool's genesis balance: 40,000,000 SESH. */
export const INITIAL_REWARD_POOL = 40_000_000n * ONE_SESH;

export class InvalidAmountError extends Error {
  override name = 'InvalidAmountError';
}

/** Parses a decimal SESH string ("25000", "0.000000001") into base units. */
export function parseSesh(text: string): bigint {
  if (!/^\d+(\.\d{1,9})?$/.test(text.trim())) {
    throw new InvalidAmountError(`"${text}" is not a SESH amount: use digits with at most 9 decimals, e.g. 25000 or 0.5`);
  }
  return parseUnits(text.trim(), SESH_DECIMALS);
}

/** Formats base units as a decimal SESH string with no trailing zeros. */
export function formatSesh(amount: bigint): string {
  return formatUnits(amount, SESH_DECIMALS);
}

/** Whole SESH to base units, for constants in code and tests. */
export function sesh(whole: bigint | number): bigint {
  return BigInt(whole) * ONE_SESH;
}
