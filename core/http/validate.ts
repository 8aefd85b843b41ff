/**
 * Small schema-ish validators for JSON bodies. A validator returns the typed value or throws
 * a ValidationError naming the path and what was expected; `parseBody` turns that into a
 * 400 `invalid_body` refusal.
 */
import { badRequest, invalidBody } from './errors.ts';

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

export type Validator<T> = (value: unknown, path: string) => T;
export type Infer<V> = V extends Validator<infer T> ? T : never;

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const fail = (path: string, expected: string, value: unknown): never => {
  throw new ValidationError(path, `expected ${expected}, got ${describe(value)}`);
};

export const string =
  (opts: { min?: number; max?: number; pattern?: RegExp; what?: string } = {}): Validator<string> =>
  (value, path) => {
    const what = opts.what ?? 'a string';
    if (typeof value !== 'string') return fail(path, what, value);
    if (opts.min !== undefined && value.length < opts.min) throw new ValidationError(path, `expected ${what} of at least ${opts.min} characters`);
    if (opts.max !== undefined && value.length > opts.max) throw new ValidationError(path, `expected ${what} of at most ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(value)) throw new ValidationError(path, `expected ${what}`);
    return value;
  };

/** 0x-prefixed hex; `bytes` fixes the length. Lower-cased on the way in. */
export const hex =
  (opts: { bytes?: number } = {}): Validator<`0x${string}`> =>
  (value, path) => {
    const what = opts.bytes ? `0x-prefixed hex of ${opts.bytes} bytes` : '0x-prefixed hex';
    if (typeof value !== 'string') return fail(path, what, value);
    const ok = opts.bytes ? new RegExp(`^0x[0-9a-fA-F]{${opts.bytes * 2}}$`).test(value) : /^0x([0-9a-fA-F]{2})*$/.test(value);
    if (!ok) throw new ValidationError(path, `expected ${what}`);
    return value.toLowerCase() as `0x${string}`;
  };

export const integer =
  (opts: { min?: number; max?: number } = {}): Validator<number> =>
  (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(path, 'an integer', value);
    if (opts.min !== undefined && value < opts.min) throw new ValidationError(path, `expected an integer ≥ ${opts.min}`);
    if (opts.max !== undefined && value > opts.max) throw new ValidationError(path, `expected an integer ≤ ${opts.max}`);
    return value;
  };

/** A base-10 integer string (amounts are bigints and travel as strings in JSON). */
export const bigintString =
  (opts: { min?: bigint; max?: bigint } = {}): Validator<bigint> =>
  (value, path) => {
    if (typeof value !== 'string' || !/^(0|-?[1-9][0-9]{0,77})$/.test(value)) return fail(path, 'a base-10 integer string', value);
    const n = BigInt(value);
    if (opts.min !== undefined && n < opts.min) throw new ValidationError(path, `expected an integer ≥ ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw new ValidationError(path, `expected an integer ≤ ${opts.max}`);
    return n;
  };

export const boolean = (): Validator<boolean> => (value, path) => (typeof value === 'boolean' ? value : fail(path, 'a boolean', value));

export const oneOf =
  <const T extends readonly (string | number)[]>(...options: T): Validator<T[number]> =>
  (value, path) => {
    if (!options.includes(value as T[number])) throw new ValidationError(path, `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
    return value as T[number];
  };

export const array =
  <T>(item: Validator<T>, opts: { min?: number; max?: number } = {}): Validator<T[]> =>
  (value, path) => {
    if (!Array.isArray(value)) return fail(path, 'an array', value);
    if (opts.min !== undefined && value.length < opts.min) throw new ValidationError(path, `expected an array of at least ${opts.min} items`);
    if (opts.max !== undefined && value.length > opts.max) throw new ValidationError(path, `expected an array of at most ${opts.max} items`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };

export const optional =
  <T>(inner: Validator<T>): Validator<T | undefined> =>
  (value, path) =>
    value === undefined ? undefined : inner(value, path);

type Shape = Record<string, Validator<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

/** An object with exactly these keys (unknown keys are refused, so typos do not pass silently). */
export const object =
  <S extends Shape>(shape: S, opts: { allowExtra?: boolean } = {}): Validator<ObjectOf<S>> =>
  (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'an object', value);
    const input = value as Record<string, unknown>;
    if (!opts.allowExtra) {
      const extra = Object.keys(input).filter((k) => !Object.hasOwn(shape, k));
      if (extra.length > 0) throw new ValidationError(`${path}.${extra[0]}`, `no such field (allowed: ${Object.keys(shape).join(', ')})`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, validator] of Object.entries(shape)) {
      const v = validator(Object.hasOwn(input, key) ? input[key] : undefined, `${path}.${key}`);
      if (v !== undefined) out[key] = v;
    }
    return out as ObjectOf<S>;
  };

/** Validates a request body, refusing with 400 invalid_body on the first problem. */
export function parseBody<T>(validator: Validator<T>, body: unknown): T {
  try {
    return validator(body, 'body');
  } catch (error) {
    if (error instanceof ValidationError) throw invalidBody(error.message);
    throw error;
  }
}

/** Validates a URL path parameter, refusing with 400 invalid_param on a problem. */
export function parseParam<T>(validator: Validator<T>, value: unknown, name: string): T {
  try {
    return validator(value, name);
  } catch (error) {
    if (error instanceof ValidationError) throw badRequest(error.message, 'invalid_param');
    throw error;
  }
}
