/**
 * The node registry as the chain's events describe it: every node's keys, operator, fee,
 * contributors (with their beneficiaries), reservations, status and times, plus the rewards
 * contract's checkpoints and claims. A pure reducer over TrackedEvents, so every node and the
 * gateway derive the same view from the same chain. The reward ledger is fed from here.
 */
import type { Address, Hex } from 'viem';
import type { TrackedEvent } from '../chain/tracker.ts';
import type { LedgerEvent, Position } from '../ledger/types.ts';

export type NodeStatus = 'awaitingContributions' | 'running' | 'exitRequested' | 'deregistered' | 'exited' | 'cancelled';

export type Contribution = { address: Address; beneficiary: Address; amount: bigint; lastContributionAt: number };

export type NodeState = {
  nodeId: bigint;
  operator: Address;
  feeBps: number;
  stakeRequired: bigint;
  autoActivate: boolean;
  blsKey: { x: bigint; y: bigint };
  ed25519Key: Hex;
  status: NodeStatus;
  /** Operator first, in the contract's order. */
  contributors: Contribution[];
  reserved: { address: Address; amount: bigint }[];
  openedAt: number;
  activatedAt: number | null;
  exitRequestedAt: number | null;
  unlockAt: number | null;
  deregisteredAt: number | null;
  releaseAt: number | null;
  exitedAt: number | null;
  /** Stake paid back per contributor (StakeReturned). */
  returned: { address: Address; amount: bigint }[];
};

export type CheckpointRecord = { epoch: bigint; root: Hex; total: bigint; ledgerBlock: bigint; signedAt: bigint; blockNumber: number; time: number };

export type NetworkState = {
  nodes: Map<bigint, NodeState>;
  /** Latest RewardsAuthorised, and every account's claimed cumulative amount. */
  lastCheckpoint: CheckpointRecord | null;
  claimed: Map<string, bigint>;
  /** Σ released by the pool to the rewards contract. */
  released: bigint;
};

export type ContractAddresses = { staking: Address; rewards: Address; pool: Address };

export function createNetworkState(): NetworkState {
  return { nodes: new Map(), lastCheckpoint: null, claimed: new Map(), released: 0n };
}

const lower = (a: unknown) => String(a).toLowerCase() as Address;
const big = (v: unknown) => BigInt(v as bigint);

/** Nodes whose key is in the network key (they sign and earn): running or exit requested. */
export const isActive = (node: NodeState) => node.status === 'running' || node.status === 'exitRequested';

/**
 * Applies one event; returns the ledger events it implies (in order). Unknown events and
 * events from other contracts are ignored; an event about an unknown node is a bug in the
 * chain or our ABI, so it throws (the tracker then stops instead of computing a wrong ledger).
 */
export function applyNetworkEvent(state: NetworkState, event: TrackedEvent, time: number, contracts: ContractAddresses): LedgerEvent[] {
  const a = event.args;
  const at = lower(event.address);
  if (at === lower(contracts.pool)) {
    if (event.eventName === 'Released' && lower(a.beneficiary) === lower(contracts.rewards)) {
      const amount = big(a.amount);
      state.released += amount;
      return [{ kind: 'rewardsReleased', amount, time: BigInt(time) }];
    }
    return [];
  }
  if (at === lower(contracts.rewards)) {
    if (event.eventName === 'RewardsAuthorised') {
      state.lastCheckpoint = {
        epoch: big(a.epoch),
        root: a.root as Hex,
        total: big(a.cumulativeTotal),
        ledgerBlock: big(a.ledgerBlock),
        signedAt: big(a.signedAt),
        blockNumber: event.blockNumber,
        time,
      };
    } else if (event.eventName === 'RewardsClaimed') {
      state.claimed.set(lower(a.account), big(a.cumulativeAmount));
    }
    return [];
  }
  if (at !== lower(contracts.staking)) return [];
  if (event.eventName === 'NodeOpened') {
    const nodeId = big(a.nodeId);
    const key = a.blsKey as { x: bigint; y: bigint };
    state.nodes.set(nodeId, {
      nodeId,
      operator: a.operator as Address,
      feeBps: Number(a.feeBps),
      stakeRequired: big(a.stakeRequired),
      autoActivate: Boolean(a.autoActivate),
      blsKey: { x: big(key.x), y: big(key.y) },
      ed25519Key: String(a.ed25519Key).toLowerCase() as Hex,
      status: 'awaitingContributions',
      contributors: [],
      reserved: [],
      openedAt: time,
      activatedAt: null,
      exitRequestedAt: null,
      unlockAt: null,
      deregisteredAt: null,
      releaseAt: null,
      exitedAt: null,
      returned: [],
    });
    return [];
  }
  if (!('nodeId' in a)) return [];
  const nodeId = big(a.nodeId);
  const node = state.nodes.get(nodeId);
  if (!node) throw new Error(`${event.eventName} for node ${nodeId}, which was never opened (block ${event.blockNumber})`);
  switch (event.eventName) {
    case 'SlotReserved':
      node.reserved.push({ address: a.account as Address, amount: big(a.amount) });
      return [];
    case 'Contributed': {
      const who = lower(a.contributor);
      const existing = node.contributors.find((c) => lower(c.address) === who);
      if (existing) {
        existing.amount = big(a.total);
        existing.beneficiary = a.beneficiary as Address;
        existing.lastContributionAt = time;
      } else {
        node.contributors.push({ address: a.contributor as Address, beneficiary: a.beneficiary as Address, amount: big(a.total), lastContributionAt: time });
        node.reserved = node.reserved.filter((r) => lower(r.address) !== who);
      }
      return [];
    }
    case 'ContributionWithdrawn': {
      // Mirrors the contract: the last contributor moves into the freed slot.
      const index = node.contributors.findIndex((c) => lower(c.address) === lower(a.contributor));
      if (index < 0) throw new Error(`withdrawal by ${String(a.contributor)}, not a contributor of node ${nodeId}`);
      const last = node.contributors.pop()!;
      if (index < node.contributors.length) node.contributors[index] = last;
      return [];
    }
    case 'NodeActivated': {
      node.status = 'running';
      node.activatedAt = Number(a.time);
      const positions: Position[] = node.contributors.map((c) => ({ contributor: c.address, beneficiary: c.beneficiary, amount: c.amount }));
      return [{ kind: 'nodeActivated', nodeId, time: BigInt(time), feeBps: node.feeBps, positions }];
    }
    case 'PoolCancelled':
      node.status = 'cancelled';
      return [];
    case 'ExitRequested':
      node.status = 'exitRequested';
      node.exitRequestedAt = time;
      node.unlockAt = Number(a.unlockAt);
      return [];
    case 'NodeExited': {
      const wasActive = isActive(node);
      node.status = 'exited';
      node.exitedAt = time;
      return wasActive ? [{ kind: 'nodeRemoved', nodeId, time: BigInt(time) }] : [];
    }
    case 'NodeDeregistered': {
      node.status = 'deregistered';
      node.deregisteredAt = time;
      node.releaseAt = Number(a.releaseAt);
      const operator = node.contributors[0];
      if (operator) operator.amount -= big(a.penalty);
      return [{ kind: 'nodeRemoved', nodeId, time: BigInt(time) }];
    }
    case 'StakeReturned':
      node.returned.push({ address: a.contributor as Address, amount: big(a.amount) });
      return [];
    default:
      return [];
  }
}

/** Σ contributions of a node. */
export const stakeOf = (node: NodeState) => node.contributors.reduce((sum, c) => sum + c.amount, 0n);
