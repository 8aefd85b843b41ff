/**
 * The reward ledger: a deterministic, integer-only function of the chain's events.
 *
 * Rules (DESIGN.md §4 rule 4, §5 "Rewards"):
 * - Each pool release is split equally among the nodes that, at the release's timestamp, have
 *   been active for at least ELIGIBILITY_SECONDS (24 h). Integer division; the remainder is
 *   carried into the next release, so nothing is lost and nothing is created.
 * - A decommissioned node is not eligible: a release at a time it is decommissioned is split
 *   among the others (same integer division and carry). Eligibility is sampled at each
 *   release's timestamp, like the 24 h rule, so every node computes the same split; a
 *   recommission does not restart the 24 h (the node was active all along).
 * - Within a node, from its cumulative earnings, the operator fee (bps, rounded down) goes to
 *   the operator's beneficiary first; the rest is split pro rata by stake, each share rounded
 *   down. Rounding dust stays unallocated in the rewards contract (it favours the pool side:
 *   the authorised total is never more than was released).
 * - Amounts are cumulative since genesis and never decrease, which is what makes a claim
 *   against an older checkpoint safe.
 * Two honest nodes that apply the same events in the same order hold byte-identical ledgers.
 */
import type { Address } from 'viem';
import type { LedgerEvent, Position } from './types.ts';

export const ELIGIBILITY_SECONDS = 24n * 3600n;
const BPS = 10_000n;

type NodeAccount = {
  nodeId: bigint;
  activatedAt: bigint;
  feeBps: bigint;
  positions: Position[];
  totalStake: bigint;
  /** Cumulative reward earned by the node as a whole. */
  earned: bigint;
  active: boolean;
  /** Out of the signing set (NetworkKeyRegistry): not eligible for releases. */
  decommissioned: boolean;
};

export type Ledger = {
  nodes: Map<bigint, NodeAccount>;
  /** Active node ids, ascending; the equal split walks them in this order. */
  activeIds: bigint[];
  /** Released by the pool and seen by the ledger. */
  released: bigint;
  /** Release remainder waiting for the next split. */
  carried: bigint;
  /** Time of the last applied event; events must not go back in time. */
  lastTime: bigint;
};

export class LedgerEventError extends Error {
  override name = 'LedgerEventError';
}

export function createLedger(): Ledger {
  return { nodes: new Map(), activeIds: [], released: 0n, carried: 0n, lastTime: 0n };
}

function insertSorted(ids: bigint[], id: bigint): void {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  ids.splice(lo, 0, id);
}

function validatePositions(nodeId: bigint, positions: Position[]): bigint {
  if (positions.length === 0) throw new LedgerEventError(`node ${nodeId}: activated with no positions`);
  let total = 0n;
  for (const p of positions) {
    if (p.amount <= 0n) throw new LedgerEventError(`node ${nodeId}: position of ${p.contributor} has amount ${p.amount}`);
    total += p.amount;
  }
  return total;
}

