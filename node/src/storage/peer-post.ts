/**
 * One node-signed JSON POST to a swarm peer over a kept-alive connection (node:http/https with
 * a keep-alive Agent). Why not global fetch: every replicated store costs one peer request per
 * member, and undici's fetch machinery (Request/Response objects, streams, abort signals) was
 * the largest single cost of a store in the node's CPU profile; a plain request on a reused
 * socket costs a fraction of it. Never throws: a failure is `{ status: 503 | 504, reason }`.
 */
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { httpText } from '../../../core/http/client.ts';
import { signRequest } from '../../../core/http/node-auth.ts';
import { joinUrl } from '../peers/http.ts';

export type PeerAnswer = { status: number; text: string } | { status: 503 | 504; text?: undefined; reason: string };

/**
 * POSTs `body` to `base` + `path`, signed as this node (core/http/node-auth.ts), with extra
 * headers; answers the peer's status and body text (at most `maxBytes`, else a 503 saying so).
 * A kept-alive socket the peer closed as it was reused is retried once (core/http/client.ts):
 * safe, since a forwarded store seen twice answers `already`, a delete or expire twice changes
 * nothing more, and a push or pull stores duplicates as no-ops.
 */
export async function peerPost(base: string, path: string, body: string, o: { identity: Ed25519Identity; timeoutMs: number; headers?: Record<string, string>; maxBytes?: number }): Promise<PeerAnswer> {
  let url: URL;
  try {
    url = joinUrl(path, base);
  } catch {
    return { status: 503, reason: `announced URL ${base} is not a URL` };
  }
  const answer = await httpText(url, {
    method: 'POST',
    body,
    timeoutMs: o.timeoutMs,
    maxBytes: o.maxBytes,
    headers: { 'content-type': 'application/json', ...signRequest(o.identity, 'POST', path, body), ...o.headers },
  });
  if (answer.ok) return { status: answer.status, text: answer.text };
  return { status: answer.kind === 'timeout' ? 504 : 503, reason: answer.reason };
}
