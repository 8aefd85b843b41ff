/**
 * The peer test over HTTP: a route the node serves (POST /peer/test { nonce }) and the
 * prober's client. The client never throws on a bad peer: every failure is an outcome with a
 * reason, ready for the failure tracker.
 */
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { httpText } from '../../../core/http/client.ts';
import { route, type Route } from '../../../core/http/server.ts';
import { hex, object, parseBody } from '../../../core/http/validate.ts';
import { answerChallenge, newNonce, verifyChallengeAnswer, type ChallengeRefusal, type Hex } from './challenge.ts';

/** `base` + `path`, keeping any path prefix of base (a node behind a reverse proxy at /node1/). */
export const joinUrl = (path: string, base: string) => new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`);

export const PEER_TEST_PATH = '/peer/test';

const nowSec = () => Date.now() / 1000;

export function peerTestRoute(options: { identity: Ed25519Identity; chainId: number; ledgerRoot: () => string; now?: () => number }): Route {
  const body = object({ nonce: hex({ bytes: 32 }) });
  return route('POST', PEER_TEST_PATH, (request) => {
    const { nonce } = parseBody(body, request.body);
    return answerChallenge({ identity: options.identity, chainId: options.chainId, nonce, ledgerRoot: options.ledgerRoot(), now: (options.now ?? nowSec)() });
  });
}

export type ProbeResult =
  | { ok: true; ledgerRoot: string; latencyMs: number }
  | { ok: false; reason: ChallengeRefusal | 'unreachable' | 'timeout' | 'http_error'; detail: string };

export async function probePeer(options: {
  url: string;
  /** The peer's registered ed25519 key (from the chain). */
  nodeKey: Hex;
  chainId: number;
  timeoutMs?: number;
  maxAgeSec?: number;
  now?: () => number;
}): Promise<ProbeResult> {
  const nonce = newNonce();
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 5_000;
  const response = await httpText(joinUrl(PEER_TEST_PATH, options.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nonce }),
    timeoutMs,
    maxBytes: 64 * 1024,
  });
  if (!response.ok) return response.kind === 'timeout' ? { ok: false, reason: 'timeout', detail: `no answer within ${timeoutMs} ms` } : { ok: false, reason: 'unreachable', detail: response.reason };
  const ok = response.status >= 200 && response.status <= 299;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return { ok: false, reason: ok ? 'malformed' : 'http_error', detail: `HTTP ${response.status} with a body that is not JSON` };
  }
  if (!ok) return { ok: false, reason: 'http_error', detail: `HTTP ${response.status}: ${JSON.stringify(body).slice(0, 200)}` };
  const check = verifyChallengeAnswer(body, { chainId: options.chainId, nonce, nodeKey: options.nodeKey, now: (options.now ?? nowSec)(), maxAgeSec: options.maxAgeSec });
  return check.ok ? { ok: true, ledgerRoot: check.ledgerRoot, latencyMs: Date.now() - started } : check;
}
