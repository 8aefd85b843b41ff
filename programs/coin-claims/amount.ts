/**
 * The Oxen Coin Claims formula, identical to OxenCoinClaims.amountFor on-chain:
 *   full   = ⌊oxenBurned × 30,000,000 SESH ÷ circulatingOxen⌋
 *   amount = full, or ⌊full × 7 ÷ 10⌋ for burns recorded after reducedAfter (TGE + 6 months)
 * circulatingOxen = OXEN supply at TGE − OPTF holdings, atomic units. Rounding is down, so
 * the dust stays in the program's reserve, which ends in the reward pool.
 */
import { ONE_SESH } from '../../sdk/src/units.ts';

export const COIN_CLAIMS_TOTAL = 30_000_000n * ONE_SESH;

export class CoinClaimsError extends Error {
  override name = 'CoinClaimsError';
}

export function fullAmount(oxenBurned: bigint, circulatingOxen: bigint): bigint {
  if (circulatingOxen <= 0n) throw new CoinClaimsError('circulating OXEN (supply at TGE − OPTF holdings) must be positive');
  return (oxenBurned * COIN_CLAIMS_TOTAL) / circulatingOxen;
}

export function creditAmount(oxenBurned: bigint, recordedAt: number, params: { circulatingOxen: bigint; reducedAfter: number }): bigint {
  const full = fullAmount(oxenBurned, params.circulatingOxen);
  return recordedAt > params.reducedAfter ? (full * 7n) / 10n : full;
}
