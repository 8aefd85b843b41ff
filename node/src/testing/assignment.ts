/**
 * Who tests whom in a test period: deterministic from chain data, so anyone can check that a
 * signed report came from a tester that was meant to test that node.
 *
 * Seed. keccak256("SESH.testing.assignment.v1" ‖ chainId u64 ‖ staking address ‖ period u64 ‖
 * epoch u64 ‖ root bytes32), with (epoch, root) the last checkpoint landed on chain as the
 * node sees it. Nobody chooses it: a root is the network-signed ledger, fixed before the
 * period it seeds is known to matter, and it changes at every checkpoint, so a node can not
 * grind its way next to a friendly tester for long. Limits: (1) the root is predictable for
 * the time between two checkpoints (minutes to an hour), so who tests whom is known that far
 * ahead; the tests (live probes with fresh nonces) gain nothing from knowing it, colluding
 * testers only if 7 of 10 of a node's testers collude. (2) Nodes on either side of a
 * checkpoint landing disagree for a block or two; a report from a tester the receiver does
 * not consider assigned is dropped, and a missing report never counts as a failure, so the
 * disagreement can only delay a judgment by a period, never cause one.
 *
 * Ring. The commissioned node ids are ordered by keccak256(seed ‖ id u64); the testers of the
 * node at position i are the K nodes that follow it (i+1 … i+K, wrapping), K =
 * min(testersPerNode, n − 1). Every commissioned node tests exactly K nodes and is tested by
 * exactly K; building it is one sort, O(n log n).
 *
 * Decommissioned nodes are not in the ring (they sign nothing and test nothing) but must be
 * tested to be recommissioned: one is placed by the same hash between two ring nodes and is
 * tested by the K commissioned nodes that follow that place. On average a ring node tests
 * K·(1 + d/n) nodes for d decommissioned ones.
 */
import { concatHex, keccak256, numberToHex, padHex, stringToHex, type Address, type Hex } from 'viem';
import type { NetworkState } from '../../../core/state/network-state.ts';
import { commissioned, decommissioned } from './standing.ts';

export const ASSIGNMENT_TAG = 'SESH.testing.assignment.v1';

export type SeedInput = { chainId: number; staking: Address; period: number; checkpointEpoch: bigint; checkpointRoot: Hex };

export type Assignment = {
  seed: Hex;
  /** K: testers per node (min(testersPerNode, n − 1)). */
  k: number;
  /** Commissioned ids in ring order. */
  ring: readonly bigint[];
  testersOf: (nodeId: bigint) => bigint[];
  targetsOf: (nodeId: bigint) => bigint[];
};

/** The test period of a wall-clock time (unix seconds). */
export const periodOf = (nowSec: number, testPeriodSec: number) => Math.floor(nowSec / testPeriodSec);

export function assignmentSeed(s: SeedInput): Hex {
  return keccak256(
    concatHex([
      stringToHex(ASSIGNMENT_TAG),
      numberToHex(BigInt(s.chainId), { size: 8 }),
      s.staking.toLowerCase() as Hex,
      numberToHex(BigInt(s.period), { size: 8 }),
      numberToHex(s.checkpointEpoch, { size: 8 }),
      padHex(s.checkpointRoot, { size: 32 }),
    ]),
  );
}

const rank = (seed: Hex, id: bigint) => BigInt(keccak256(concatHex([seed, numberToHex(id, { size: 8 })])));

export function assignTesters(input: { seed: Hex; commissioned: readonly bigint[]; decommissioned?: readonly bigint[]; testersPerNode: number }): Assignment {
  const ids = [...new Set(input.commissioned)];
  const ranked = ids.map((id) => ({ id, r: rank(input.seed, id) })).sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : a.id < b.id ? -1 : 1));
  const ring = ranked.map((x) => x.id);
  const n = ring.length;
  const k = Math.max(0, Math.min(input.testersPerNode, n - 1));
  const position = new Map(ring.map((id, i) => [id, i]));
  const ringAt = (i: number) => ring[((i % n) + n) % n]!;

  // A decommissioned node's place: the first ring position whose rank exceeds its own (binary search).
  const extraTesters = new Map<bigint, bigint[]>();
  const extraTargets = new Map<bigint, bigint[]>();
  for (const id of new Set(input.decommissioned ?? [])) {
    if (position.has(id) || n === 0) continue;
    const r = rank(input.seed, id);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranked[mid]!.r < r) lo = mid + 1;
      else hi = mid;
    }
    // It is not in the ring, so all n ring nodes may test it.
    const testers = Array.from({ length: Math.min(input.testersPerNode, n) }, (_, j) => ringAt(lo + j));
    extraTesters.set(id, testers);
    for (const t of testers) extraTargets.set(t, [...(extraTargets.get(t) ?? []), id]);
  }

  const testersOf = (nodeId: bigint) => {
    const i = position.get(nodeId);
    if (i === undefined) return extraTesters.get(nodeId) ?? [];
    return Array.from({ length: k }, (_, j) => ringAt(i + 1 + j));
  };
  const targetsOf = (nodeId: bigint) => {
    const i = position.get(nodeId);
    if (i === undefined) return [];
    return [...Array.from({ length: k }, (_, j) => ringAt(i - 1 - j)), ...(extraTargets.get(nodeId) ?? [])];
  };
  return { seed: input.seed, k, ring, testersOf, targetsOf };
}

/** The assignment for `period` as this node's view of the network gives it. */
export function assignmentOf(state: NetworkState, input: { chainId: number; staking: Address; period: number; testersPerNode: number }): Assignment {
  const nodes = [...state.nodes.values()];
  const seed = assignmentSeed({
    chainId: input.chainId,
    staking: input.staking,
    period: input.period,
    checkpointEpoch: state.lastCheckpoint?.epoch ?? 0n,
    checkpointRoot: state.lastCheckpoint?.root ?? `0x${'00'.repeat(32)}`,
  });
  return assignTesters({
    seed,
    commissioned: nodes.filter(commissioned).map((n) => n.nodeId),
    decommissioned: nodes.filter(decommissioned).map((n) => n.nodeId),
    testersPerNode: input.testersPerNode,
  });
}
