/**
 * Typed HTTP refusals. Every one is sent as JSON `{ error, reason }`: `error` is a stable
 * machine code, `reason` says what was wrong and what to do.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${error}: ${reason}`);
  }
}

export const badRequest = (reason: string, error = 'bad_request') => new HttpError(400, error, reason);
export const invalidBody = (reason: string) => new HttpError(400, 'invalid_body', reason);
export const unauthorized = (reason: string) => new HttpError(401, 'unauthorized', reason);
export const forbidden = (reason: string) => new HttpError(403, 'forbidden', reason);
export const notFound = (reason: string) => new HttpError(404, 'not_found', reason);
export const methodNotAllowed = (method: string, allowed: readonly string[]) =>
  new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use ${allowed.join(' or ')}`, { allow: allowed.join(', ') });
export const conflict = (reason: string) => new HttpError(409, 'conflict', reason);
export const payloadTooLarge = (limit: number) => new HttpError(413, 'payload_too_large', `the body exceeds ${limit} bytes`);
export const unsupportedMediaType = (got: string) =>
  new HttpError(415, 'unsupported_media_type', `send the body as application/json (got ${got || 'no content-type'})`);
export const unprocessable = (reason: string, error = 'refused') => new HttpError(422, error, reason);
export const tooManyRequests = (retryAfterSec: number) =>
  new HttpError(429, 'rate_limited', `too many requests; retry in ${retryAfterSec} s`, { 'retry-after': String(retryAfterSec) });
export const unavailable = (reason: string) => new HttpError(503, 'unavailable', reason);
