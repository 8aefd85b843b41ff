/**
 * The peer-testing loop: every interval, probe every other active node at its announced URL
 * with a signed challenge (its registered ed25519 key) and compare the ledger root it serves
 * with ours. Whether a failing peer is a vote to deregister it is failures.ts's call (a
 * sustained failure over a stated time, never a blip; a bad identity at once): this node
 * signs its deregistration only then.
 *
 * Ledger root string served to peers: "<block>:<root>", our checkpoint as of our height. A
 * peer behind or level with us must match our checkpoint at its block; a peer ahead of us
 * cannot be judged yet and passes.
 */
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import { isActive, type NodeState } from '../../../core/state/network-state.ts';
import { emptyFailureState, graceUntil, keepPeers, recordProbe, standingOf, type FailurePolicy, type FailureState, type PeerStanding, type ProbeOutcome } from './failures.ts';
import { probePeer } from './http.ts';

export const ledgerRootString = (network: NetworkConsumer) => {
  const height = network.view().height;
  return `${height}:${network.checkpointAt(height).root}`;
};

export function judgeLedgerRoot(network: NetworkConsumer, served: string): ProbeOutcome {
  const m = /^(\d+):(0x[0-9a-f]{64})$/.exec(served);
  if (!m) return { ok: false, reason: `serves a malformed ledger root "${served.slice(0, 80)}"` };
  const block = Number(m[1]);
  if (block > network.view().height) return { ok: true };
  const mine = network.checkpointAt(block).root;
  return mine === m[2] ? { ok: true } : { ok: false, reason: `ledger root at block ${block} is ${m[2]}, ours is ${mine}` };
}

/** Set by the state machine when a registration's ed25519 proof fails or its key is already held by a live node. */
const identityProblemOf = (node: NodeState) => (node as { identityProblem?: string | null }).identityProblem ?? null;

export type PeerReport = {
  nodeId: string;
  candidate: boolean;
  reason: string;
  /** Failed probes in the current streak (outside the grace period). `consecutive`: the same, for older readers. */
  failures: number;
  consecutive: number;
  firstFailureAt: number | null;
  lastFailureAt: number | null;
  lastReason: string | null;
  graceUntil: number | null;
  candidateAt: number | null;
};

export type PeerTester = {
  runOnce: () => Promise<void>;
  start: () => void;
  stop: () => void;
  /** Node ids this node votes to deregister. */
  candidates: () => Set<bigint>;
  reasonFor: (nodeId: bigint) => string | undefined;
  /** Every active peer (and any node with an identity problem), with its standing. Times: unix seconds, this node's clock. */
  report: () => PeerReport[];
  state: () => FailureState;
};

