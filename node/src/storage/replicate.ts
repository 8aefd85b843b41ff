/**
 * Forwarding: a client request that one swarm member accepted is sent, exactly as it arrived
 * (method and params, the client's own signature inside), to every other member of this
 * node's swarm, so a store at any member reaches all of them — as the anchor's
 * `process_client_req` relays a store to its swarm peers. Each member executes it itself and
 * answers with its own signed result; the origin merges those into its `swarm` field.
 *
 * The request is node-signed (core/http/node-auth.ts) and carries FORWARDED_HEADER: the
 * receiver checks that it comes from a current member of its swarm, executes locally and does
 * not forward again (no loops). Members are reached a few at a time (bounded concurrency),
 * each with a timeout; a member that does not answer gets an error entry saying why, never a
 * hang. A member that misses a store this way is reported to `onMissed`, so the handoff can
 * push it the account's messages later (handoff.ts); a member that was down pulls what it
 * missed when it comes back.
 */
import type { Hex } from 'viem';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { signRequest } from '../../../core/http/node-auth.ts';
import { joinUrl } from '../peers/http.ts';
import { FORWARDED_HEADER, type Forwarder, type ReachableMember, type SwarmView } from './types.ts';

export const STORAGE_RPC_PATH = '/storage_rpc/v1';

/** Methods that change what a member holds: a member that missed one must be brought up to date. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['store', 'delete', 'delete_all', 'delete_before', 'expire', 'expire_all', 'batch', 'sequence']);

/** The accounts a request writes to (its `pubkey`, or those of a batch's sub-requests). */
export function accountsOf(method: string, params: Record<string, unknown>): string[] {
  if (method === 'batch' || method === 'sequence') {
    const requests = Array.isArray(params.requests) ? (params.requests as unknown[]) : [];
    return [...new Set(requests.flatMap((r) => accountsOf(String((r as { method?: unknown })?.method), ((r as { params?: unknown })?.params ?? {}) as Record<string, unknown>)))];
  }
  return typeof params.pubkey === 'string' && /^[0-9a-fA-F]{66}$/.test(params.pubkey) ? [params.pubkey.toLowerCase()] : [];
}

export type MemberOutcome = { result?: unknown; error?: { status: number; reason: string } };

export type ForwarderOptions = {
  swarmView: SwarmView;
  identity: Ed25519Identity;
  /** Per member (default 3,000 ms). */
  timeoutMs?: number;
  /** Members contacted at once (default 8). */
  concurrency?: number;
  /** A member that did not execute a write (unreachable, timed out, refused with 5xx). */
  onMissed?: (member: Hex, method: string, params: Record<string, unknown>) => void;
  log?: (line: string) => void;
};

/** Runs `task` over `items`, at most `limit` at a time. */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
}

/** POSTs one forwarded request to one member and reads its answer; never throws. */
export async function forwardTo(member: ReachableMember, body: string, o: { identity: Ed25519Identity; timeoutMs: number }): Promise<MemberOutcome> {
  if (!member.url) return { error: { status: 503, reason: `member ${member.ed25519Key} announces no URL` } };
  let response: Response;
  try {
    response = await fetch(joinUrl(STORAGE_RPC_PATH, member.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [FORWARDED_HEADER]: '1', ...signRequest(o.identity, 'POST', STORAGE_RPC_PATH, body) },
      body,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (error) {
    const e = error as Error;
    const why = e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms` : ((e.cause as Error)?.message ?? e.message);
    return { error: { status: 503, reason: `member ${member.ed25519Key} at ${member.url} is unreachable: ${why}` } };
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = undefined;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.ok) {
    if (parsed === undefined) return { error: { status: 502, reason: `member ${member.ed25519Key} answered HTTP ${response.status} with a body that is not JSON` } };
    return { result: parsed };
  }
  const reason = parsed && typeof parsed === 'object' && typeof (parsed as { reason?: unknown }).reason === 'string' ? (parsed as { reason: string }).reason : text;
  return { error: { status: response.status, reason: reason.slice(0, 300) || `HTTP ${response.status}` } };
}

export function createForwarder(o: ForwarderOptions): Forwarder {
  const timeoutMs = o.timeoutMs ?? 3_000;
  const self = o.identity.nodeId.toLowerCase();
  return async (method, params) => {
    const outcomes = new Map<Hex, MemberOutcome>();
    const mine = o.swarmView.mine();
    if (!mine) return outcomes;
    const others = mine.members.filter((m) => m.ed25519Key.toLowerCase() !== self);
    const body = JSON.stringify({ method, params });
    await eachLimited(others, o.concurrency ?? 8, async (member) => {
      const outcome = await forwardTo(member, body, { identity: o.identity, timeoutMs });
      outcomes.set(member.ed25519Key, outcome);
      // 4xx: the member judged the request itself (it may be right); 5xx/unreachable: it missed it.
      if (outcome.error && outcome.error.status >= 500 && WRITE_METHODS.has(method)) {
        o.log?.(`storage: forward ${method} to ${member.ed25519Key}: ${outcome.error.reason}`);
        o.onMissed?.(member.ed25519Key, method, params);
      }
    });
    return outcomes;
  };
}
