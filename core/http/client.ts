/**
 * Node-to-node HTTP over kept-alive connections (node:http/https with a keep-alive Agent).
 * Why not global fetch: a node sends a steady stream of small requests to the same peers (peer
 * tests, ledger checks, gossip, replication), and in CPU profiles undici's fetch machinery (a
 * new connection per request, Request/Response objects, streams, abort signals) cost more than
 * the work the requests carry. A plain request on a reused socket costs a fraction of it.
 * Never throws: every failure is an answer with a kind and a reason.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

// Sockets per peer: a few requests in flight at once, each on its own connection; a few kept
// idle for the next request (the peer closes them after its keep-alive timeout, 5 s by default;
// the one-time retry below covers a close that races a reuse).
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4 });

export type HttpAnswer =
  | { ok: true; status: number; text: string }
  | { ok: false; kind: 'timeout' | 'unreachable' | 'too_large' | 'bad_url'; reason: string };

export type HttpOptions = {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A JSON (or other text) body; its content-length is set here. */
  body?: string;
  timeoutMs: number;
  /** Answers larger than this are refused (default 64 MiB). */
  maxBytes?: number;
};

/** One request; a kept-alive socket the peer closed just as it was reused is retried once on a fresh one. */
export async function httpText(url: URL | string, options: HttpOptions): Promise<HttpAnswer> {
  let target: URL;
  try {
    target = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return { ok: false, kind: 'bad_url', reason: `${String(url)} is not a URL` };
  }
  // Safe to repeat: the request never reached the peer's handler (the socket was already closed).
  const first = await once(target, options);
  if (!('stale' in first)) return first;
  const second = await once(target, options);
  return 'stale' in second ? { ok: false, kind: 'unreachable', reason: 'the connection was reset twice' } : second;
}

type Attempt = HttpAnswer | { stale: true };

function once(url: URL, o: HttpOptions): Promise<Attempt> {
  const https = url.protocol === 'https:';
  const payload = o.body === undefined ? undefined : Buffer.from(o.body, 'utf8');
  const maxBytes = o.maxBytes ?? 64 * 1024 * 1024;
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    let answered = false;
    const done = (answer: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const headers: Record<string, string> = { ...o.headers };
    if (payload) headers['content-length'] = String(payload.length);
    const req = (https ? httpsRequest : httpRequest)(url, { method: o.method ?? (payload ? 'POST' : 'GET'), agent: https ? httpsAgent : httpAgent, headers }, (res: IncomingMessage) => {
      answered = true;
      const tooLarge = () => done({ ok: false, kind: 'too_large', reason: `answer larger than ${maxBytes} bytes` });
      if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
        res.destroy();
        return tooLarge();
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          tooLarge();
        } else parts.push(chunk);
      });
      res.on('end', () => done({ ok: true, status: res.statusCode ?? 502, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', (e) => done({ ok: false, kind: 'unreachable', reason: `the answer broke off: ${e.message}` }));
    });
    const timer = setTimeout(() => {
      done({ ok: false, kind: 'timeout', reason: `no answer within ${o.timeoutMs} ms` });
      req.destroy();
    }, o.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && !answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return done({ stale: true });
      done({ ok: false, kind: 'unreachable', reason: e.message });
    });
    req.end(payload);
  });
}
