/**
 * Display helpers: SESH amounts (exact, and rounded for reading), percentages, addresses, chain
 * times and countdowns. Amounts typed by a person ("3,000", "2 500.5") are read here too, so
 * what the page shows and what it accepts follow one rule.
 */
import { formatSesh, InvalidAmountError, parseSesh } from '../../sdk/src/units.ts';

const group = (whole: string) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** "12,345.5 SESH": exact (thousands separators, no trailing zeros). For titles, inputs and checks. */
export function sesh(amount: bigint): string {
  const [whole, fraction] = formatSesh(amount).split('.');
  return `${group(whole!)}${fraction ? `.${fraction}` : ''} SESH`;
}

/**
 * "2,083.33 SESH": rounded down to 0.01 for reading (the exact amount goes in the title), so a
 * balance or a claimable amount is never shown as more than it is. A non-zero amount under
 * 0.01 reads "< 0.01 SESH", never "0".
 */
export function seshRounded(amount: bigint): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  if (abs > 0n && abs < 10_000_000n) return `${negative ? '> -' : '< '}0.01 SESH`;
  const cents = abs / 10_000_000n;
  const whole = group(String(cents / 100n));
  const fraction = String(cents % 100n).padStart(2, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''} SESH`;
}

/**
 * Reads an amount a person typed: thousands separators (",", " ", "_", as in "3,000" or
 * "25 000") are accepted when they group whole digits by three; at most 9 decimals.
 * Throws InvalidAmountError with a sentence otherwise.
 */
export function parseAmountInput(text: string): bigint {
  const trimmed = text.trim().replace(/\s*SESH$/i, '');
  const grouped = /^\d{1,3}([, _\u00a0\u202f]\d{3})+(\.\d+)?$/.test(trimmed);
  const plain = /^\d+(\.\d+)?$/.test(trimmed);
  if (!grouped && !plain) throw new InvalidAmountError(`"${text}" is not a SESH amount`);
  return parseSesh(trimmed.replace(/[, _\u00a0\u202f]/g, ''));
}

/** The exact amount as an input shows it ("18750", no separators, so it is read back as is). */
export const inputAmount = (amount: bigint): string => formatSesh(amount);

export const percent = (bps: number | bigint): string => {
  const value = Number(bps) / 100;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : 2 })}%`;
};
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

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];

/** "in 14 days", "3 hours ago", "now": `at` relative to `now` (both chain time, seconds). */
export function relative(at: bigint | number, now: bigint | number): string {
  const delta = Number(at) - Number(now);
  const abs = Math.abs(delta);
  if (abs < 1) return relativeFormat.format(0, 'second');
  const [unit, size] = UNITS.find(([, s]) => abs >= s)!;
  return relativeFormat.format(Math.round(delta / size), unit);
}
