/**
 * Types the storage protocol's parts share (sdk, node, client). Implementations live next to
 * them: swarms.ts (assignment and swarm space), account.ts (Session IDs), message-hash.ts,
 * signatures.ts, methods.ts (params/results of each RPC), rules.ts (sizes and limits).
 */
import type { Hex } from 'viem';

/** A swarm id: an unsigned 64-bit position in swarm space (the anchor's swarm_id_t). */
export type SwarmId = bigint;

/** An active (registered, not decommissioned) node as swarm assignment sees it. */
export type SwarmMember = { nodeId: bigint; ed25519Key: Hex };

/** The whole network's swarms at one chain view: the same on every node and client. */
export type SwarmAssignment = {
  /** Swarm ids in ascending order. */
  ids: readonly SwarmId[];
  /** Members of each swarm, sorted by nodeId. */
  members: ReadonlyMap<SwarmId, readonly SwarmMember[]>;
  /** ed25519 key (lower-case 0x hex) → its swarm. */
  swarmOfKey: ReadonlyMap<string, SwarmId>;
};

/**
 * A refusal of the storage RPC: the anchor's HTTP status (400 bad request, 401 signature,
 * 406 timestamp, 413 too large, 421 wrong swarm, 404 unknown method, 507 full, …) and a
 * sentence a developer can act on. `body` replaces the plain-text reason when the anchor
 * answers with JSON (421 carries the right swarm's nodes).
 */
export class StorageRpcError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly body?: unknown,
  ) {
    super(reason);
    this.name = 'StorageRpcError';
  }
}
