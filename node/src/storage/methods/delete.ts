/**
 * delete, delete_all, delete_before: the owner removes messages. Each member deletes what it
 * holds and signs exactly what it deleted (sorted), so a client can see which member did what.
 * An "all" scope answers `{ "ns": [hashes] }` and signs the hashes of every namespace sorted together.
 */
import type { DeleteAllRequest, DeleteBeforeRequest, DeleteRequest } from '../../../../sdk/src/storage/methods.ts';
import { authorizeRequest, resultText } from '../../../../sdk/src/storage/signatures.ts';
import { fanOut, requireOwnSwarm, scopedResult, signResult, sortedHashes, type MethodHandler } from './common.ts';

export const deleteMessages: MethodHandler<DeleteRequest> = async (req, params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  const deleted = sortedHashes(call.ctx.db.delete(req.account.id, req.messages));
  const mine = { deleted, signature: signResult(call, resultText.delete(req.account.id, req.messages, deleted)) };
  const answer = await fanOut(call, 'delete', params, mine);
  // `required`: 404 when no member deleted anything (the anchor's rule).
  if (req.required && answer.status === 200) {
    const body = answer.body as { swarm?: Record<string, { deleted?: unknown[] }>; deleted?: unknown[] };
    const entries = body.swarm ? Object.values(body.swarm) : [body];
    if (!entries.some((e) => Array.isArray(e.deleted) && e.deleted.length > 0)) return { status: 404, body: answer.body };
  }
  return answer;
};

export const deleteAll: MethodHandler<DeleteAllRequest> = (req, params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  const rows = call.ctx.db.deleteAllIn(req.account.id, req.namespace);
  const mine = scopedResult(call, 'deleted', req.namespace, rows, (hashes) => resultText.delete_all(req.account.id, req.timestamp, hashes));
  return fanOut(call, 'delete_all', params, mine);
};

export const deleteBefore: MethodHandler<DeleteBeforeRequest> = (req, params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  const rows = call.ctx.db.deleteBeforeIn(req.account.id, req.namespace, req.before);
  const mine = scopedResult(call, 'deleted', req.namespace, rows, (hashes) => resultText.delete_before(req.account.id, req.before, hashes));
  return fanOut(call, 'delete_before', params, mine);
};
