/**
 * JSON-RPC over several URLs: round-robin across healthy endpoints, a failing endpoint is
 * benched for an exponentially growing time, and each request is retried with exponential
 * backoff (on the next endpoint) before giving up with an error that lists every attempt.
 */

export type RpcEndpointHealth = {
  url: string;
  healthy: boolean;
  consecutiveFailures: number;
  /** Epoch ms before which the endpoint is skipped while another one is healthy. */
  benchedUntil: number;
  lastError?: string;
};

export type RpcPoolOptions = {
  urls: readonly string[];
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Attempts per request across endpoints (default 6). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs (defaults 200 ms / 10 s). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a failing endpoint is benched at first; doubles per consecutive failure (default 2 s, max 5 min). */
  benchMs?: number;
  maxBenchMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export type RpcRequest = <T = unknown>(method: string, params?: readonly unknown[]) => Promise<T>;

export type RpcPool = {
  /** Each request goes to the next healthy endpoint (round-robin). */
  request: RpcRequest;
  /**
   * A sticky view for a sequence of related calls (one tracker sync): it stays on the
   * endpoint that last answered, so the calls see one node's view of the chain, and moves
   * on only when that endpoint fails. Each new session starts on the next endpoint.
   */
  session: () => RpcRequest;
  health: () => RpcEndpointHealth[];
};

/** The endpoint answered with a JSON-RPC error: it is up, the request itself failed. */
export class RpcResponseError extends Error {
  override name = 'RpcResponseError';
  constructor(
    readonly url: string,
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method} on ${url}: JSON-RPC error ${code}: ${message}`);
  }
}

/** Every attempt failed. */
export class RpcUnavailableError extends Error {
  override name = 'RpcUnavailableError';
}

export class RpcConfigError extends Error {
  override name = 'RpcConfigError';
}

let nextId = 1;

async function postJsonRpc(url: string, method: string, params: readonly unknown[], timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: { result?: unknown; error?: { code?: number; message?: string } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 120)}`);
  }
  if (body.error) throw new RpcResponseError(url, method, body.error.code ?? 0, body.error.message ?? 'unknown error');
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  if (!('result' in body)) throw new Error(`HTTP ${response.status}: answer has neither result nor error`);
  return body.result;
}

export function createRpcPool(options: RpcPoolOptions): RpcPool {
  if (options.urls.length === 0) throw new RpcConfigError('at least one RPC URL is needed; pass --rpc-url http://…');
  for (const url of options.urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RpcConfigError(`RPC URL "${url}" is not a URL; expected e.g. http://127.0.0.1:8545`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RpcConfigError(`RPC URL "${url}" must be http(s)`);
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 6);
  const baseBackoff = options.baseBackoffMs ?? 200;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const benchMs = options.benchMs ?? 2_000;
  const maxBenchMs = options.maxBenchMs ?? 300_000;
  const endpoints: RpcEndpointHealth[] = options.urls.map((url) => ({ url, healthy: true, consecutiveFailures: 0, benchedUntil: 0 }));
  let cursor = 0;

  // Next endpoint in round-robin order that is not benched; if all are benched, the one
  // whose bench ends first (we never refuse to try: the network may just be back).
  const pick = (preferred?: RpcEndpointHealth): RpcEndpointHealth => {
    const t = now();
    if (preferred && preferred.benchedUntil <= t) return preferred;
    for (let i = 0; i < endpoints.length; i++) {
      const e = endpoints[(cursor + i) % endpoints.length]!;
      if (e.benchedUntil <= t) {
        cursor = (cursor + i + 1) % endpoints.length;
        return e;
      }
    }
    return endpoints.reduce((a, b) => (b.benchedUntil < a.benchedUntil ? b : a));
  };

  const markFailure = (e: RpcEndpointHealth, error: unknown) => {
    e.consecutiveFailures++;
    e.healthy = false;
    e.lastError = (error as Error).message;
    e.benchedUntil = now() + Math.min(maxBenchMs, benchMs * 2 ** (e.consecutiveFailures - 1));
  };
  const markSuccess = (e: RpcEndpointHealth) => {
    e.consecutiveFailures = 0;
    e.healthy = true;
    e.benchedUntil = 0;
    e.lastError = undefined;
  };

  async function request<T>(method: string, params: readonly unknown[] = [], sticky?: { endpoint?: RpcEndpointHealth }): Promise<T> {
    const failures: string[] = [];
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(maxBackoff, baseBackoff * 2 ** (attempt - 1)));
      const endpoint = pick(sticky?.endpoint);
      try {
        const result = await postJsonRpc(endpoint.url, method, params, timeoutMs);
        markSuccess(endpoint);
        if (sticky) sticky.endpoint = endpoint;
        return result as T;
      } catch (error) {
        // A JSON-RPC error means the endpoint is up: retry (it may be a transient node
        // error) but do not bench it for transport trouble.
        if (error instanceof RpcResponseError) {
          markSuccess(endpoint);
          failures.push(error.message);
          if (attempt === maxAttempts - 1) throw error;
          continue;
        }
        markFailure(endpoint, error);
        failures.push(`${endpoint.url}: ${(error as Error).message}`);
      }
    }
    throw new RpcUnavailableError(`${method} failed after ${maxAttempts} attempts: ${failures.join('; ')}. Check that the RPC endpoints are reachable.`);
  }

  return {
    request: (method, params) => request(method, params),
    session() {
      const sticky: { endpoint?: RpcEndpointHealth } = { endpoint: pick() };
      return (method, params) => request(method, params, sticky);
    },
    health: () => endpoints.map((e) => ({ ...e })),
  };
}