export function createPeerTester(options: {
  network: NetworkConsumer;
  chainId: number;
  ownEd25519: string;
  /** Where a peer answers (its announcement, from the directory); without it there are no probes, and only identity problems are votes. */
  urlOf?: (ed25519: string) => string | undefined;
  intervalMs: number;
  policy: Omit<FailurePolicy, 'maxGapSec' | 'probeIntervalSec'>;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Seconds; this node's clock. */
  now?: () => number;
}): PeerTester {
  const timeoutMs = options.timeoutMs ?? 3_000;
  // A round takes at most interval + timeout; five rounds without a probe means we were not watching.
  const policy: FailurePolicy = { ...options.policy, probeIntervalSec: options.intervalMs / 1000, maxGapSec: Math.ceil((5 * options.intervalMs + timeoutMs) / 1000) };
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const own = options.ownEd25519.toLowerCase();
  let failures = emptyFailureState();
  /** When this node first saw a peer active while running; null for peers active when it started. */
  const firstSeen = new Map<string, number | null>();
  let rounds = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const log = options.log ?? (() => {});

  const activePeers = () => [...options.network.view().state.nodes.values()].filter((n) => isActive(n) && n.ed25519Key !== own);
  const graceOf = (node: NodeState, at: number) =>
    graceUntil({ activatedAt: node.activatedAt ?? node.openedAt, chainNow: options.network.view().time, firstSeenLiveAt: firstSeen.get(node.nodeId.toString()) ?? null, now: at, graceSec: policy.graceSec });
  const standing = (node: NodeState, at: number): PeerStanding =>
    standingOf(failures.get(node.nodeId.toString()), { graceUntil: graceOf(node, at), identityProblem: identityProblemOf(node) }, policy, at);
  /** Active peers, plus any active node with an identity problem (a clone of our own key too). */
  const judged = () => {
    const peers = activePeers();
    const ids = new Set(peers.map((p) => p.nodeId));
    for (const n of options.network.view().state.nodes.values()) if (isActive(n) && identityProblemOf(n) && !ids.has(n.nodeId)) peers.push(n);
    return peers;
  };

  const runOnce = async () => {
    if (running) return;
    running = true;
    try {
      const peers = activePeers();
      for (const p of peers) {
        const id = p.nodeId.toString();
        if (!firstSeen.has(id)) firstSeen.set(id, rounds === 0 ? null : now());
      }
      rounds++;
      failures = keepPeers(failures, new Set(peers.map((p) => p.nodeId.toString())));
      const urlOf = options.urlOf;
      if (!urlOf) return;
      const results = await Promise.all(
        peers.map(async (peer): Promise<[NodeState, ProbeOutcome]> => {
          const url = urlOf(peer.ed25519Key);
          if (!url) return [peer, { ok: false, reason: 'has no valid announcement (no known URL)' }];
          const probe = await probePeer({ url, nodeKey: peer.ed25519Key, chainId: options.chainId, timeoutMs });
          if (!probe.ok) return [peer, { ok: false, reason: `${probe.reason}: ${probe.detail}` }];
          return [peer, judgeLedgerRoot(options.network, probe.ledgerRoot)];
        }),
      );
      const at = now();
      for (const [peer, outcome] of results) {
        const id = peer.nodeId.toString();
        const was = standing(peer, at).candidate;
        failures = recordProbe(failures, id, outcome, at, { inGrace: graceOf(peer, at) !== null, maxGapSec: policy.maxGapSec });
        const is = standing(peer, at);
        if (is.candidate && !was) log(`peers: node ${id} is now a vote to deregister: ${is.reason}`);
        if (!is.candidate && was) log(`peers: node ${id} is no longer a vote to deregister (${outcome.ok ? 'it passed a probe' : is.reason})`);
      }
    } finally {
      running = false;
    }
  };
  return {
    runOnce,
    start() {
      timer = setInterval(() => void runOnce().catch((e) => log(`peers: ${(e as Error).message}`)), options.intervalMs);
      timer.unref();
    },
    stop: () => clearInterval(timer),
    candidates: () => {
      const at = now();
      return new Set(judged().filter((n) => standing(n, at).candidate).map((n) => n.nodeId));
    },
    reasonFor: (nodeId) => {
      const node = options.network.view().state.nodes.get(nodeId);
      return node ? standing(node, now()).reason : undefined;
    },
    report: () => {
      const at = now();
      return judged()
        .map((n): PeerReport => {
          const f = failures.get(n.nodeId.toString());
          const s = standing(n, at);
          return {
            nodeId: n.nodeId.toString(),
            candidate: s.candidate,
            reason: s.reason,
            failures: f?.failures ?? 0,
            consecutive: f?.failures ?? 0,
            firstFailureAt: f?.firstFailureAt ?? null,
            lastFailureAt: f?.lastFailureAt ?? null,
            lastReason: f?.lastReason ?? null,
            graceUntil: graceOf(n, at),
            candidateAt: s.candidateAt,
          };
        })
        .sort((a, b) => Number(b.candidate) - Number(a.candidate) || b.failures - a.failures || (BigInt(a.nodeId) < BigInt(b.nodeId) ? -1 : 1));
    },
    state: () => failures,
  };
}
