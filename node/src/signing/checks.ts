/**
 * What a node checks before it signs: the request against its OWN state. Each check is pure
 * (view + request + chain time in, verdict out); a refusal lists every differing value so
 * an operator can see at once why the node disagrees.
 */
import type { Hex } from 'viem';
import type { LedgerCheckpoint, NetworkView } from '../../../core/state/consumer.ts';
import { isActive } from '../../../core/state/network-state.ts';

/** A signature time must be within this of the node's view of chain time (DESIGN §5). */
export const MAX_SIGNED_AT_SKEW = 180;

export type Difference = { field: string; requested: string; mine: string };
export type Verdict = { ok: true } | { ok: false; status: number; error: string; reason: string; differences: Difference[] };

const refuse = (error: string, reason: string, differences: Difference[] = [], status = 422): Verdict => ({ ok: false, status, error, reason, differences });

export function checkSignedAt(signedAt: number, chainNow: number): Verdict {
  if (Math.abs(signedAt - chainNow) > MAX_SIGNED_AT_SKEW) {
    return refuse('bad_time', `signedAt is ${signedAt - chainNow} s from the chain time this node sees (limit ±${MAX_SIGNED_AT_SKEW} s)`, [
      { field: 'signedAt', requested: String(signedAt), mine: String(chainNow) },
    ]);
  }
  return { ok: true };
}

export type CheckpointRequest = { epoch: bigint; root: Hex; cumulativeTotal: bigint; ledgerBlock: number; signedAt: number };

export type CheckpointContext = {
  chainNow: number;
  checkpointAt: (block: number) => LedgerCheckpoint;
  /** StakingRewards.minCheckpointInterval (seconds; 0 before the contract has it). */
  minCheckpointInterval?: number;
};

/**
 * Signs exactly one checkpoint: the next epoch, at most once per interval, over this node's
 * own ledger at a block past the last authorised one. Anything else would let whoever
 * collects the shares skip epochs (epoch 2^64−1 freezes rewards for good), checkpoint faster
 * than the contract allows, or roll the ledger back.
 */
export function checkCheckpoint(view: NetworkView, request: CheckpointRequest, ctx: CheckpointContext): Verdict {
  if (request.ledgerBlock > view.height) {
    return refuse('behind', `this node has processed the chain up to block ${view.height}, not yet ${request.ledgerBlock}; retry shortly`, [
      { field: 'ledgerBlock', requested: String(request.ledgerBlock), mine: String(view.height) },
    ], 409);
  }
  const time = checkSignedAt(request.signedAt, ctx.chainNow);
  if (!time.ok) return time;

  const last = view.state.lastCheckpoint;
  const latest = last?.epoch ?? 0n;
  const differences: Difference[] = [];
  const reasons: string[] = [];
  const differ = (d: Difference, reason: string) => {
    differences.push(d);
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  if (request.epoch !== latest + 1n) {
    differ({ field: 'epoch', requested: String(request.epoch), mine: String(latest + 1n) }, `the last authorised epoch is ${latest}, so this node signs only epoch ${latest + 1n}`);
  }
  if (last && BigInt(request.ledgerBlock) <= last.ledgerBlock) {
    differ({ field: 'ledgerBlock', requested: String(request.ledgerBlock), mine: `> ${last.ledgerBlock}` }, `epoch ${latest} already covers the ledger up to block ${last.ledgerBlock}; a new checkpoint must be at a later block`);
  }
  const mine = ctx.checkpointAt(request.ledgerBlock);
  const ledger = `the checkpoint differs from this node's ledger at block ${request.ledgerBlock}`;
  if (mine.root !== request.root.toLowerCase()) differ({ field: 'root', requested: request.root, mine: mine.root }, ledger);
  if (mine.total !== request.cumulativeTotal) {
    differ({ field: 'cumulativeTotal', requested: String(request.cumulativeTotal), mine: String(mine.total) }, ledger);
  } else if (last && request.cumulativeTotal < last.total) {
    differ({ field: 'cumulativeTotal', requested: String(request.cumulativeTotal), mine: `≥ ${last.total}` }, `the cumulative total may never go below the authorised ${last.total}`);
  }
  if (differences.length > 0) return refuse('disagree', reasons.join('; '), differences);

  // The right checkpoint, but not yet: the contract accepts one per interval (retry later).
  const interval = ctx.minCheckpointInterval ?? 0;
  if (last && interval > 0 && ctx.chainNow < last.time + interval) {
    const at = last.time + interval;
    return refuse('too_early', `epoch ${last.epoch} was authorised at chain time ${last.time}; at most one checkpoint per ${interval} s, so epoch ${latest + 1n} can be signed from chain time ${at} (in ${at - ctx.chainNow} s)`, [
      { field: 'chainTime', requested: String(ctx.chainNow), mine: `≥ ${at}` },
    ], 409);
  }
  return { ok: true };
}

export type NodeRequest = { nodeId: bigint; signedAt: number };

export function checkExit(view: NetworkView, request: NodeRequest, ctx: { chainNow: number }): Verdict {
  const node = view.state.nodes.get(request.nodeId);
  if (!node) return refuse('unknown_node', `node ${request.nodeId} is not registered as far as this node knows (block ${view.height})`, [], 404);
  if (node.status !== 'exitRequested') {
    return refuse('wrong_status', `node ${request.nodeId} has not requested an exit`, [{ field: 'status', requested: 'exitRequested', mine: node.status }], 409);
  }
  if (node.unlockAt === null || ctx.chainNow < node.unlockAt) {
    return refuse('not_unlocked', `node ${request.nodeId} unlocks at ${node.unlockAt} (chain time now ${ctx.chainNow})`, [
      { field: 'unlockAt', requested: `≤ ${ctx.chainNow}`, mine: String(node.unlockAt) },
    ], 409);
  }
  return checkSignedAt(request.signedAt, ctx.chainNow);
}

/**
 * Deregistration (the penalty) only on a ground from the ladder (testing/ladder.ts): an
 * identity problem, or a decommissioned node whose downtime credit is used up. Never for a
 * node that merely failed tests: that is what decommissioning is for.
 */
export function checkDeregistration(view: NetworkView, request: NodeRequest, ctx: { chainNow: number; ground: string | null }): Verdict {
  const node = view.state.nodes.get(request.nodeId);
  if (!node) return refuse('unknown_node', `node ${request.nodeId} is not registered as far as this node knows (block ${view.height})`, [], 404);
  if (!isActive(node)) {
    return refuse('wrong_status', `node ${request.nodeId} is not active`, [{ field: 'status', requested: 'running or exitRequested', mine: node.status }], 409);
  }
  if (!ctx.ground) {
    return refuse('no_grounds', `this node does not vote node ${request.nodeId} out: it has no identity problem and is not a decommissioned node with its downtime credit used up (see GET /network/tests)`, [
      { field: 'ground', requested: 'identity problem or credit used up', mine: 'none' },
    ]);
  }
  return checkSignedAt(request.signedAt, ctx.chainNow);
}
