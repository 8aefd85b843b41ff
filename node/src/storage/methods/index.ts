/**
 * Every method by the name the parser gives it (sdk/src/storage/methods.ts parses
 * get_snodes_for_pubkey as get_swarm), and batch/sequence, which run parsed sub-requests
 * through the same handlers: batch all of them, sequence until the first one that is not 2xx.
 * Each sub-request answers `{ code, body }` with its own status, as at the anchor.
 */
import type { BatchRequest, StorageRequest, SubRequest } from '../../../../sdk/src/storage/methods.ts';
import { RECURSIVE_METHODS } from '../../../../sdk/src/storage/methods.ts';
import { StorageRpcError } from '../../../../sdk/src/storage/types.ts';
import { refusal, type RpcAnswer } from '../results.ts';
import type { Call, MethodHandler } from './common.ts';
import { deleteAll, deleteBefore, deleteMessages } from './delete.ts';
import { expire, expireAll, getExpiries } from './expire.ts';
import { retrieve } from './retrieve.ts';
import { store } from './store.ts';
import { getSwarm, info } from './swarm-info.ts';

const HANDLERS: { [M in SubRequest['method']]: MethodHandler<Extract<SubRequest, { method: M }>> } = {
  store,
  retrieve,
  delete: deleteMessages,
  delete_all: deleteAll,
  delete_before: deleteBefore,
  expire,
  expire_all: expireAll,
  get_expiries: getExpiries,
  get_swarm: getSwarm,
  info,
};

/** Runs one parsed request; a refusal (StorageRpcError) becomes its status and reason. */
export async function execute(request: StorageRequest, params: Record<string, unknown>, call: Call): Promise<RpcAnswer> {
  try {
    // A member may forward a `batch` of recursive requests (replicate.ts memberQueue); each
    // sub-request is held to this rule on its own.
    if (call.forwarded && !RECURSIVE_METHODS.has(request.method) && request.method !== 'batch') {
      return refusal(400, `invalid request: received invalid forwarded non-forwardable request (${request.method} is answered by the node a client asks, never forwarded)`);
    }
    if (request.method === 'batch' || request.method === 'sequence') return await runBatch(request, params, call);
    const handler = HANDLERS[request.method] as MethodHandler;
    return await handler(request as SubRequest, params, call);
  } catch (error) {
    if (error instanceof StorageRpcError) return error.body !== undefined ? { status: error.status, body: error.body } : refusal(error.status, error.reason);
    call.ctx.log(`storage: ${request.method} failed: ${(error as Error)?.stack ?? String(error)}`);
    return refusal(500, 'request failed: the node could not execute it; see its log');
  }
}

async function runBatch(request: BatchRequest, params: Record<string, unknown>, call: Call): Promise<RpcAnswer> {
  // The parser accepted the batch, so `requests` is an array of { method, params } objects.
  const rawSubs = params.requests as { params: Record<string, unknown> }[];
  const one = async (i: number) => {
    const answer = await execute(request.requests[i]!, rawSubs[i]!.params, { ...call, nowMs: call.ctx.now() });
    return { code: answer.status, body: answer.body };
  };
  const results: { code: number; body: unknown }[] = [];
  if (request.method === 'batch') {
    // The stores of a batch (a member's forwarded one too) are group-committed together (db.ts
    // storeCommitted): one commit, and the answer only after it.
    results.push(...(await Promise.all(request.requests.map((_, i) => one(i)))));
  } else {
    for (let i = 0; i < request.requests.length; i++) {
      const r = await one(i);
      results.push(r);
      if (r.code < 200 || r.code > 299) break;
    }
  }
  return { status: 200, body: { results } };
}
