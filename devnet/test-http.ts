/**
 * Small HTTP and waiting helpers for tests that drive real processes (nodes, gateway):
 * JSON calls that return status and body instead of throwing, and a bounded poll.
 */
export type JsonAnswer = { status: number; body: any };

// A safety net against a hung process, not a latency bound: signature routes can take seconds.
const TIMEOUT_MS = 60_000;

export async function getJson(url: string): Promise<JsonAnswer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: response.status, body: (await response.json()) as any };
}

/** POSTs `body` as JSON (or `raw` as it is, for malformed-input tests). */
export async function postJson(url: string, body: unknown, raw?: string): Promise<JsonAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: response.status, body: (await response.json()) as any };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns something truthy; throws after `ms`, naming `what` and the last error. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 40_000, everyMs = 300): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v as T;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
