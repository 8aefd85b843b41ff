/**
 * The one Session name rule, identical to contracts/src/names/NameRules.sol: lowercase ASCII
 * A–Z, then 1–64 bytes of a–z, 0–9, `_`, `-`, with no `-` first or last (Oxen's
 * `^\w([\w-]*\w)?$`, case-insensitive). Checked on UTF-8 bytes, left to right, so the reason
 * and position match the contract's `InvalidName(reason, position)` exactly.
 */
export const MAX_NAME_LENGTH = 64;

/** Reason codes, numbered as the contract's NameRules.Reason. */
export const NameErrorReason = {
  Empty: 1,
  TooLong: 2,
  InvalidCharacter: 3,
  HyphenAtStart: 4,
  HyphenAtEnd: 5,
} as const;
export type NameErrorReason = (typeof NameErrorReason)[keyof typeof NameErrorReason];

const explanations: Record<NameErrorReason, string> = {
  1: 'a name needs at least one character',
  2: `a name has at most ${MAX_NAME_LENGTH} characters`,
  3: 'only letters a–z, digits, "_" and "-" are allowed',
  4: 'a name cannot start with "-"',
  5: 'a name cannot end with "-"',
};

export class InvalidNameError extends Error {
  override name = 'InvalidNameError';
  constructor(
    readonly input: string,
    readonly reason: NameErrorReason,
    /** Byte offset (UTF-8) of the offending character. */
    readonly position: number,
  ) {
    super(`"${input}" is not a valid Session name: ${explanations[reason]} (at byte ${position})`);
  }
}

export type NameCheck = { ok: true; name: string } | { ok: false; reason: NameErrorReason; position: number };

/** Checks a name without throwing; on success returns its normalised (lowercase) form. */
export function checkName(input: string): NameCheck {
  const bytes = new TextEncoder().encode(input);
  if (bytes.length === 0) return { ok: false, reason: 1, position: 0 };
  if (bytes.length > MAX_NAME_LENGTH) return { ok: false, reason: 2, position: MAX_NAME_LENGTH };
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    let c = bytes[i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    const word = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
    if (!word) {
      if (c !== 0x2d) return { ok: false, reason: 3, position: i };
      if (i === 0) return { ok: false, reason: 4, position: 0 };
      if (i === bytes.length - 1) return { ok: false, reason: 5, position: i };
    }
    out[i] = c;
  }
  return { ok: true, name: new TextDecoder().decode(out) };
}

/** The normalised form of `input`; throws InvalidNameError with the reason if refused. */
export function normaliseName(input: string): string {
  const result = checkName(input);
  if (!result.ok) throw new InvalidNameError(input, result.reason, result.position);
  return result.name;
}