/** Applies one event in place. Throws LedgerEventError (and changes nothing) on an impossible event. */
export function applyEvent(ledger: Ledger, event: LedgerEvent): void {
  if (event.time < ledger.lastTime) throw new LedgerEventError(`event at ${event.time} goes back in time (last ${ledger.lastTime})`);
  switch (event.kind) {
    case 'nodeActivated': {
      if (ledger.nodes.has(event.nodeId)) throw new LedgerEventError(`node ${event.nodeId} activated twice`);
      if (!Number.isInteger(event.feeBps) || event.feeBps < 0 || event.feeBps > 10_000) {
        throw new LedgerEventError(`node ${event.nodeId}: fee ${event.feeBps} bps is outside 0–10000`);
      }
      const totalStake = validatePositions(event.nodeId, event.positions);
      // Lowercase is the canonical address form here: cheap, and it sorts the same everywhere.
      const positions = event.positions.map((p) => ({
        contributor: p.contributor.toLowerCase() as Address,
        beneficiary: p.beneficiary.toLowerCase() as Address,
        amount: p.amount,
      }));
      ledger.nodes.set(event.nodeId, {
        nodeId: event.nodeId,
        activatedAt: event.time,
        feeBps: BigInt(event.feeBps),
        positions,
        totalStake,
        earned: 0n,
        active: true,
        decommissioned: false,
      });
      insertSorted(ledger.activeIds, event.nodeId);
      break;
    }
    case 'nodeRemoved': {
      const node = ledger.nodes.get(event.nodeId);
      if (!node?.active) throw new LedgerEventError(`node ${event.nodeId} removed but not active`);
      node.active = false;
      ledger.activeIds.splice(ledger.activeIds.indexOf(event.nodeId), 1);
      break;
    }
    case 'nodeDecommissioned':
    case 'nodeRecommissioned': {
      const node = ledger.nodes.get(event.nodeId);
      if (!node?.active) throw new LedgerEventError(`node ${event.nodeId}: ${event.kind} but not active`);
      const decommission = event.kind === 'nodeDecommissioned';
      if (node.decommissioned === decommission) throw new LedgerEventError(`node ${event.nodeId}: ${event.kind} but ${decommission ? 'already decommissioned' : 'commissioned'}`);
      node.decommissioned = decommission;
      break;
    }
    case 'rewardsReleased': {
      if (event.amount < 0n) throw new LedgerEventError(`negative release ${event.amount}`);
      ledger.released += event.amount;
      const eligible = ledger.activeIds.filter((id) => {
        const node = ledger.nodes.get(id)!;
        return !node.decommissioned && event.time - node.activatedAt >= ELIGIBILITY_SECONDS;
      });
      const toSplit = event.amount + ledger.carried;
      if (eligible.length === 0) {
        ledger.carried = toSplit;
        break;
      }
      const share = toSplit / BigInt(eligible.length);
      ledger.carried = toSplit - share * BigInt(eligible.length);
      for (const id of eligible) ledger.nodes.get(id)!.earned += share;
      break;
    }
  }
  ledger.lastTime = event.time;
}

/** Cumulative reward of every beneficiary (lowercase address), sorted by address (the canonical order). */
export function ledgerBalances(ledger: Ledger): Array<{ account: Address; amount: bigint }> {
  const balances = new Map<Address, bigint>();
  const credit = (account: Address, amount: bigint) => balances.set(account, (balances.get(account) ?? 0n) + amount);
  for (const node of ledger.nodes.values()) {
    if (node.earned === 0n) continue;
    const fee = (node.earned * node.feeBps) / BPS;
    const rest = node.earned - fee;
    if (fee > 0n) credit(node.positions[0]!.beneficiary, fee);
    for (const p of node.positions) credit(p.beneficiary, (rest * p.amount) / node.totalStake);
  }
  return [...balances.entries()]
    .filter(([, amount]) => amount > 0n)
    .map(([account, amount]) => ({ account, amount }))
    .sort((a, b) => (a.account < b.account ? -1 : 1));
}

/** Canonical byte-stable serialisation, for comparing ledgers and persisting them. */
export function serialiseLedger(ledger: Ledger): string {
  const nodes = [...ledger.nodes.values()]
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1))
    .map((n) => ({
      nodeId: n.nodeId.toString(),
      activatedAt: n.activatedAt.toString(),
      feeBps: n.feeBps.toString(),
      active: n.active,
      decommissioned: n.decommissioned,
      earned: n.earned.toString(),
      positions: n.positions.map((p) => [p.contributor, p.beneficiary, p.amount.toString()]),
    }));
  return JSON.stringify({
    version: 1,
    released: ledger.released.toString(),
    carried: ledger.carried.toString(),
    lastTime: ledger.lastTime.toString(),
    nodes,
  });
}
