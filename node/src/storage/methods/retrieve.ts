/**
 * retrieve: one namespace of an account, in storage order after `last_hash`, limited by
 * `max_count` and/or `max_size` as the anchor limits them (no limit given: a fifth of the
 * largest answer; a negative max_size: that fraction of it). Read locally, never forwarded.
 */
import type { RetrieveRequest } from '../../../../sdk/src/storage/methods.ts';
import { RETRIEVE_MAX_BYTES } from '../../../../sdk/src/storage/limits.ts';
import { authorizeRequest } from '../../../../sdk/src/storage/signatures.ts';
import { toBase64 } from '../../../../sdk/src/storage/encoding.ts';
import { misc } from '../results.ts';
import { requireOwnSwarm, type MethodHandler } from './common.ts';

/** The anchor's size rule: 0 means unset; none at all means -5; -n means max/n; capped at max. */
export function retrieveLimits(maxCount: number | undefined, maxSize: number | undefined): { limit?: number; maxBytes: number } {
  const count = maxCount !== undefined && maxCount > 0 ? maxCount : undefined;
  let size = maxSize !== undefined && maxSize !== 0 ? maxSize : undefined;
  if (count === undefined && size === undefined) size = -5;
  const maxBytes = size !== undefined && size < 0 ? Math.floor(RETRIEVE_MAX_BYTES / -size) : Math.min(size ?? RETRIEVE_MAX_BYTES, RETRIEVE_MAX_BYTES);
  return { ...(count !== undefined ? { limit: count } : {}), maxBytes };
}

export const retrieve: MethodHandler<RetrieveRequest> = (req, _params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  const { limit, maxBytes } = retrieveLimits(req.maxCount, req.maxSize);
  const page = call.ctx.db.retrieve(req.account.id, req.namespace, { ...(req.lastHash ? { lastHash: req.lastHash } : {}), ...(limit ? { limit } : {}), maxBytes, nowMs: call.nowMs });
  const messages = page.messages.map((m) => ({ hash: m.hash, timestamp: m.timestamp, expiration: m.expiry, data: toBase64(m.data) }));
  return { status: 200, body: { messages, more: page.more, ...misc(call.nowMs) } };
};
