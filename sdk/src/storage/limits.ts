/**
 * The storage protocol's limits, in one place, with the anchor's values (oxen-storage-server:
 * rpc/request_handler.h and rpc/client_rpc_endpoints.h) so that every node and client refuses
 * the same things. Times are milliseconds.
 */

/** Largest `data` a store accepts, in bytes (102,400 characters of base64). */
export const MAX_MESSAGE_BYTES = 76_800;
/** The base64 length of the largest message (76,800 is divisible by 3: no padding). */
export const MAX_MESSAGE_BASE64 = (MAX_MESSAGE_BYTES / 3) * 4;

/** Shortest lifetime of a stored message. */
export const TTL_MIN_MS = 10_000;
/** Longest lifetime of a message stored into a public (divisible by 10) namespace: 14 days. */
export const TTL_MAX_PUBLIC_MS = 14 * 24 * 3600_000;
/** Longest lifetime in the owner's own namespaces, and the cap on any expiry update: 30 days. */
export const TTL_MAX_PRIVATE_MS = 30 * 24 * 3600_000;

/** How far in the future a message timestamp (and how far in the past its expiry) may be. */
export const STORE_TOLERANCE_MS = 10_000;
/** How far from now a request signature's timestamp may be. */
export const SIGNATURE_TOLERANCE_MS = 60_000;
/** The same for a request a swarm member forwarded (it spent time in flight). */
export const SIGNATURE_TOLERANCE_FORWARDED_MS = 70_000;
/** Timestamps below this (1,000,000 s after the epoch in ms) were surely given in seconds. */
export const MIN_TIMESTAMP_MS = 1_000_000_000;

/** Namespaces are signed 16-bit integers. */
export const NAMESPACE_MIN = -32_768;
export const NAMESPACE_MAX = 32_767;

/** Sub-requests in one `batch` or `sequence`. */
export const BATCH_MAX = 20;
/** Most bytes of message data one retrieve returns (max_size -1); the default is a fifth. */
export const RETRIEVE_MAX_BYTES = 7_800_000;
/**
 * Message hashes in one delete / expire / get_expiries request. The anchor bounds this only by
 * its request size; we name a bound so that a hostile array is refused before any work.
 */
export const MAX_HASHES_PER_REQUEST = 10_000;
/** A message hash: 32 bytes of BLAKE2b as unpadded base64. */
export const MESSAGE_HASH_LENGTH = 43;
