/**
 * Anti-entropy by digest: instead of pulling a peer's whole list (about 300 bytes per node,
 * ~600 KB at 2,000 nodes, every item re-checked), a puller fetches the peer's DIGEST — one
 * short hash per bucket of keys — compares it with its own and fetches only the buckets that
 * differ. Converged peers exchange ~2 KB; one changed item costs its bucket (~1/128 of the list).
 *
 * A bucket's hash covers every (key, version) in it, so any difference at all shows. The digest
 * only says WHERE to look: what is fetched is offered item by item to the receiver's own checks
 * (signature against the chain for announcements), so a lying digest can hide items from one
 * pull, as a peer withholding items from a full pull could, and never plant one; the next pull
 * goes to another random peer.
 *
 * Wire format (a route serving it: GET <path>/digest):
 *   { buckets: 128, digest: ["3fa0…", …] }   12 hex chars per bucket, "" for an empty one
 * and GET <path>?buckets=3,17,90 answers the usual { [field]: T[] } with only those buckets.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Buckets per digest: ~16 items each at 2,000 nodes; a digest is ~2 KB. */
export const DIGEST_BUCKETS = 128;

export type DigestAnswer = { buckets: number; digest: string[] };

/** The bucket of a key (FNV-1a, so any key shape spreads evenly; case-insensitive like our hex keys). */
export function bucketOf(key: string, buckets = DIGEST_BUCKETS): number {
  let h = 2166136261;
  const k = key.toLowerCase();
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 16777619);
  return (h >>> 0) % buckets;
}

const hashBucket = (versions: ReadonlyMap<string, string>) =>
  versions.size === 0
    ? ''
    : bytesToHex(sha256(utf8ToBytes([...versions].map(([k, v]) => `${k}=${v}`).sort().join('\n')))).slice(0, 12);

/** One hash per bucket over its sorted `key=version` lines. */
export function digestOf<T>(items: Iterable<T>, keyOf: (item: T) => string, versionOf: (item: T) => string, buckets = DIGEST_BUCKETS): string[] {
  const d = createBucketDigest(buckets);
  for (const item of items) d.set(keyOf(item), versionOf(item));
  return d.digest();
}

/**
 * The same digest kept up to date item by item: a change re-hashes only its own bucket (at
 * 2,000 entries a whole digest costs ~10 ms; one bucket ~0.1 ms), so a directory that changes
 * often still answers digests for almost nothing.
 */
export function createBucketDigest(buckets = DIGEST_BUCKETS) {
  const versions = Array.from({ length: buckets }, () => new Map<string, string>());
  // undefined: changed since last hashed.
  const hashes: (string | undefined)[] = Array(buckets).fill('');
  return {
    set(key: string, version: string) {
      const b = bucketOf(key, buckets);
      versions[b]!.set(key.toLowerCase(), version);
      hashes[b] = undefined;
    },
    delete(key: string) {
      const b = bucketOf(key, buckets);
      if (versions[b]!.delete(key.toLowerCase())) hashes[b] = undefined;
    },
    digest(): string[] {
      return hashes.map((h, b) => (h === undefined ? (hashes[b] = hashBucket(versions[b]!)) : h));
    },
  };
}

/** The buckets where a peer's digest differs from ours, or why its answer is unusable. */
export function differingBuckets(ours: readonly string[], answer: unknown): { buckets: number[] } | { problem: string } {
  const a = answer as Partial<DigestAnswer> | null;
  if (!a || typeof a !== 'object' || !Array.isArray(a.digest)) return { problem: 'answer lacks { digest: [...] }' };
  if (a.buckets !== ours.length || a.digest.length !== ours.length) return { problem: `digest of ${String(a.buckets)} buckets; ours has ${ours.length}` };
  const buckets: number[] = [];
  a.digest.forEach((h, i) => h !== ours[i] && buckets.push(i));
  return { buckets };
}

/**
 * What to fetch after reading a peer's digest: nothing (null) when it equals ours; the buckets
 * that differ; the whole list when most do (one call either way) or the answer is unusable.
 */
export function pathAfterDigest(path: string, ours: readonly string[], answer: unknown): string | null {
  const diff = differingBuckets(ours, answer);
  if ('problem' in diff) return path;
  if (diff.buckets.length === 0) return null;
  if (diff.buckets.length > ours.length / 2) return path;
  return `${path}?buckets=${diff.buckets.join(',')}`;
}

/**
 * `?buckets=3,17,90` from a stranger: distinct integers in [0, buckets), at most `buckets` of
 * them. Absent → null (the whole list).
 */
export function parseBucketQuery(raw: string | null, buckets = DIGEST_BUCKETS): { ok: true; buckets: Set<number> | null } | { ok: false; reason: string } {
  if (raw === null) return { ok: true, buckets: null };
  if (raw.length > buckets * 4) return { ok: false, reason: `buckets: at most ${buckets} comma-separated bucket numbers` };
  const parts = raw.split(',');
  const set = new Set<number>();
  for (const p of parts) {
    if (!/^[0-9]{1,4}$/.test(p) || Number(p) >= buckets) return { ok: false, reason: `buckets: "${p.slice(0, 12)}" is not a bucket number (0 to ${buckets - 1})` };
    set.add(Number(p));
  }
  return { ok: true, buckets: set };
}
