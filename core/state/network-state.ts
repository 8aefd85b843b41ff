/**
 * The node registry as the chain's events describe it: every node's keys, operator, fee,
 * contributors (with their beneficiaries), reservations, status and times, plus the rewards
 * contract's checkpoints and claims. A pure reducer over TrackedEvents, so every node and the
 * gateway derive the same view from the same chain. The reward ledger is fed from here.
 *
 * Total: no event sequence stops it. An event it cannot apply (about a node never opened, a
 * withdrawal by a non-contributor, an impossible status change) is refused with a
 * NetworkEventError before anything changes; the consumer records it as an anomaly and goes
 * on. Every node refuses the same events, so the ledger stays deterministic.
 *
 * Commission (NetworkKeyRegistry): NodeDecommissioned / NodeRecommissioned move an active node
 * out of / back into the signing set; each checkpoint's named non-signers count its misses.
 */
import type { Address, Hex } from 'viem';
import { verifyEd25519Registration } from '../../sdk/src/staking/ed25519-proof.ts';
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
  /** Contributions taken back from a filling pool (ContributionWithdrawn); absent in states saved before it was kept. */
  withdrawn?: { address: Address; amount: bigint }[];
  /**
   * Why this node's ed25519 identity is not accepted (null: it is): its registration's ed25519
   * signature is missing or does not verify, or a live node with a valid identity already
   * holds its ed25519 key. Such a node earns nothing (the ledger never sees it) and the
   * network votes it out.
   */
  identityProblem: string | null;
  /** Chain time of the decommission in force (null: commissioned). Meaningful while active. */
  decommissionedAt: bigint | null;
  /** Landed checkpoints in a row that named it a non-signer while it was commissioned. */
  missedCheckpoints: number;
  /** Every decommission so far, chain times, oldest first: what the downtime credit needs (core/state/credit.ts). */
  downtimes: { from: bigint; to: bigint | null }[];
};

export type CheckpointRecord = { epoch: bigint; root: Hex; total: bigint; ledgerBlock: bigint; signedAt: bigint; blockNumber: number; time: number };

export type NetworkState = {
  nodes: Map<bigint, NodeState>;
  /** Latest RewardsAuthorised, and every account's claimed cumulative amount. */
  lastCheckpoint: CheckpointRecord | null;
  claimed: Map<string, bigint>;
  /** Σ released by the pool to the rewards contract. */
  released: bigint;
  /** Events that could not be applied (see recordAnomaly). */
  anomalies: { count: number; latest: Anomaly[] };
  /**
   * SlotReserved events seen before their node's NodeOpened in the same transaction (the
   * order SessionStaking.openPool used to emit them in): adopted when NodeOpened follows,
   * anomalies if the transaction's block ends without it.
   */
  earlyReservations: Map<bigint, { event: TrackedEvent; account: Address; amount: bigint }[]>;
  /** Commission updates seen (= the registry's commissionRound). */
  commissionRound: bigint;
};

/** An event the state machine skipped, and why. */
export type Anomaly = { block: number; logIndex: number; transactionHash: Hex; eventName: string; nodeId: string | null; reason: string };

/** The anomalies kept in full (the count covers all of them). */
export const ANOMALIES_KEPT = 20;

/** A chain event that cannot be applied; thrown before the state changes. */
export class NetworkEventError extends Error {
  override name = 'NetworkEventError';
}

/** `registry` is the NetworkKeyRegistry (commission events); without it they are not followed. */
export type ContractAddresses = { staking: Address; rewards: Address; pool: Address; registry?: Address };

/** What the reducer needs to know about the chain: its id (identity proofs) and the contracts. */
export type ChainContext = { chainId: number; contracts: ContractAddresses };

export function createNetworkState(): NetworkState {
  return { nodes: new Map(), lastCheckpoint: null, claimed: new Map(), released: 0n, anomalies: { count: 0, latest: [] }, earlyReservations: new Map(), commissionRound: 0n };
}

const lower = (a: unknown) => String(a).toLowerCase() as Address;
const big = (v: unknown) => BigInt(v as bigint);

