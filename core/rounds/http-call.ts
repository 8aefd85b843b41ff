/**
 * The usual node call for fanOut: POST JSON to `<node url><path>`. A 2xx JSON body is an
 * answer; a 4xx with the node API's `{ error, reason }` is an explicit refusal; anything else
 * (5xx, not JSON, connection errors) is treated as no answer. A node running a round signs
 * its requests (`sign`, core/http/node-auth.ts) so its peers give it their peer bucket.
 */
import type { NodeRef, NodeReply } from './fanout.ts';

/** `base` + `path`, keeping any path prefix of base (a node behind a reverse proxy at /node1/). */
export const joinUrl = (path: string, base: string) => new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`);

export class NodeCallError extends Error {
  override name = 'NodeCallError';
}

/** Headers that authenticate a request (method, route path, exact body text). */
export type RequestSigner = (method: string, path: string, body: string) => Record<string, string>;

export function postJsonCall<T = unknown>(path: string, body: unknown, sign?: RequestSigner): (node: NodeRef, signal: AbortSignal) => Promise<NodeReply<T>> {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return async (node, signal) => {
    // Signed per call: the timestamp must be fresh when the node checks it.
    const headers = { 'content-type': 'application/json', ...sign?.('POST', path, text) };
    const response = await fetch(joinUrl(path, node.url), { method: 'POST', headers, body: text, signal });
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch {
      throw new NodeCallError(`HTTP ${response.status} with a body that is not JSON`);
    }
    if (response.ok) return { kind: 'answer', value: parsed as T };
    const refusal = parsed as { error?: unknown; reason?: unknown };
    if (response.status >= 400 && response.status < 500 && typeof refusal?.error === 'string') {
      return { kind: 'refusal', reason: `${refusal.error}: ${String(refusal.reason ?? '')}` };
    }
    throw new NodeCallError(`HTTP ${response.status}`);
  };
}
