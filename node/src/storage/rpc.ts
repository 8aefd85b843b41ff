/**
 * POST /storage_rpc/v1: the anchor's client RPC (`{ "method", "params" }`) on our node.
 *
 * Why it is shaped like this:
 * - One handler per method (methods/*.ts); this file only dispatches, turns every refusal into
 *   the anchor's status with a plain-text reason (or JSON, for the 421 that names the right
 *   swarm), and never lets an unexpected error escape as anything but a 500 "request failed".
 * - A client's write is executed here first and is durable before anything else happens; then
 *   the Forwarder sends the same request (the client's own signature travels with it) to the
 *   other members, and the answer lists every member's own signed result under `swarm`.
 * - A request carrying FORWARDED_HEADER is a member passing a client's request on: it is
 *   honoured only when node-signed (core/http/node-auth.ts) by a current member of this node's
 *   swarm, and is then executed locally only, so a request is never forwarded twice.
 */
import { route, reply, textReply, type JsonRequest, type Route } from '../../../core/http/server.ts';
import { parseRequest } from '../../../sdk/src/storage/methods.ts';
import { StorageRpcError } from '../../../sdk/src/storage/types.ts';
import { refusal, type RpcAnswer } from './results.ts';
import { FORWARDED_HEADER } from './types.ts';
import type { StorageContext } from './methods/common.ts';
import { execute } from './methods/index.ts';

export type { StorageContext } from './methods/common.ts';
export const STORAGE_RPC_PATH = '/storage_rpc/v1';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and runs one `{ method, params }`; always an answer, refusals as the anchor's status and reason. */
export async function runRpc(ctx: StorageContext, body: unknown, forwarded: boolean): Promise<RpcAnswer> {
  if (!isObject(body)) return refusal(400, 'invalid json: the body must be a JSON object { "method": …, "params": { … } }');
  if (typeof body.method !== 'string') return refusal(400, 'invalid json: no `method` field (a string naming the RPC method, e.g. "store")');
  if (!isObject(body.params)) return refusal(400, 'invalid json: no `params` field (an object with the method\'s parameters)');
  let request;
  try {
    request = parseRequest(body.method, body.params);
  } catch (error) {
    if (error instanceof StorageRpcError) return refusal(error.status, error.reason);
    throw error;
  }
  return execute(request, body.params, { ctx, forwarded, nowMs: ctx.now() });
}

/**
 * Whether a forwarded request may be executed here: node-signed by a current member of this
 * node's swarm. Answers the refusal when not.
 */
function forwardedRefusal(ctx: StorageContext, request: JsonRequest): RpcAnswer | undefined {
  if (!request.peer) {
    return refusal(401, `a request with ${FORWARDED_HEADER} must be signed by a registered node (x-sesh-node headers); clients send requests without it`);
  }
  const mine = ctx.swarmView.mine();
  if (!mine) return refusal(403, 'this node is not an active member of any swarm, so it takes no forwarded requests');
  const peer = request.peer.toLowerCase();
  if (!mine.members.some((m) => m.ed25519Key.toLowerCase() === peer)) {
    return refusal(403, `${peer} is not a member of this node's swarm ${mine.id.toString(16)}; only members forward requests to each other`);
  }
  return undefined;
}

const send = (answer: RpcAnswer) =>
  typeof answer.body === 'string' ? textReply(answer.status, answer.body, 'text/plain; charset=utf-8') : reply(answer.status, answer.body);

/**
 * The storage route's own buckets (core/http/server.ts): message traffic is many small
 * requests, far beyond the rest of the API's, and every client write reaches each member once
 * more as a forwarded request; its own buckets keep it from starving the node's rounds and
 * the rest of the API from starving it.
 */
export const STORAGE_RATE_LIMITS = {
  // Above what one node can execute (a few thousand stores/s): the buckets bound a flood, not a busy client.
  perIp: { capacity: 8_000, refillPerSecond: 4_000 },
  total: { capacity: 8_000, refillPerSecond: 4_000 },
  perPeer: { capacity: 8_000, refillPerSecond: 4_000 },
};

export function storageRpcRoutes(ctx: StorageContext, options: { bodyLimit: number; rateLimit?: typeof STORAGE_RATE_LIMITS }): Route[] {
  return [
    route(
      'POST',
      STORAGE_RPC_PATH,
      async (request) => {
        const forwarded = request.headers[FORWARDED_HEADER] !== undefined;
        if (forwarded) {
          const refused = forwardedRefusal(ctx, request);
          if (refused) return send(refused);
        }
        return send(await runRpc(ctx, request.body, forwarded));
      },
      // The anchor reads the body as JSON whatever the content-type; clients and tools rely on it.
      { bodyLimit: options.bodyLimit, rateLimit: options.rateLimit ?? STORAGE_RATE_LIMITS, anyContentType: true },
    ),
  ];
}
