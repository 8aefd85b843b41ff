/**
 * store: a message into an account's namespace, as the anchor stores it. The node computes
 * the hash itself (never trusting the client's), commits the message (group-committed with the
 * stores of the same moment, durable before anything is answered or forwarded), signs the hash,
 * then forwards the same request to the other members.
 */
import { messageHash } from '../../../../sdk/src/storage/message-hash.ts';
import type { StoreRequest } from '../../../../sdk/src/storage/methods.ts';
import { authorizeRequest, resultText } from '../../../../sdk/src/storage/signatures.ts';
import { StorageRpcError } from '../../../../sdk/src/storage/types.ts';
import { fanOut, requireOwnSwarm, signResult, type MethodHandler } from './common.ts';

export const store: MethodHandler<StoreRequest> = async (req, params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  const hash = messageHash(req.account, req.namespace, req.data);
  let mine: Record<string, unknown>;
  try {
    const { stored } = await call.ctx.db.storeCommitted({ account: req.account.id, namespace: req.namespace, hash, data: req.data, timestamp: req.timestamp, expiry: req.expiry });
    // A duplicate keeps the later of the two expiries: answer the one now held.
    const expiry = stored ? req.expiry : (call.ctx.db.getExpiries(req.account.id, [hash]).get(hash) ?? req.expiry);
    mine = { hash, signature: signResult(call, resultText.store(hash)), ...(stored ? {} : { already: true }), expiry };
  } catch (error) {
    if (!(error instanceof StorageRpcError)) throw error;
    // This member is full; the others may still take it (the anchor's query_failure).
    if (call.forwarded) throw error;
    mine = { failed: true, query_failure: true, code: error.status, reason: error.reason };
  }
  if (!call.forwarded) mine.t = call.nowMs;
  return fanOut(call, 'store', params, mine, { hash });
};
