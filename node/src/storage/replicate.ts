/**
 * Forwarding: a client request that one swarm member accepted is sent, exactly as it arrived
 * (method and params, the client's own signature inside), to every other member of this
 * node's swarm, so a store at any member reaches all of them — as the anchor's
 * `process_client_req` relays a store to its swarm peers. Each member executes it itself and
 * answers with its own signed result; the origin merges those into its `swarm` field.
 *
 * The request is node-signed (core/http/node-auth.ts) and carries FORWARDED_HEADER: the
 * receiver checks that it comes from a current member of its swarm, executes locally and does
 * not forward again (no loops). Every member is reached at once, over kept-alive connections
 * (peer-post.ts), each with a timeout; a member that does not answer gets an error entry
 * saying why, never a hang. While a member has requests in flight, further ones queue and
 * leave together as one `batch` request (memberQueue): under load one HTTP request, one node
 * signature and one commit at the receiver serve up to 20 stores. A member that misses a
 * store this way is reported to `onMissed`, so the handoff can push it the account's messages
 * later (handoff.ts); a member that was down pulls what it missed when it comes back.
 */
import type { Hex } from 'viem';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { BATCH_MAX } from '../../../sdk/src/storage/limits.ts';
import { peerPost } from './peer-post.ts';
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
  /** Per member request (default 3,000 ms). */
  timeoutMs?: number;
  /** Requests (single or batched) in flight to one member at once (default 1); more wait and are batched. */
  inFlightPerMember?: number;
  /** A member that did not execute a write (unreachable, timed out, refused with 5xx). */
  onMissed?: (member: Hex, method: string, params: Record<string, unknown>) => void;
  log?: (line: string) => void;
};

/** The forwarded requests one HTTP request to a member carries at most (the anchor's batch limit). */
export const FORWARD_BATCH_MAX = BATCH_MAX;

/** POSTs one forwarded body to one member and reads its answer; never throws. */
export async function forwardTo(member: ReachableMember, body: string, o: { identity: Ed25519Identity; timeoutMs: number }): Promise<MemberOutcome> {
  if (!member.url) return { error: { status: 503, reason: `member ${member.ed25519Key} announces no URL` } };
  const answer = await peerPost(member.url, STORAGE_RPC_PATH, body, { identity: o.identity, timeoutMs: o.timeoutMs, headers: { [FORWARDED_HEADER]: '1' } });
  if (answer.text === undefined) return { error: { status: answer.status, reason: `member ${member.ed25519Key} at ${member.url} is unreachable: ${answer.reason}` } };
  let parsed: unknown = undefined;
  try {
    parsed = answer.text.length > 0 ? JSON.parse(answer.text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (answer.status >= 200 && answer.status < 300) {
    if (parsed === undefined) return { error: { status: 502, reason: `member ${member.ed25519Key} answered HTTP ${answer.status} with a body that is not JSON` } };
    return { result: parsed };
  }
  const reason = parsed && typeof parsed === 'object' && typeof (parsed as { reason?: unknown }).reason === 'string' ? (parsed as { reason: string }).reason : answer.text;
  return { error: { status: answer.status, reason: reason.slice(0, 300) || `HTTP ${answer.status}` } };
}

type Queued = { method: string; params: Record<string, unknown>; settle: (outcome: MemberOutcome) => void };

/** One sub-request's `{ code, body }` of a batch answer, as the outcome of that request. */
export function subOutcome(sub: unknown): MemberOutcome {
  const s = (typeof sub === 'object' && sub !== null ? sub : {}) as { code?: unknown; body?: unknown };
  if (typeof s.code !== 'number') return { error: { status: 502, reason: 'the member\'s batch answer has no result for this request' } };
  if (s.code >= 200 && s.code < 300) return { result: s.body };
  return { error: { status: s.code, reason: (typeof s.body === 'string' ? s.body : JSON.stringify(s.body ?? '')).slice(0, 300) || `HTTP ${s.code}` } };
}

/**
 * A member's queue: requests go out at once while fewer than `inFlight` are under way; the
 * rest wait and leave together as one `batch` (up to FORWARD_BATCH_MAX), so a busy node sends
 * one HTTP request (one signature check, one commit at the receiver) for many stores.
 */
export function memberQueue(send: (body: string) => Promise<MemberOutcome>, inFlight: number) {
  const queue: Queued[] = [];
  let running = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    while (running < inFlight && queue.length > 0) {
      // Batch and sequence are not sub-requests: such a request always travels alone.
      const alone = queue[0]!.method === 'batch' || queue[0]!.method === 'sequence';
      const take: Queued[] = [queue.shift()!];
      while (!alone && take.length < FORWARD_BATCH_MAX && queue.length > 0 && queue[0]!.method !== 'batch' && queue[0]!.method !== 'sequence') take.push(queue.shift()!);
      running++;
      const body = take.length === 1
        ? JSON.stringify({ method: take[0]!.method, params: take[0]!.params })
        : JSON.stringify({ method: 'batch', params: { requests: take.map((q) => ({ method: q.method, params: q.params })) } });
      void send(body).then((outcome) => {
        running--;
        if (take.length === 1) take[0]!.settle(outcome);
        else {
          const results = (outcome.result as { results?: unknown[] } | undefined)?.results;
          take.forEach((q, i) => q.settle(outcome.error ? outcome : subOutcome(Array.isArray(results) ? results[i] : undefined)));
        }
        if (queue.length > 0) flush();
      });
    }
  };
  return (method: string, params: Record<string, unknown>) =>
    new Promise<MemberOutcome>((settle) => {
      queue.push({ method, params, settle });
      // Whatever arrives in the same turn of the event loop joins this flush.
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

export function createForwarder(o: ForwarderOptions): Forwarder {
  const timeoutMs = o.timeoutMs ?? 3_000;
  const self = o.identity.nodeId.toLowerCase();
  const queues = new Map<string, { url: string; enqueue: ReturnType<typeof memberQueue> }>();
  const queueOf = (member: ReachableMember) => {
    const key = member.ed25519Key.toLowerCase();
    let q = queues.get(key);
    if (!q || q.url !== member.url) {
      if (queues.size > 1_000) queues.clear();
      q = { url: member.url ?? '', enqueue: memberQueue((body) => forwardTo(member, body, { identity: o.identity, timeoutMs }), o.inFlightPerMember ?? 1) };
      queues.set(key, q);
    }
    return q.enqueue;
  };
  return async (method, params) => {
    const outcomes = new Map<Hex, MemberOutcome>();
    const mine = o.swarmView.mine();
    if (!mine) return outcomes;
    const others = mine.members.filter((m) => m.ed25519Key.toLowerCase() !== self);
    await Promise.all(others.map(async (member) => {
      const outcome = await queueOf(member)(method, params);
      outcomes.set(member.ed25519Key, outcome);
      // 4xx: the member judged the request itself (it may be right); 5xx/unreachable: it missed it.
      if (outcome.error && outcome.error.status >= 500 && WRITE_METHODS.has(method)) {
        o.log?.(`storage: forward ${method} to ${member.ed25519Key}: ${outcome.error.reason}`);
        o.onMissed?.(member.ed25519Key, method, params);
      }
    }));
    return outcomes;
  };
}