/** Nodes whose key is in the network key (they sign and earn): running or exit requested. */
export const isActive = (node: NodeState) => node.status === 'running' || node.status === 'exitRequested';

/** Active nodes in the signing set: they sign, are tested and earn. */
// `?? null`: a node state saved before decommissioning existed has no field, and is commissioned.
export const isCommissioned = (node: NodeState) => isActive(node) && (node.decommissionedAt ?? null) === null;

/** Nodes that still hold their identity: not exited, cancelled or deregistered. */
export const isLive = (node: NodeState) => node.status === 'awaitingContributions' || isActive(node);

/** Whether the ledger knows this node: only nodes with an accepted identity earn. */
const earns = (node: NodeState) => node.identityProblem === null;

/** Records a skipped event (bounded list, deterministic: it is part of the state). */
export function recordAnomaly(state: NetworkState, event: Pick<TrackedEvent, 'blockNumber' | 'logIndex' | 'transactionHash' | 'eventName' | 'args'>, reason: string): Anomaly {
  const nodeId = event.args && 'nodeId' in event.args ? String(event.args.nodeId) : null;
  const anomaly: Anomaly = { block: event.blockNumber, logIndex: event.logIndex, transactionHash: event.transactionHash, eventName: event.eventName, nodeId, reason };
  state.anomalies.count++;
  state.anomalies.latest.push(anomaly);
  if (state.anomalies.latest.length > ANOMALIES_KEPT) state.anomalies.latest.shift();
  return anomaly;
}

/** End of a block: reservations whose NodeOpened never came are anomalies. */
export function closeBlock(state: NetworkState): Anomaly[] {
  const out: Anomaly[] = [];
  for (const [nodeId, list] of state.earlyReservations) {
    for (const r of list) out.push(recordAnomaly(state, r.event, `SlotReserved for node ${nodeId}, which was never opened`));
  }
  state.earlyReservations.clear();
  return out;
}

/** The verdict on a new node's ed25519 identity (null: accepted). */
function identityProblemOf(state: NetworkState, a: Record<string, unknown>, blsKey: { x: bigint; y: bigint }, chain: ChainContext): string | null {
  const signature = a.ed25519Signature as readonly [Hex, Hex] | undefined;
  if (!Array.isArray(signature) || signature.length !== 2) return 'the registration carries no ed25519 signature';
  const ed25519Key = lower(a.ed25519Key) as Hex;
  const valid = verifyEd25519Registration({ chainId: chain.chainId, contract: chain.contracts.staking, operator: a.operator as Address, blsKey, ed25519Key, signature });
  if (!valid) return `the ed25519 signature does not prove key ${ed25519Key} for this registration (chain ${chain.chainId}, operator ${String(a.operator)})`;
  // Only holders with an accepted identity count: a registration with someone else's key and
  // a bad proof must not lock the key's owner out.
  for (const other of state.nodes.values()) {
    if (isLive(other) && earns(other) && other.ed25519Key === ed25519Key) return `ed25519 key ${ed25519Key} is already held by live node ${other.nodeId}`;
  }
  return null;
}

function requireStatus(node: NodeState, event: TrackedEvent, allowed: readonly NodeStatus[]): void {
  if (!allowed.includes(node.status)) throw new NetworkEventError(`${event.eventName} for node ${node.nodeId}, which is ${node.status} (expected ${allowed.join(' or ')})`);
}

/**
 * Applies one event; returns the ledger events it implies (in order). Unknown events and
 * events from other contracts are ignored. An event that cannot be applied throws
 * NetworkEventError and changes nothing (the consumer records it as an anomaly).
 */
