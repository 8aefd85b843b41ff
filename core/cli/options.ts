/**
 * Option-value parsing shared by every daemon's command line (session-node, gateway): integers
 * and durations with bounds, refused with a sentence naming the option and the value. Each
 * caller wraps OptionError into its own config error (which adds "run X --help").
 */
export class OptionError extends Error {
  override name = 'OptionError';
}

const fail = (message: string): never => {
  throw new OptionError(message);
};

/** A decimal integer in min..max (no sign, no exponent, no fraction). */
export function integer(option: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) fail(`${option}: expected an integer in ${min}..${max}, got "${raw}"`);
  return Number(raw);
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** 3600000 → "1h": bounds are printed the way a person would type them. */
export const formatMs = (ms: number) =>
  ms >= 3_600_000 && ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000}m` : ms >= 1_000 && ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;

/** "500ms", "15s", "2m", "6h" or a bare number of seconds → milliseconds, within [min, max] (default 50ms..1h). */
export function parseDuration(option: string, raw: string, bounds: { minMs?: number; maxMs?: number } = {}): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) return fail(`${option}: expected a duration like 500ms, 15s, 1m or 2h, got "${raw}"`);
  const ms = Number(m[1]) * UNIT_MS[(m[2] ?? 's') as keyof typeof UNIT_MS];
  const min = bounds.minMs ?? 50;
  const max = bounds.maxMs ?? 3_600_000;
  if (!Number.isFinite(ms) || ms < min || ms > max) fail(`${option}: must be between ${formatMs(min)} and ${formatMs(max)}, got "${raw}"`);
  return Math.round(ms);
}
