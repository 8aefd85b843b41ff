/**
 * The announcement directory: where every live node answers, as its own signed announcement
 * says. An announcement is accepted only if
 *   - it is well formed and for this chain and this SessionStaking contract,
 *   - its ed25519 key is a live registered node's on OUR chain view, without an identity
 *     problem (so strangers can not fill the directory: at most one entry per live node),
 *   - its signature verifies, it is not older than announcementMaxAgeSec and not more than
 *     60 s in the future (node clocks differ a little, not by minutes).
 * The newest timestamp wins; at equal timestamps the greater signature, so every node
 * converges on the same entry. Entries of nodes that left the chain or expired are dropped
 * whenever the directory is read.
 *
 * Persisted to <data-dir>/announcements.json (atomic, debounced) so a restart still knows
 * where everyone is; `load()` re-verifies every entry against the chain view of the time.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Address, Hex } from 'viem';
import { announcementUrl, parseAnnouncement, verifyAnnouncementSignature, type Announcement } from '../../sdk/src/network/announcement.ts';
import type { MembershipRules } from '../../sdk/src/network/rules.ts';
import type { NetworkConsumer } from '../state/consumer.ts';
import { isLive, type NodeState } from '../state/network-state.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import { bucketOf, createBucketDigest } from './digest.ts';

/** Clock skew tolerated on timestamps from the future. */
export const MAX_FUTURE_SEC = 60;

export type OfferResult = { accepted: true; fresh: boolean } | { accepted: false; reason: string };

/** What makes one announcement of a key newer than another (the digest's version). */
const versionOf = (a: Announcement) => `${a.timestamp}.${a.signature.slice(2, 18)}`;

const byKey = (x: Announcement, y: Announcement) => (x.ed25519PublicKey < y.ed25519PublicKey ? -1 : 1);

const sameAnnouncement = (x: Announcement, y: Announcement) =>
  x.signature === y.signature && x.timestamp === y.timestamp && x.host === y.host && x.httpPort === y.httpPort && x.software === y.software && x.chainId === y.chainId && x.contract.toLowerCase() === y.contract.toLowerCase() && x.version === y.version;

export type Directory = {
  /** Verifies and, if newer, keeps an announcement (untrusted input is fine). */
  offer: (value: unknown) => OfferResult;
  /** Every valid entry now (expired ones and those of nodes no longer live are dropped). */
  list: () => Announcement[];
  of: (ed25519: string) => Announcement | undefined;
  urlOf: (ed25519: string) => string | undefined;
  /** ed25519 key → URL of every valid entry (what rounds and peer tests use). */
  urls: () => Map<string, string>;
  /** Re-offers the persisted entries (call once the chain view is synced); returns how many were kept. */
  load: () => { kept: number; refused: number };
  /** Per-bucket hashes of the valid entries (digest.ts); a change re-hashes only its bucket. */
  digest: () => string[];
  /** The valid entries whose keys fall in these buckets (a digest pull's answer). */
  inBuckets: (buckets: ReadonlySet<number>) => Announcement[];
  /** Writes a pending change now (on shutdown). */
  flush: () => void;
};

