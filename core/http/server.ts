/**
 * A small JSON API server on node:http: routes with `:params`, a body size limit, per-IP
 * rate limiting, typed refusals as JSON `{ error, reason }`, and graceful shutdown. No input
 * can crash it: every handler error becomes a response, malformed HTTP gets a 400.
 *
 * With `peerAuth`, a request signed by a registered node (node-auth.ts) is charged to that
 * node's own bucket instead of its IP's, and passes no anonymous limit: strangers flooding
 * the server (from one IP or many, see `anonymousTotal`) cannot starve rounds between nodes.
 * A bad signature is a 401; failed attempts are limited per IP before any signature check,
 * so forged headers cannot buy CPU. A valid signature of an unregistered key is anonymous.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, badRequest, methodNotAllowed, notFound, payloadTooLarge, tooManyRequests, unsupportedMediaType } from './errors.ts';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { NODE_HEADER, verifyRequest } from './node-auth.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type JsonRequest = {
  method: Method;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  ip: string;
  /** The registered node that signed this request (node-auth.ts), if any. */
  peer?: `0x${string}`;
  /** Parsed JSON body (undefined when there is none). */
  body: unknown;
};

/** A handler's answer: a plain value is sent as 200 JSON; `reply(status, body)` picks the status. */
export type Reply = { readonly [REPLY]: true; status: number; body: unknown; headers?: Record<string, string>; text?: string };
const REPLY = Symbol('reply');
export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ [REPLY]: true, status, body, headers });
/** A plain-text answer (e.g. Prometheus' exposition format) instead of JSON. */
export const textReply = (status: number, text: string, contentType: string): Reply => ({ [REPLY]: true, status, body: undefined, text, headers: { 'content-type': contentType } });

export type Handler = (request: JsonRequest) => unknown | Promise<unknown>;
/**
 * Per-route overrides of the server's limits: `bodyLimit` (e.g. the storage RPC's batches of
 * messages) and `rateLimit`, buckets of this route's own (per IP, for all strangers together,
 * per registered peer; each one not given is the server's), so a busy route such as message
 * storage neither starves the others nor is starved by them.
 */
export type RouteOptions = {
  bodyLimit?: number;
  rateLimit?: { perIp?: RateLimitOptions; total?: RateLimitOptions; perPeer?: RateLimitOptions };
  /** Read the body as JSON whatever its content-type (a protocol whose clients do not send one, e.g. the storage RPC). */
  anyContentType?: boolean;
};
export type Route = { method: Method; path: string; handler: Handler } & RouteOptions;
export const route = (method: Method, path: string, handler: Handler, options: RouteOptions = {}): Route => ({ method, path, handler, ...options });

export type JsonServerOptions = {
  routes: readonly Route[];
  /** Max body bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Per-IP token bucket; false turns it off (default 60 burst, 20/s). */
  rateLimit?: RateLimitOptions | false;
  /** One bucket shared by every unauthenticated request, on top of the per-IP one (default: none). */
  anonymousTotal?: RateLimitOptions;
  /** Node-signed requests: who counts as a peer, and each peer's bucket. */
  peerAuth?: { isPeer: (ed25519: `0x${string}`) => boolean; rateLimit: RateLimitOptions; maxSkewSec?: number; nowSec?: () => number };
  log?: (line: string) => void;
  /** Called once per answered request with its route pattern ('unmatched' if none), status and duration. */
  observe?: (request: { route: string; method: string; status: number; seconds: number }) => void;
};

export type JsonServer = {
  server: Server;
  /** Listens (default host 127.0.0.1; port 0 picks a free one) and returns the base URL. */
  listen: (port?: number, host?: string) => Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  close: (graceMs?: number) => Promise<void>;
};

type Limiters = { ip: RateLimiter | undefined; total: RateLimiter | undefined; peer: RateLimiter | undefined };
type Compiled = { method: Method; path: string; parts: string[]; handler: Handler; bodyLimit?: number; anyContentType?: boolean; limiters?: Limiters };

function compile(routes: readonly Route[], defaults: Limiters): Compiled[] {
  return routes.map((r) => {
    if (!r.path.startsWith('/')) throw new Error(`route path must start with /: ${r.path}`);
    const own = r.rateLimit;
    const limiters = own
      ? {
          ip: own.perIp ? createRateLimiter(own.perIp) : defaults.ip,
          total: own.total ? createRateLimiter(own.total) : defaults.total,
          peer: own.perPeer ? createRateLimiter(own.perPeer) : defaults.peer,
        }
      : undefined;
    return { method: r.method, path: r.path, parts: r.path.split('/').slice(1), handler: r.handler, bodyLimit: r.bodyLimit, anyContentType: r.anyContentType, ...(limiters ? { limiters } : {}) };
  });
}

function match(parts: string[], path: string): Record<string, string> | undefined {
  const segments = path.split('/').slice(1);
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith(':')) {
      if (segments[i] === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(segments[i]!);
      } catch {
        return undefined;
      }
    } else if (p !== segments[i]) return undefined;
  }
  return params;
}

