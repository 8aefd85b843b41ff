/**
 * The peer-testing loop: every interval, probe every other active node at its advertised URL
 * with a signed challenge (its registered ed25519 key) and compare the ledger root it serves
 * with ours. A peer that fails `threshold` times in a row becomes a deregistration candidate:
 * this node will sign its deregistration when the gateway asks.
 *
 * Ledger root string served to peers: "<block>:<root>", our checkpoint as of our height. A
 * peer behind or level with us must match our checkpoint at its block; a peer ahead of us
 * cannot be judged yet and passes.
 */
import type { NetworkConsumer } from '../state/consumer.ts';
import { isActive } from '../state/network-state.ts';
import { deregistrationCandidates, emptyFailureState, keepPeers, recordProbe, type FailureState, type ProbeOutcome } from './failures.ts';
import { probePeer } from './http.ts';
import { readNodesFile } from './nodes-file.ts';

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

export type PeerTester = {
  runOnce: () => Promise<void>;
  start: () => void;
  stop: () => void;
  candidates: () => Set<bigint>;
  reasonFor: (nodeId: bigint) => string | undefined;
  state: () => FailureState;
};

export function createPeerTester(options: {
  network: NetworkConsumer;
  chainId: number;
  ownEd25519: string;
  nodesFile: string;
  intervalMs: number;
  threshold: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}): PeerTester {
  let failures = emptyFailureState();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const log = options.log ?? (() => {});

  const runOnce = async () => {
    if (running) return;
    running = true;
    try {
      const { endpoints, error } = readNodesFile(options.nodesFile);
      if (error) log(`peers: ${error}`);
      const peers = [...options.network.view().state.nodes.values()].filter((n) => isActive(n) && n.ed25519Key !== options.ownEd25519.toLowerCase());
      failures = keepPeers(failures, new Set(peers.map((p) => p.nodeId.toString())));
      const results = await Promise.all(
        peers.map(async (peer): Promise<[string, ProbeOutcome]> => {
          const url = endpoints.get(peer.ed25519Key);
          if (!url) return [peer.nodeId.toString(), { ok: false, reason: 'advertises no URL' }];
          const probe = await probePeer({ url, nodeKey: peer.ed25519Key, chainId: options.chainId, timeoutMs: options.timeoutMs ?? 3_000 });
          if (!probe.ok) return [peer.nodeId.toString(), { ok: false, reason: `${probe.reason}: ${probe.detail}` }];
          return [peer.nodeId.toString(), judgeLedgerRoot(options.network, probe.ledgerRoot)];
        }),
      );
      const now = Math.floor(Date.now() / 1000);
      for (const [id, outcome] of results) {
        const before = failures.get(id)?.consecutive ?? 0;
        failures = recordProbe(failures, id, outcome, now);
        if (!outcome.ok && before + 1 === options.threshold) log(`peers: node ${id} failed ${options.threshold} tests in a row (${outcome.reason}); voting it out`);
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
    candidates: () => new Set(deregistrationCandidates(failures, options.threshold).map((c) => BigInt(c.peer))),
    reasonFor: (nodeId) => failures.get(nodeId.toString())?.lastReason,
    state: () => failures,
  };
}