export function createDirectory(options: {
  network: Pick<NetworkConsumer, 'view'>;
  chainId: number;
  contract: Address;
  rules: Pick<MembershipRules, 'announcementMaxAgeSec'>;
  /** Unix seconds (this node's clock). */
  now?: () => number;
  /** <data-dir>/announcements.json; undefined: in memory only. */
  file?: string;
  log?: (line: string) => void;
  /** Debounce of the file write (default 1 s). */
  persistDelayMs?: number;
}): Directory {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const entries = new Map<Hex, Announcement>();
  const contract = options.contract.toLowerCase();
  let timer: NodeJS.Timeout | undefined;
  // Follows every change of `entries`, bucket by bucket (digest.ts).
  const digest = createBucketDigest();

  /** The live node holding this key with an accepted identity, or why there is none. */
  // Nodes by ed25519 key, rebuilt only when the node set grows or the state is replaced (a
  // reorg): a node's key never changes, so a lookup is O(1) instead of a scan of every node
  // (2,000 nodes × every gossiped announcement). Liveness is read at lookup time.
  let index: { state: object; size: number; byKey: Map<string, NodeState[]> } | undefined;
  const nodesWithKey = (key: Hex): NodeState[] => {
    const state = options.network.view().state;
    if (!index || index.state !== state || index.size !== state.nodes.size) {
      const byKey = new Map<string, NodeState[]>();
      for (const node of state.nodes.values()) byKey.set(node.ed25519Key, [...(byKey.get(node.ed25519Key) ?? []), node]);
      index = { state, size: state.nodes.size, byKey };
    }
    return index.byKey.get(key) ?? [];
  };
  const holderOf = (key: Hex): { node: NodeState } | { problem: string } => {
    let problem: string | undefined;
    for (const indexed of nodesWithKey(key)) {
      // The index holds the node objects of this state; re-read in case the state replaced one.
      const node = options.network.view().state.nodes.get(indexed.nodeId) ?? indexed;
      if (node.ed25519Key !== key || !isLive(node)) continue;
      if (node.identityProblem === null) return { node };
      problem = `node ${node.nodeId} holding this key has an identity problem: ${node.identityProblem}`;
    }
    return { problem: problem ?? `${key} is not a registered node's ed25519 key (no live node on chain ${options.chainId} holds it)` };
  };

  const stillValid = (a: Announcement, at: number) => a.timestamp >= at - options.rules.announcementMaxAgeSec && 'node' in holderOf(a.ed25519PublicKey);

  const prune = () => {
    const at = now();
    let changed = false;
    for (const [key, a] of entries) {
      if (!stillValid(a, at)) {
        entries.delete(key);
        digest.delete(key);
        changed = true;
      }
    }
    if (changed) schedulePersist();
  };

  const persist = () => {
    timer = undefined;
    if (!options.file) return;
    try {
      writeFileAtomic(options.file, `${JSON.stringify({ announcements: [...entries.values()] }, null, 1)}\n`);
    } catch (error) {
      options.log?.(`directory: could not save ${options.file}: ${(error as Error).message}`);
    }
  };
  const schedulePersist = () => {
    if (!options.file || timer) return;
    timer = setTimeout(persist, options.persistDelayMs ?? 1_000);
    timer.unref();
  };

  const offer = (value: unknown): OfferResult => {
    const parsed = parseAnnouncement(value);
    if (!parsed.ok) return { accepted: false, reason: parsed.reason };
    const a = parsed.announcement;
    if (a.chainId !== options.chainId) return { accepted: false, reason: `announcement is for chain ${a.chainId}; this network is chain ${options.chainId}` };
    if (a.contract.toLowerCase() !== contract) return { accepted: false, reason: `announcement is for SessionStaking ${a.contract}; this network's is ${options.contract}` };
    const at = now();
    if (a.timestamp > at + MAX_FUTURE_SEC) return { accepted: false, reason: `timestamp ${a.timestamp} is ${a.timestamp - at} s in the future (at most ${MAX_FUTURE_SEC} s of clock skew is tolerated)` };
    if (a.timestamp < at - options.rules.announcementMaxAgeSec) return { accepted: false, reason: `announcement expired: timestamp ${a.timestamp} is ${at - a.timestamp} s old (announcements live ${options.rules.announcementMaxAgeSec} s)` };
    const holder = holderOf(a.ed25519PublicKey);
    if ('problem' in holder) return { accepted: false, reason: holder.problem };
    const current = entries.get(a.ed25519PublicKey);
    // The very announcement we hold (verified when it came): a duplicate, no second ed25519 check.
    if (current && sameAnnouncement(current, a)) return { accepted: true, fresh: false };
    if (!verifyAnnouncementSignature(a)) return { accepted: false, reason: `the signature is not ${a.ed25519PublicKey}'s over this announcement` };
    // Older, or the same: valid but nothing new (not an error: gossip delivers duplicates).
    if (current && (current.timestamp > a.timestamp || (current.timestamp === a.timestamp && current.signature >= a.signature))) return { accepted: true, fresh: false };
    entries.set(a.ed25519PublicKey, a);
    digest.set(a.ed25519PublicKey, versionOf(a));
    schedulePersist();
    return { accepted: true, fresh: true };
  };

  const of = (ed25519: string) => {
    const a = entries.get(ed25519.toLowerCase() as Hex);
    return a && stillValid(a, now()) ? a : undefined;
  };

  return {
    offer,
    list: () => {
      prune();
      return [...entries.values()].sort(byKey);
    },
    of,
    digest: () => {
      prune();
      return digest.digest();
    },
    inBuckets: (buckets) => {
      prune();
      return [...entries.values()].filter((a) => buckets.has(bucketOf(a.ed25519PublicKey))).sort(byKey);
    },
    urlOf: (ed25519) => {
      const a = of(ed25519);
      return a ? announcementUrl(a) : undefined;
    },
    urls: () => {
      prune();
      return new Map([...entries.values()].map((a) => [a.ed25519PublicKey, announcementUrl(a)]));
    },
    load: () => {
      if (!options.file || !existsSync(options.file)) return { kept: 0, refused: 0 };
      let list: unknown[] = [];
      try {
        const parsed = JSON.parse(readFileSync(options.file, 'utf8')) as { announcements?: unknown };
        if (Array.isArray(parsed.announcements)) list = parsed.announcements;
      } catch (error) {
        options.log?.(`directory: ignoring ${options.file}: ${(error as Error).message}`);
      }
      let kept = 0;
      let refused = 0;
      for (const item of list) (offer(item).accepted ? kept++ : refused++);
      return { kept, refused };
    },
    flush: () => {
      if (timer) {
        clearTimeout(timer);
        persist();
      }
    },
  };
}
