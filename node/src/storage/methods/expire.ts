/**
 * expire, expire_all, get_expiries: the owner changes or reads when messages go.
 * `expire` sets expiries (capped at now + 30 days), or with `shorten` only lowers them, with
 * `extend` only raises them, and reports the unchanged ones with their current expiry;
 * `expire_all` only ever lowers. Each member signs what it changed, as the anchor does.
 */
import type { ExpireAllRequest, ExpireRequest, GetExpiriesRequest } from '../../../../sdk/src/storage/methods.ts';
import { appliedExpiries, authorizeRequest, resultText } from '../../../../sdk/src/storage/signatures.ts';
import { fanOut, requireOwnSwarm, scopedResult, signResult, sortedHashes, type MethodHandler } from './common.ts';

export const expire: MethodHandler<ExpireRequest> = (req, params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  const applied = appliedExpiries(req.expiry, call.nowMs);
  const mode = req.mode ?? 'any';
  // One expiry for all, or one per message: each distinct value is one update.
  const groups = new Map<number, string[]>();
  req.messages.forEach((hash, i) => {
    const e = applied.length === 1 ? applied[0]! : applied[i]!;
    groups.set(e, [...(groups.get(e) ?? []), hash]);
  });
  const updated = new Map<string, number>();
  for (const [e, hashes] of groups) for (const [h, v] of call.ctx.db.expire(req.account.id, hashes, e, mode)) updated.set(h, v);
  const updatedHashes = sortedHashes([...updated.keys()]);
  const expiries = applied.length > 1 ? updatedHashes.map((h) => updated.get(h)!) : [applied[0]!];
  let unchanged: Record<string, number> | undefined;
  if (req.mode) {
    unchanged = {};
    const rest = req.messages.filter((h) => !updated.has(h));
    for (const [h, e] of rest.length > 0 ? call.ctx.db.getExpiries(req.account.id, rest) : []) unchanged[h] = e;
  }
  const mine = {
    expiry: applied.length > 1 ? expiries : applied[0]!,
    updated: updatedHashes,
    ...(unchanged ? { unchanged } : {}),
    signature: signResult(call, resultText.expire(req.account.id, expiries, req.messages, updatedHashes, unchanged ?? {})),
  };
  return fanOut(call, 'expire', params, mine);
};

export const expireAll: MethodHandler<ExpireAllRequest> = (req, params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  const rows = call.ctx.db.expireAllIn(req.account.id, req.namespace, req.expiry);
  const mine = scopedResult(call, 'updated', req.namespace, rows, (hashes) => resultText.expire_all(req.account.id, req.expiry, hashes));
  return fanOut(call, 'expire_all', params, mine);
};

export const getExpiries: MethodHandler<GetExpiriesRequest> = (req, _params, call) => {
  requireOwnSwarm(call, req.account.id);
  authorizeRequest(req, call.nowMs, { forwarded: call.forwarded });
  return { status: 200, body: { expiries: Object.fromEntries(call.ctx.db.getExpiries(req.account.id, req.messages)) } };
};
