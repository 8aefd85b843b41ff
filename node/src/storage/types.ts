/**
 * The seams between the node's storage parts, so each can be built and tested alone:
 *   db.ts          MessageDb: durable SQLite storage of one node's messages
 *   swarm-view.ts  SwarmView: the chain's swarms as this node sees them
 *   rpc.ts         POST /storage_rpc/v1: one handler per method, local execution + forwarding
 *   replicate.ts   Forwarder and handoff: a client request reaches every swarm member
 */
import type { Hex } from 'viem';
import type { SwarmAssignment, SwarmId, SwarmMember } from '../../../sdk/src/storage/types.ts';

/** One stored message. Times are unix milliseconds, as the anchor's protocol uses. */
export type StoredMessage = {
  /** The account (Session ID etc.): 66 hex chars with its prefix byte, lower case, no 0x. */
  account: string;
  namespace: number;
  /** The anchor's message hash (message-hash.ts). */
  hash: string;
  data: Uint8Array;
  /** When the client says it sent it. */
  timestamp: number;
  expiry: number;
};

/** A member as the rest of the node reaches it: its key and its announced URL, if any. */
export type ReachableMember = SwarmMember & { url: string | undefined };

export type SwarmView = {
  /** The assignment at the current chain view (recomputed only when the active set changes). */
  assignment: () => SwarmAssignment;
  /** The swarm an account belongs to, with its members. */
  swarmOf: (account: string) => { id: SwarmId; members: readonly ReachableMember[] };
  /** This node's swarm, or null when it is not an active member of any (decommissioned, unregistered). */
  mine: () => { id: SwarmId; members: readonly ReachableMember[] } | null;
  /** Whether this node is in the account's swarm. */
  holds: (account: string) => boolean;
};

/**
 * Sends a client's request, exactly as it arrived (the client's own signature travels with
 * it), to every other member of this node's swarm, and returns each member's own signed
 * result (or why it has none). The origin merges them into the `swarm` field of its answer.
 */
export type Forwarder = (method: string, params: Record<string, unknown>) => Promise<Map<Hex, { result?: unknown; error?: { status: number; reason: string } }>>;

/** Which namespaces an operation covers: one, or every namespace of the account. */
export type NamespaceScope = number | 'all';

/**
 * One node's message store (db.ts). Every write is durable (committed to the WAL) before it
 * returns: the RPC acknowledges only after that. Refusals throw StorageRpcError (507 when
 * full, with the limit that was hit).
 */
export type MessageDb = {
  /** Stores a message; `stored: false` when the hash was already there (its expiry is then extended, never shortened). */
  store: (m: StoredMessage) => { stored: boolean };
  /**
   * store, group-committed: stores made in the same turn of the event loop share one
   * transaction; the promise settles after its COMMIT (the RPC's path: one commit for many stores).
   */
  storeCommitted: (m: StoredMessage) => Promise<{ stored: boolean }>;
  /** Messages of one namespace in storage order, after `lastHash` (exclusive) when given. */
  retrieve: (account: string, namespace: number, options?: { lastHash?: string; limit?: number; maxBytes?: number; nowMs?: number }) => { messages: StoredMessage[]; more: boolean };
  /** Deletes these hashes; returns the ones that were there. */
  delete: (account: string, hashes: readonly string[]) => string[];
  deleteAll: (account: string, scope: NamespaceScope) => string[];
  deleteBefore: (account: string, scope: NamespaceScope, beforeMs: number) => string[];
  /** Sets the expiry of these hashes (`shorten`: only lowers it; `extend`: only raises it); returns hash → new expiry. */
  expire: (account: string, hashes: readonly string[], expiryMs: number, mode: 'shorten' | 'extend' | 'any') => Map<string, number>;
  /** Lowers every expiry above `expiryMs`; returns the hashes changed. */
  expireAll: (account: string, scope: NamespaceScope, expiryMs: number) => string[];
  getExpiries: (account: string, hashes: readonly string[]) => Map<string, number>;
  /** deleteAll / deleteBefore / expireAll with each affected hash's namespace (the RPC answers an "all" scope grouped by namespace). */
  deleteAllIn: (account: string, scope: NamespaceScope) => { namespace: number; hash: string }[];
  deleteBeforeIn: (account: string, scope: NamespaceScope, beforeMs: number) => { namespace: number; hash: string }[];
  expireAllIn: (account: string, scope: NamespaceScope, expiryMs: number) => { namespace: number; hash: string }[];
  /** Accounts with at least one live message, in order, a page at a time (handoff and fill). */
  accounts: (options?: { after?: string; limit?: number }) => string[];
  /** Every live message of an account, any namespace (handoff and fill). */
  messagesOf: (account: string) => StoredMessage[];
  /** Drops messages whose expiry has passed (at most `limit`, default all); returns how many. */
  sweepExpired: (nowMs: number, limit?: number) => number;
  stats: () => { messages: number; accounts: number; bytes: number };
  /**
   * Runs `fn` in one transaction (one commit for every write it makes; a write that throws
   * undoes only itself). Writes inside are durable when `group` returns.
   */
  group: <T>(fn: () => T) => T;
  /** A digest of an account's live messages (hashes and expiries, any order of arrival): equal digests, same messages. */
  digestOf: (account: string) => { messages: number; digest: string };
  close: () => void;
};

/**
 * Header on a request one swarm member forwards to another (replicate.ts sends it, rpc.ts
 * reads it). It is honoured only on a node-signed request (core/http/node-auth.ts) from a
 * current member of this node's swarm: the receiver then executes the request locally and
 * does not forward it again.
 */
export const FORWARDED_HEADER = 'x-sesh-forwarded';
