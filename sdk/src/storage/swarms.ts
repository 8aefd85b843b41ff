/**
 * Swarms from the chain: which active node serves which swarm. It is a pure function of the
 * active set, so every node and client that follows the chain computes the same swarms,
 * whatever order it saw the events in, with no history to agree on.
 *
 * The anchor (oxen-core service_node_swarm.cpp) keeps swarms in chain state and moves nodes
 * with a block-seeded random walk; our chain has no such state, so we derive the same shape:
 *
 * - Count: S = round(n / idealSwarmSize), at most floor(n / minSwarmSize), at least 1 (0 for
 *   no nodes). Swarms are then within half a node-per-swarm of the ideal size (the anchor's
 *   sit between its minimum and a little over its ideal), never below the minimum once
 *   n ≥ minSwarmSize, and a split comes at n = (S + ½)·ideal.
 * - Ids: the first S ids of the anchor's id sequence (get_new_swarm_id: 0, then each time the
 *   midpoint of the largest gap), so a new swarm splits one region of swarm space and the
 *   other swarms keep their ids, and accounts.
 * - Sizes: floor(n/S) or one more, the first n mod S swarms in id-sequence order being the
 *   bigger ones, so a join or leave changes one swarm's capacity by one.
 * - Members: capacity-bounded rendezvous hashing. Each (node, swarm) pair has a score; the
 *   assignment is the unique stable matching of nodes to swarm seats under one total order
 *   of pairs (score, then node key, then swarm), found by nodes proposing in score order.
 *   A join or leave that keeps S changes it along one short chain of displaced nodes
 *   (measured in sdk/test/storage-swarms.test.ts at 2,000 nodes: a join moves about 3.5 other
 *   nodes, a leave about 6; a split, about 30).
 *
 * The pair score is part of the protocol (clients compute it too): d = the first 8 bytes of
 * BLAKE2b-512(the 32 ed25519 key bytes) read as two big-endian u32 words (dHi, dLo); σ(swarm) =
 * fmix32(idLo ^ fmix32(idHi ^ 0x9e3779b9)) over the id's u32 halves; score =
 * fmix32(dLo ^ fmix32(dHi ^ σ)), fmix32 being MurmurHash3's 32-bit finaliser. Equal scores
 * (rare) go to the larger key on a swarm's side and the later swarm in id-sequence order on a
 * node's side, one total order of pairs, so the stable matching is unique.
 */
import { createHash } from 'node:crypto';
import type { SwarmAssignment, SwarmId, SwarmMember } from './types.ts';
import type { StorageRules } from './rules.ts';

/** The anchor's MAX_ID (oxen-core): UNASSIGNED_SWARM_ID − 1; the wrap gap counts 0 and MAX_ID as one apart. */
const MAX_ID = (1n << 64n) - 2n;

/** How many swarms n active nodes make (see the module comment). */
export function swarmCount(n: number, rules: StorageRules): number {
  if (n <= 0) return 0;
  const rounded = Math.floor((2 * n + rules.idealSwarmSize) / (2 * rules.idealSwarmSize));
  return Math.max(1, Math.min(rounded, Math.floor(n / rules.minSwarmSize)));
}