export function applyNetworkEvent(state: NetworkState, event: TrackedEvent, time: number, chain: ChainContext): LedgerEvent[] {
  const { contracts } = chain;
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
  if (contracts.registry !== undefined && at === lower(contracts.registry)) return applyCommissionEvent(state, event, BigInt(time));
  if (at === lower(contracts.rewards)) {
    if (event.eventName === 'RewardsAuthorised') {
      const record: CheckpointRecord = {
        epoch: big(a.epoch),
        root: a.root as Hex,
        total: big(a.cumulativeTotal),
        ledgerBlock: big(a.ledgerBlock),
        signedAt: big(a.signedAt),
        blockNumber: event.blockNumber,
        time,
      };
      countMissedCheckpoints(state, a.nonSigners); // after every conversion: a refusal changes nothing
      state.lastCheckpoint = record;
    } else if (event.eventName === 'RewardsClaimed') {
      state.claimed.set(lower(a.account), big(a.cumulativeAmount));
    }
    return [];
  }
  if (at !== lower(contracts.staking)) return [];
  if (event.eventName === 'NodeOpened') {
    const nodeId = big(a.nodeId);
    if (state.nodes.has(nodeId)) throw new NetworkEventError(`NodeOpened for node ${nodeId}, which is already open`);
    const key = a.blsKey as { x: bigint; y: bigint };
    const blsKey = { x: big(key.x), y: big(key.y) };
    const identityProblem = identityProblemOf(state, a, blsKey, chain);
    const early = state.earlyReservations.get(nodeId) ?? [];
    const adopted = early.filter((r) => r.event.transactionHash === event.transactionHash);
    state.earlyReservations.delete(nodeId);
    for (const r of early) if (!adopted.includes(r)) recordAnomaly(state, r.event, `SlotReserved for node ${nodeId} in another transaction than its NodeOpened`);
    state.nodes.set(nodeId, {
      nodeId,
      operator: a.operator as Address,
      feeBps: Number(a.feeBps),
      stakeRequired: big(a.stakeRequired),
      autoActivate: Boolean(a.autoActivate),
      blsKey,
      ed25519Key: lower(a.ed25519Key) as Hex,
      status: 'awaitingContributions',
      contributors: [],
      reserved: adopted.map((r) => ({ address: r.account, amount: r.amount })),
      openedAt: time,
      activatedAt: null,
      exitRequestedAt: null,
      unlockAt: null,
      deregisteredAt: null,
      releaseAt: null,
      exitedAt: null,
      returned: [],
      identityProblem,
      decommissionedAt: null,
      missedCheckpoints: 0,
      downtimes: [],
    });
    return [];
  }
  if (!('nodeId' in a)) return [];
  const nodeId = big(a.nodeId);
  const node = state.nodes.get(nodeId);
  if (!node) {
    if (event.eventName === 'SlotReserved') {
      // Possibly its NodeOpened follows in this transaction: decide at the end of the block.
      const list = state.earlyReservations.get(nodeId) ?? [];
      list.push({ event, account: a.account as Address, amount: big(a.amount) });
      state.earlyReservations.set(nodeId, list);
      return [];
    }
    throw new NetworkEventError(`${event.eventName} for node ${nodeId}, which was never opened`);
  }
  switch (event.eventName) {
    case 'SlotReserved':
      requireStatus(node, event, ['awaitingContributions']);
      node.reserved.push({ address: a.account as Address, amount: big(a.amount) });
      return [];
    case 'Contributed': {
      requireStatus(node, event, ['awaitingContributions']);
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
      requireStatus(node, event, ['awaitingContributions']);
      // Mirrors the contract: the last contributor moves into the freed slot.
      const index = node.contributors.findIndex((c) => lower(c.address) === lower(a.contributor));
      if (index < 0) throw new NetworkEventError(`withdrawal by ${String(a.contributor)}, not a contributor of node ${nodeId}`);
      (node.withdrawn ??= []).push({ address: node.contributors[index]!.address, amount: big(a.amount) });
      const last = node.contributors.pop()!;
      if (index < node.contributors.length) node.contributors[index] = last;
      return [];
    }
    case 'NodeActivated': {
      requireStatus(node, event, ['awaitingContributions']);
      if (node.contributors.length === 0) throw new NetworkEventError(`NodeActivated for node ${nodeId}, which has no contributors`);
      node.status = 'running';
      node.activatedAt = Number(a.time);
      if (!earns(node)) return [];
      const positions: Position[] = node.contributors.map((c) => ({ contributor: c.address, beneficiary: c.beneficiary, amount: c.amount }));
      return [{ kind: 'nodeActivated', nodeId, time: BigInt(time), feeBps: node.feeBps, positions }];
    }
    case 'PoolCancelled':
      requireStatus(node, event, ['awaitingContributions']);
      node.status = 'cancelled';
      return [];
    case 'ExitRequested':
      requireStatus(node, event, ['running']);
      node.status = 'exitRequested';
      node.exitRequestedAt = time;
      node.unlockAt = Number(a.unlockAt);
      return [];
    case 'NodeExited': {
      // An exit (after a request) or the release of a deregistered node's stake.
      requireStatus(node, event, ['exitRequested', 'deregistered']);
      const wasActive = isActive(node);
      node.status = 'exited';
      node.exitedAt = time;
      return wasActive && earns(node) ? [{ kind: 'nodeRemoved', nodeId, time: BigInt(time) }] : [];
    }
    case 'NodeDeregistered': {
      requireStatus(node, event, ['running', 'exitRequested']);
      const penalty = big(a.penalty);
      const operator = node.contributors[0];
      if (operator && penalty > operator.amount) throw new NetworkEventError(`NodeDeregistered for node ${nodeId}: penalty ${penalty} exceeds the operator's stake ${operator.amount}`);
      node.status = 'deregistered';
      node.deregisteredAt = time;
      node.releaseAt = Number(a.releaseAt);
      if (operator) operator.amount -= penalty;
      return earns(node) ? [{ kind: 'nodeRemoved', nodeId, time: BigInt(time) }] : [];
    }
    case 'StakeReturned':
      requireStatus(node, event, ['exited', 'cancelled']);
      node.returned.push({ address: a.contributor as Address, amount: big(a.amount) });
      return [];
    default:
      return [];
  }
}

