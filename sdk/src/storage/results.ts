/**
 * What each storage method answers, as the anchor answers it (oxen-storage-server
 * rpc/client_rpc_endpoints.h documents each next to its request; request_handler.cpp builds
 * them). Field names are the anchor's, so its clients read ours. Every answer also carries
 * `t` (the node's clock, unix ms) and `hf` (the anchor's hardfork pair; we send our protocol
 * version there). Signatures are base64 Ed25519 signatures by the answering node over the text
 * signatures.ts `resultText` builds.
 */

/** A member's failure inside `swarm` (the anchor's `recursive` failure keys). */
export type MemberFailure = { failed: true; timeout?: true; code?: number; reason?: string; bad_peer_response?: true; query_failure?: true };

/** Per swarm member (ed25519 hex → its own signed result). The whole answer is 500 only if every member failed. */
export type SwarmResults<T> = { swarm: Record<string, T | MemberFailure>; t: number; hf: [number, number] };

/** store, per member: the hash it stored, its signature of the hash, whether it already had it, and the expiry it kept. */
export type StoreMemberResult = { hash: string; signature: string; already?: true; expiry: number };
/** store: also `hash` at top level (the anchor keeps it for old clients). */
export type StoreResult = SwarmResults<StoreMemberResult> & { hash: string };

/** One retrieved message. The anchor names its expiry `expiration` here (and `expiry` elsewhere). */
export type RetrievedMessage = { hash: string; timestamp: number; expiration: number; data: string };
/** retrieve: messages after `last_hash` in storage order; `more` when a limit cut the page short. */
export type RetrieveResult = { messages: RetrievedMessage[]; more: boolean; t: number; hf: [number, number] };

/** delete, per member: hashes it found and deleted (ascii-sorted). */
export type DeleteMemberResult = { deleted: string[]; signature: string };
/** delete_all / delete_before, per member: a list for one namespace, `{ ns: hashes }` for "all". */
export type DeleteScopeMemberResult = { deleted: string[] | Record<string, string[]>; signature: string };
/** expire_all, per member: hashes whose expiry it lowered (a list, or `{ ns: hashes }` for "all"). */
export type ExpireAllMemberResult = { updated: string[] | Record<string, string[]>; signature: string };
/**
 * expire, per member: `updated` hashes (ascii-sorted); `unchanged` (hash → current expiry) only
 * when shorten/extend was given; `expiry` the applied expiry (capped at now + 30 days), or one
 * per updated hash when the request gave one per message.
 */
export type ExpireMemberResult = { updated: string[]; unchanged?: Record<string, number>; expiry: number | number[]; signature: string };

/** get_expiries: hash → expiry of the given messages this node holds (not forwarded). */
export type GetExpiriesResult = { expiries: Record<string, number> };

/**
 * A member as get_swarm (and a 421) lists it: the anchor's fields (address, pubkey_legacy,
 * pubkey_x25519, pubkey_ed25519, ip, port as a string, port_https), plus `url`, ours: nodes
 * announce a URL rather than an IP, and ip/port are derived from it (null until it is known).
 */
export type SwarmNode = {
  pubkey_ed25519: string; pubkey_x25519?: string; pubkey_legacy?: string; address?: string;
  url: string | null; ip: string; port: string; port_https: number;
};
/** get_swarm, and the body of a 421 (wrong swarm): the swarm id in hex and its members. */
export type SwarmResult = { snodes: SwarmNode[]; swarm: string; t: number; hf: [number, number] };

/** info: the node's version and clock (clients should sign with this time). */
export type InfoResult = { version: [number, number, number]; timestamp: number; t: number; hf: [number, number] };

/** batch / sequence: one `{ code, body }` per sub-request, in order (sequence stops after the first non-2xx). */
export type BatchResult = { results: { code: number; body: unknown }[] };
