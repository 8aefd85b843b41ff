/**
 * One node-signed JSON POST to a swarm peer over a kept-alive connection (node:http/https with
 * a keep-alive Agent). Why not global fetch: every replicated store costs one peer request per
 * member, and undici's fetch machinery (Request/Response objects, streams, abort signals) was
 * the largest single cost of a store in the node's CPU profile; a plain request on a reused
 * socket costs a fraction of it. Never throws: a failure is `{ status: 503 | 504, reason }`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { signRequest } from '../../../core/http/node-auth.ts';
import { joinUrl } from '../peers/http.ts';

// Sockets per peer: enough for a few batches in flight at once, each on its own connection.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 16 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 16 });

export type PeerAnswer = { status: number; text: string } | { status: 503 | 504; text?: undefined; reason: string };

/**
 * POSTs `body` to `base` + `path`, signed as this node (core/http/node-auth.ts), with extra
 * headers; answers the peer's status and body text (at most `maxBytes`, else a 503 saying so).
 */
export async function peerPost(base: string, path: string, body: string, o: { identity: Ed25519Identity; timeoutMs: number; headers?: Record<string, string>; maxBytes?: number }): Promise<PeerAnswer> {
  const first = await postOnce(base, path, body, o);
  // A kept-alive socket the peer closed just as we reused it (its idle timeout): sent once more
  // on a fresh connection. Safe to repeat: a forwarded store seen twice answers `already`, a
  // delete or expire twice changes nothing more, a push or pull stores duplicates as no-ops.
  if (!('stale' in first)) return first;
  const second = await postOnce(base, path, body, o);
  return 'stale' in second ? { status: 503, reason: 'the connection was reset twice' } : second;
}

type Attempt = PeerAnswer | { stale: true };

function postOnce(base: string, path: string, body: string, o: { identity: Ed25519Identity; timeoutMs: number; headers?: Record<string, string>; maxBytes?: number }): Promise<Attempt> {
  let url: URL;
  try {
    url = joinUrl(path, base);
  } catch {
    return Promise.resolve({ status: 503, reason: `announced URL ${base} is not a URL` });
  }
  const https = url.protocol === 'https:';
  const payload = Buffer.from(body, 'utf8');
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
    const req = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: https ? httpsAgent : httpAgent,
      headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...signRequest(o.identity, 'POST', path, body), ...o.headers },
    }, (res: IncomingMessage) => {
      answered = true;
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxBytes) {
        res.destroy();
        return done({ status: 503, reason: `answer larger than ${maxBytes} bytes` });
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          done({ status: 503, reason: `answer larger than ${maxBytes} bytes` });
        } else parts.push(chunk);
      });
      res.on('end', () => done({ status: res.statusCode ?? 502, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', (e) => done({ status: 503, reason: `the answer broke off: ${e.message}` }));
    });
    const timer = setTimeout(() => {
      done({ status: 504, reason: `no answer within ${o.timeoutMs} ms` });
      req.destroy();
    }, o.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && !answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return done({ stale: true });
      done({ status: 503, reason: e.code ? `${e.code}: ${e.message}` : e.message });
    });
    req.end(payload);
  });
}