/** Σ contributions of a node. */
export const stakeOf = (node: NodeState) => node.contributors.reduce((sum, c) => sum + c.amount, 0n);

/**
 * A landed checkpoint: +1 for each commissioned active node it names as a non-signer, 0 for
 * each one that signed. (The registry refuses any other non-signer, so there is no other case.)
 */
function countMissedCheckpoints(state: NetworkState, nonSigners: unknown): void {
  const named = new Set(Array.isArray(nonSigners) ? nonSigners.map((id) => String(id)) : []);
  for (const node of state.nodes.values()) {
    if (!isCommissioned(node)) continue;
    node.missedCheckpoints = named.has(String(node.nodeId)) ? node.missedCheckpoints + 1 : 0;
  }
}

/**
 * NodeDecommissioned / NodeRecommissioned. Every event of one update carries the same round:
 * round = commissionRound starts the next update, round = commissionRound − 1 continues the
 * current one; anything else is out of order. Checks everything before changing anything.
 */
function applyCommissionEvent(state: NetworkState, event: TrackedEvent, time: bigint): LedgerEvent[] {
  const name = event.eventName;
  if (name !== 'NodeDecommissioned' && name !== 'NodeRecommissioned') return [];
  const a = event.args;
  const nodeId = big(a.nodeId);
  const round = big(a.round);
  if (round !== state.commissionRound && round !== state.commissionRound - 1n) {
    throw new NetworkEventError(`${name} for node ${nodeId} in round ${round}, but ${state.commissionRound} rounds were seen`);
  }
  const node = state.nodes.get(nodeId);
  if (!node) throw new NetworkEventError(`${name} for node ${nodeId}, which was never opened`);
  requireStatus(node, event, ['running', 'exitRequested']);
  if (name === 'NodeDecommissioned') {
    if (node.decommissionedAt !== null) throw new NetworkEventError(`NodeDecommissioned for node ${nodeId}, decommissioned since ${node.decommissionedAt}`);
    node.decommissionedAt = time;
    node.downtimes.push({ from: time, to: null });
  } else {
    if (node.decommissionedAt === null) throw new NetworkEventError(`NodeRecommissioned for node ${nodeId}, which is commissioned`);
    node.decommissionedAt = null;
    node.downtimes.at(-1)!.to = time;
    node.missedCheckpoints = 0; // back in the set with a clean slate: misses count from now
  }
  if (round === state.commissionRound) state.commissionRound = round + 1n;
  if (!earns(node)) return [];
  return [{ kind: name === 'NodeDecommissioned' ? 'nodeDecommissioned' : 'nodeRecommissioned', nodeId, time }];
}