/** The anchor's next swarm id for a set of ascending ids: the midpoint of the largest gap (first one on ties), wrapping. */
export function nextSwarmId(sortedIds: readonly SwarmId[]): SwarmId {
  if (sortedIds.length === 0) return 0n;
  let best = 0;
  let bestGap = 0n;
  for (let i = 0; i + 1 < sortedIds.length; i++) {
    const gap = sortedIds[i + 1]! - sortedIds[i]!;
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  const wrapGap = MAX_ID - sortedIds[sortedIds.length - 1]! + sortedIds[0]! + 1n;
  if (wrapGap > bestGap) {
    bestGap = wrapGap;
    best = sortedIds.length - 1;
  }
  const half = bestGap / 2n;
  const room = MAX_ID - sortedIds[best]!;
  return half > room ? half - room - 1n : sortedIds[best]! + half;
}

const sequence: SwarmId[] = [];
const sortedSequence: SwarmId[] = [];

/** The first `count` swarm ids in the order the anchor creates them (memoised: the sequence never changes). */
export function swarmIdSequence(count: number): readonly SwarmId[] {
  while (sequence.length < count) {
    const id = nextSwarmId(sortedSequence);
    sequence.push(id);
    let at = sortedSequence.length;
    while (at > 0 && sortedSequence[at - 1]! > id) at--;
    sortedSequence.splice(at, 0, id);
  }
  return sequence.slice(0, count);
}

/** MurmurHash3's 32-bit finaliser: a bijection on u32 with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const digests = new Map<string, [number, number]>();
const DIGESTS_KEPT = 100_000;

/** The first 8 bytes of BLAKE2b-512(ed25519 key) as two u32 words, cached (a network's keys change slowly). */
function nodeDigest(key: string): [number, number] {
  let d = digests.get(key);
  if (d === undefined) {
    const bytes = createHash('blake2b512').update(Buffer.from(key.slice(2), 'hex')).digest();
    d = [bytes.readUInt32BE(0), bytes.readUInt32BE(4)];
    if (digests.size >= DIGESTS_KEPT) digests.clear();
    digests.set(key, d);
  }
  return d;
}

function swarmSalt(id: SwarmId): number {
  const hi = Number(id >> 32n) >>> 0;
  const lo = Number(id & 0xffffffffn) >>> 0;
  return fmix32(lo ^ fmix32(hi ^ 0x9e3779b9));
}

/** The rendezvous score of a node (its key, 0x hex) for a swarm: higher is preferred, on both sides. */
export function pairScore(ed25519Key: string, swarm: SwarmId): number {
  const [hi, lo] = nodeDigest(ed25519Key.toLowerCase());
  return fmix32(lo ^ fmix32(hi ^ swarmSalt(swarm)));
}

/** Ties of scores (rare, 32 bits) are broken by these; both stay below 2^21, so score·2^21 + tie is exact. */
const TIE = 2 ** 21;
const ED25519_KEY = /^0x[0-9a-f]{64}$/;
/** Choices a node's scan keeps: most nodes are seated within their first few. */
const LOOKAHEAD = 4;

/**
 * Assigns the active nodes to swarms (see the module comment). `active` in any order; node
 * keys and ids must be unique (the chain state guarantees it for accepted identities).
 */
export function assignSwarms(active: readonly SwarmMember[], rules: StorageRules): SwarmAssignment {
  const nodes = active.map((m) => ({ member: m, key: m.ed25519Key.toLowerCase() })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const n = nodes.length;
  if (n >= TIE) throw new RangeError(`assignSwarms: ${n} nodes is more than this implementation handles (${TIE - 1})`);
  for (let i = 0; i < n; i++) {
    if (!ED25519_KEY.test(nodes[i]!.key)) throw new Error(`assignSwarms: node ${nodes[i]!.member.nodeId} has ed25519 key ${JSON.stringify(nodes[i]!.key)}, not 0x and 64 hex digits`);
    if (i > 0 && nodes[i]!.key === nodes[i - 1]!.key) throw new Error(`assignSwarms: ed25519 key ${nodes[i]!.key} is listed twice`);
  }
  const count = swarmCount(n, rules);
  const ids = swarmIdSequence(count);
  const seats = matchSeats(nodes.map((x) => nodeDigest(x.key)), ids.map(swarmSalt), n);

  const members = new Map<SwarmId, SwarmMember[]>(ids.map((id) => [id, []]));
  const swarmOfKey = new Map<string, SwarmId>();
  for (let i = 0; i < n; i++) {
    const id = ids[seats[i]!]!;
    members.get(id)!.push(nodes[i]!.member);
    swarmOfKey.set(nodes[i]!.key, id);
  }
  for (const list of members.values()) list.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return { ids: [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), members, swarmOfKey };
}

/**
 * The stable matching: node i (ascending key order) proposes to swarms in descending
 * (score, swarm index) order; a full swarm keeps its best `capacity` by (score, node index).
 * Returns each node's swarm index (into `salts`, the id-sequence order).
 */
function matchSeats(digest: readonly [number, number][], salts: readonly number[], n: number): Int32Array {
  const s = salts.length;
  const seatOf = new Int32Array(n).fill(-1);
  if (s === 0) return seatOf;
  const base = Math.floor(n / s);
  const bigger = n % s;
  const capacity = (j: number) => base + (j < bigger ? 1 : 0);
  const width = base + 1;
  const seatNode = new Int32Array(s * width);
  const seatWeight = new Float64Array(s * width);
  const filled = new Int32Array(s);
  // Each node's next few choices, best first, refilled by a scan below its last proposal when used up.
  const nextWeight = new Float64Array(n * LOOKAHEAD);
  const nextSwarm = new Int32Array(n * LOOKAHEAD);
  const nextCount = new Int32Array(n);
  const nextAt = new Int32Array(n);
  const lastProposal = new Float64Array(n).fill(Infinity);
  const refill = (i: number) => {
    const [hi, lo] = digest[i]!;
    const below = lastProposal[i]!;
    const o = i * LOOKAHEAD;
    let kept = 0;
    for (let j = 0; j < s; j++) {
      const weight = fmix32(lo ^ fmix32(hi ^ salts[j]!)) * TIE + j;
      if (weight >= below || (kept === LOOKAHEAD && weight <= nextWeight[o + kept - 1]!)) continue;
      let k = kept < LOOKAHEAD ? kept++ : kept - 1;
      while (k > 0 && nextWeight[o + k - 1]! < weight) {
        nextWeight[o + k] = nextWeight[o + k - 1]!;
        nextSwarm[o + k] = nextSwarm[o + k - 1]!;
        k--;
      }
      nextWeight[o + k] = weight;
      nextSwarm[o + k] = j;
    }
    nextCount[i] = kept;
    nextAt[i] = 0;
  };
  const free: number[] = [];
  for (let i = n - 1; i >= 0; i--) free.push(i);

  while (free.length > 0) {
    const i = free.pop()!;
    if (nextAt[i] === nextCount[i]) refill(i);
    // Every swarm has a seat per node on average, so a node is always seated before its list ends.
    if (nextCount[i] === 0) throw new Error('assignSwarms: a node ran out of swarms (internal error)');
    const o = i * LOOKAHEAD + nextAt[i]!++;
    const best = nextSwarm[o]!;
    lastProposal[i] = nextWeight[o]!;
    const bestScore = Math.floor(nextWeight[o]! / TIE);
    const mine = bestScore * TIE + i;
    const at = best * width;
    if (filled[best]! < capacity(best)) {
      seatNode[at + filled[best]!] = i;
      seatWeight[at + filled[best]!] = mine;
      filled[best]!++;
      seatOf[i] = best;
      continue;
    }
    let weakest = 0;
    for (let k = 1; k < filled[best]!; k++) if (seatWeight[at + k]! < seatWeight[at + weakest]!) weakest = k;
    if (filled[best]! > 0 && seatWeight[at + weakest]! < mine) {
      const out = seatNode[at + weakest]!;
      seatNode[at + weakest] = i;
      seatWeight[at + weakest] = mine;
      seatOf[i] = best;
      seatOf[out] = -1;
      free.push(out);
    } else {
      free.push(i);
    }
  }
  return seatOf;
}
