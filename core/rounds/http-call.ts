/**
 * The usual node call for fanOut: POST JSON to `<node url><path>`. A 2xx JSON body is an
 * answer; a 4xx with the node API's `{ error, reason }` is an explicit refusal; anything else
 * (5xx, not JSON, connection errors) is treated as no answer.
 */
import type { NodeRef, NodeReply } from './fanout.ts';

/** `base` + `path`, keeping any path prefix of base (a node behind a reverse proxy at /node1/). */
export const joinUrl = (path: string, base: string) => new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`);

export class NodeCallError extends Error {
  override name = 'NodeCallError';
}

export function postJsonCall<T = unknown>(path: string, body: unknown): (node: NodeRef, signal: AbortSignal) => Promise<NodeReply<T>> {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return async (node, signal) => {
    const response = await fetch(joinUrl(path, node.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: text, signal });
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
