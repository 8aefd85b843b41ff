/**
 * Where nodes answer: a JSON file `{ "nodes": [{ "ed25519PublicKey": "0x…", "url": "http://…" }] }`.
 * The chain says WHO the nodes are (their registered ed25519 keys); this file says where to
 * reach them. The devnet writes it; a real deployment would publish it the same way. A
 * missing or damaged file reads as empty (the caller logs it): peers are then unreachable,
 * never mistaken for someone else.
 */
import { readFileSync } from 'node:fs';

export type NodeEndpoint = { ed25519PublicKey: `0x${string}`; url: string };

export function readNodesFile(path: string): { endpoints: Map<string, string>; error?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { endpoints: new Map(), error: `cannot read the nodes file ${path}: ${(error as Error).message}` };
  }
  const list = (parsed as { nodes?: unknown })?.nodes;
  if (!Array.isArray(list)) return { endpoints: new Map(), error: `${path}: expected { "nodes": [...] }` };
  const endpoints = new Map<string, string>();
  for (const entry of list as Partial<NodeEndpoint>[]) {
    if (typeof entry?.ed25519PublicKey === 'string' && /^0x[0-9a-fA-F]{64}$/.test(entry.ed25519PublicKey) && typeof entry.url === 'string') {
      endpoints.set(entry.ed25519PublicKey.toLowerCase(), entry.url);
    }
  }
  return { endpoints };
}
