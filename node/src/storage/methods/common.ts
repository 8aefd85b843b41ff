/**
 * What every method handler shares: the node's storage context, one call's facts (a client's
 * request or a member's forwarded one, and the clock read once for it), the 421 swarm check
 * and the fan-out that turns a local result into the anchor's per-member `swarm` answer.
 * Kept apart from rpc.ts so that the method files and the dispatcher do not import each other.
 */
import type { Ed25519Identity } from '../../../../core/keys/ed25519.ts';
import { signText } from '../../../../sdk/src/storage/signatures.ts';
import type { SubRequest } from '../../../../sdk/src/storage/methods.ts';
import { StorageRpcError } from '../../../../sdk/src/storage/types.ts';
import { misc, swarmAnswer, swarmJson, type RpcAnswer } from '../results.ts';
import type { Forwarder, MessageDb, SwarmView } from '../types.ts';

export type StorageContext = {
  db: MessageDb;
  swarmView: SwarmView;
  identity: Ed25519Identity;
  forward?: Forwarder;
  now: () => number;
  log: (line: string) => void;
};

/** One execution of one request: who asked (a client, or a member forwarding) and when. */
export type Call = { ctx: StorageContext; forwarded: boolean; nowMs: number };

/** A parsed request of one method, with the params exactly as they arrived (forwarded as is). */
export type MethodHandler<R extends SubRequest = SubRequest> = (request: R, params: Record<string, unknown>, call: Call) => RpcAnswer | Promise<RpcAnswer>;

/** Refuses with 421 and the account's swarm unless this node holds it (the anchor's handle_wrong_swarm). */
export function requireOwnSwarm(call: Call, account: string): void {
  if (call.ctx.swarmView.holds(account)) return;
  let swarm: ReturnType<SwarmView['swarmOf']> | null = null;
  try {
    swarm = call.ctx.swarmView.swarmOf(account);
  } catch {
    // no swarm at all (an empty network): the anchor's invalid swarm id, no nodes
  }
  throw new StorageRpcError(421, `this node is not in the swarm of ${account}; send the request to one of the nodes listed in "snodes"`, { ...swarmJson(swarm), ...misc(call.nowMs) });
}

/** This node's base64 signature of a result text (the anchor's create_signature). */
export const signResult = (call: Call, text: string): string => signText(text, call.ctx.identity.secretKey);

/**
 * After the local execution of a recursive method: a forwarded request answers with this
 * node's result alone; a client's request goes to the other members (Forwarder) and is
 * answered with every member's result under `swarm`, plus `top` (e.g. the store's `hash`).
 */
export async function fanOut(call: Call, method: string, params: Record<string, unknown>, mine: Record<string, unknown>, top: Record<string, unknown> = {}): Promise<RpcAnswer> {
  if (call.forwarded) return { status: 200, body: mine };
  let peers = new Map<`0x${string}`, { result?: unknown; error?: { status: number; reason: string } }>();
  if (call.ctx.forward) {
    try {
      peers = await call.ctx.forward(method, params);
    } catch (error) {
      call.ctx.log(`storage: forwarding ${method} failed: ${(error as Error).message}`);
    }
  }
  return swarmAnswer(call.ctx.identity.nodeId, mine, peers, top, call.nowMs);
}

/** Groups `{ namespace, hash }` rows as the anchor answers an "all"-namespace action: `{ "ns": [hashes] }`. */
export function byNamespace(rows: readonly { namespace: number; hash: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of [...rows].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))) (out[String(r.namespace)] ??= []).push(r.hash);
  return out;
}

export const sortedHashes = (hashes: readonly string[]): string[] => [...hashes].sort();

/**
 * This node's own result of a write over a namespace scope (delete_all, delete_before,
 * expire_all): the hashes it touched (grouped by namespace for "all", as the anchor answers)
 * under `field`, and its signature over the sorted hashes.
 */
export function scopedResult(call: Call, field: 'deleted' | 'updated', scope: number | 'all', rows: readonly { namespace: number; hash: string }[], text: (hashes: string[]) => string) {
  const hashes = sortedHashes(rows.map((r) => r.hash));
  return { [field]: scope === 'all' ? byNamespace(rows) : hashes, signature: signResult(call, text(hashes)) };
}
