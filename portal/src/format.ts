/** Display helpers: SESH amounts, percentages, addresses, times and countdowns. */
import { formatSesh } from '../../sdk/src/units.ts';

/** "12,345.5 SESH" (thousands separators, no trailing zeros). */
export function sesh(amount: bigint): string {
  const [whole, fraction] = formatSesh(amount).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${fraction ? `.${fraction}` : ''} SESH`;
}

/** Rounded to 2 decimals, for headline figures (exact amounts everywhere else). */
export function seshRounded(amount: bigint): string {
  return sesh(amount - (amount % 10_000_000n));
}

export const percent = (bps: number | bigint): string => `${(Number(bps) / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
export const short = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;
export const date = (unix: bigint | number): string => new Date(Number(unix) * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** "14 d 23 h", "2 h 5 min", "45 s". */
export function duration(seconds: bigint | number): string {
  let s = Math.max(0, Number(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${Math.floor(s)} s`;
}