const jsonText = (body: unknown) => JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent) return;
  const text = jsonText(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(payloadTooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(payloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createJsonServer(options: JsonServerOptions): JsonServer {
  const bodyLimit = options.bodyLimit ?? 64 * 1024;
  const log = options.log ?? (() => {});
  const limiter = options.rateLimit === false ? undefined : createRateLimiter(options.rateLimit ?? { capacity: 60, refillPerSecond: 20 });
  const anonymousTotal = options.anonymousTotal ? createRateLimiter(options.anonymousTotal) : undefined;
  const peerAuth = options.peerAuth;
  const peerLimiter = peerAuth ? createRateLimiter(peerAuth.rateLimit) : undefined;
  const defaults: Limiters = { ip: limiter, total: anonymousTotal, peer: peerLimiter };
  const routes = compile(options.routes, defaults);
  const authFailures = createRateLimiter({ capacity: 10, refillPerSecond: 1 });
  let inFlight = 0;

  const takeAnonymous = (ip: string, limiters: Limiters) => {
    for (const [l, key] of [[limiters.ip, ip], [limiters.total, '*']] as const) {
      const taken = l?.take(key);
      if (taken && !taken.ok) throw tooManyRequests(taken.retryAfterSec);
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ip = req.socket.remoteAddress ?? 'unknown';
    // A request claiming a node identity is charged once its signature is checked (below).
    const claimsNode = peerAuth !== undefined && req.headers[NODE_HEADER] !== undefined;
    let url: URL | undefined;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // refused below, after the rate limit
    }
    const path = url ? (url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname) : '';
    const candidates = url ? routes.map((r) => ({ r, params: match(r.parts, path) })).filter((c) => c.params) : [];
    const hit = candidates.find((c) => c.r.method === req.method);
    // The matched route's buckets (its own, or the server's): a refusal below is charged too.
    const limiters = hit?.r.limiters ?? defaults;
    if (claimsNode) {
      if (!authFailures.peek(ip)) throw new HttpError(429, 'rate_limited', 'too many requests with bad node signatures from this address; retry later', { 'retry-after': '10' });
    } else takeAnonymous(ip, limiters);
    if (!url) throw badRequest('the request URL is malformed');
    if (candidates.length === 0) throw notFound(`no route ${path}`);
    if (!hit) throw methodNotAllowed(req.method ?? '?', [...new Set(candidates.map((c) => c.r.method))]);
    routeOf.set(req, hit.r.path);

    let body: unknown;
    const raw = await readBody(req, hit.r.bodyLimit ?? bodyLimit);
    let peer: `0x${string}` | undefined;
    if (claimsNode) {
      const auth = verifyRequest(req.headers, req.method ?? '', path, raw, { maxSkewSec: peerAuth!.maxSkewSec, nowSec: peerAuth!.nowSec?.() });
      if (!auth.ok) {
        authFailures.take(ip);
        throw new HttpError(401, 'bad_node_signature', auth.reason);
      }
      if (peerAuth!.isPeer(auth.node)) {
        const taken = limiters.peer!.take(auth.node);
        if (!taken.ok) throw tooManyRequests(taken.retryAfterSec);
        peer = auth.node;
      } else takeAnonymous(ip, limiters); // signed, but not a registered node: a stranger like any other
    }
    if (raw.length > 0) {
      const type = req.headers['content-type'] ?? '';
      if (!hit.r.anyContentType && !/^application\/json\b/i.test(type)) throw unsupportedMediaType(type);
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw badRequest(`the body is not valid JSON: ${(error as Error).message}`, 'malformed_json');
      }
    }
    const result = await hit.r.handler({ method: hit.r.method, path, params: hit.params!, query: url.searchParams, headers: req.headers, ip, ...(peer ? { peer } : {}), body });
    if (result && typeof result === 'object' && REPLY in result) {
      const r = result as Reply;
      if (r.text !== undefined) {
        res.writeHead(r.status, { 'content-length': Buffer.byteLength(r.text), ...r.headers });
        res.end(r.text);
      } else send(res, r.status, r.body, r.headers);
    } else {
      send(res, 200, result ?? { ok: true });
    }
  }

  // Route patterns (not raw paths) label the metrics, so strangers cannot grow them without bound.
  const routeOf = new WeakMap<IncomingMessage, string>();
  const server = createServer((req, res) => {
    inFlight++;
    const started = process.hrtime.bigint();
    res.on('close', () => inFlight--);
    if (options.observe) {
      res.on('finish', () =>
        options.observe!({ route: routeOf.get(req) ?? 'unmatched', method: req.method ?? '?', status: res.statusCode, seconds: Number(process.hrtime.bigint() - started) / 1e9 }),
      );
    }
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        // After refusing a body that is too large, do not keep reading it.
        const headers = error.status === 413 ? { ...error.headers, connection: 'close' } : error.headers;
        send(res, error.status, { error: error.error, reason: error.reason }, headers);
        if (error.status === 413) res.on('finish', () => req.destroy());
        return;
      }
      log(`http: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
      send(res, 500, { error: 'internal', reason: 'the server failed to handle this request; see its log' });
    });
  });
  // Malformed HTTP never reaches a handler: answer 400 and drop the socket.
  server.on('clientError', (error, socket) => {
    if (socket.writable && !(error as NodeJS.ErrnoException).code?.startsWith('ECONNRESET')) {
      const text = jsonText({ error: 'bad_request', reason: 'malformed HTTP request' });
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
    } else socket.destroy();
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  return {
    server,
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ url: `http://${shownHost}:${address.port}`, port: address.port });
        });
      }),
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
        // Keep-alive sockets that finish a request later are closed as they go idle.
        const sweep = setInterval(() => (inFlight === 0 ? server.closeIdleConnections() : undefined), 50);
        sweep.unref();
        server.once('close', () => clearInterval(sweep));
      }),
  };
}
