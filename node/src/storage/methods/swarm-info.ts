/**
 * get_swarm (alias get_snodes_for_pubkey) and info: what any node answers anyone, without a
 * signature: the swarm that holds an account (so a client can find it from any node), and this
 * node's version and clock (clients sign with this time to stay within ±60 s).
 */
import type { GetSwarmRequest, InfoRequest } from '../../../../sdk/src/storage/methods.ts';
import { misc, swarmJson } from '../results.ts';
import type { MethodHandler } from './common.ts';

/** The anchor release whose client protocol this node speaks (clients compare versions). */
export const PROTOCOL_VERSION: readonly [number, number, number] = [2, 10, 0];

export const getSwarm: MethodHandler<GetSwarmRequest> = (req, _params, call) => {
  let swarm: ReturnType<typeof call.ctx.swarmView.swarmOf> | null = null;
  try {
    swarm = call.ctx.swarmView.swarmOf(req.account.id);
  } catch {
    // no swarms yet (no active nodes): the anchor's invalid swarm, no nodes
  }
  return { status: 200, body: { ...swarmJson(swarm), ...misc(call.nowMs) } };
};

export const info: MethodHandler<InfoRequest> = (_req, _params, call) => ({ status: 200, body: { version: PROTOCOL_VERSION, timestamp: call.nowMs, ...misc(call.nowMs) } });
