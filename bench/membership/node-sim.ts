/**
 * One simulated node identity, built from the node's own membership and testing modules:
 * its endpoint (endpoint.ts), its signed announcement, directory and gossip, its tester
 * schedule, probes, signed reports and judgment. The bench adds only the fault behaviour
 * (dead, paused, dropped) and the counters it reports.
 */
import type { Deployments } from '../../sdk/src/deployments.ts';
import type { MembershipRules } from '../../sdk/src/network/rules.ts';
import type { NetworkConsumer } from '../../core/state/consumer.ts';
import type { Ed25519Identity } from '../../core/keys/ed25519.ts';
import { startEndpoint, type Endpoint } from './endpoint.ts';
import type { FaultConfig, FaultPlan } from './faults.ts';
import type { AnnouncementSeen, IdentityCounters, JudgmentEvent } from './protocol.ts';

export type NodeSim = {
  index: number;
  plan: FaultPlan;
  endpoint: Endpoint;
  start: (t0: number) => void;
  setPaused: (paused: boolean) => void;
  /** Round phase: the simulation stops acting; the endpoint answers unless `hung`. */
  roundMode: (hung: boolean) => void;
  reannounce: () => Promise<{ timestamp: number; at: number }>;
  counters: () => IdentityCounters;
  takeJudgments: () => JudgmentEvent[];
  takeSeen: () => AnnouncementSeen[];
  stop: () => Promise<void>;
};

export async function startNodeSim(options: {
  index: number;
  identity: Ed25519Identity;
  nodeId: bigint;
  deployments: Deployments;
  deploymentsFile: string;
  network: NetworkConsumer;
  rules: MembershipRules;
  faults: FaultConfig;
  plan: FaultPlan;
  random: () => number;
  log: (line: string) => void;
}): Promise<NodeSim> {
  const { index, plan } = options;
  const counters: IdentityCounters = { index, probesSent: 0, gossipSent: 0, gossipReceived: 0, requestsReceived: 0, requestsDropped: 0 };
  const judgments: JudgmentEvent[] = [];
  const seen: AnnouncementSeen[] = [];
  const endpoint = await startEndpoint({ identity: options.identity, routes: [], dropFraction: options.faults.dropFraction, random: options.random });
  const dead = plan.dead.get(index);
  let acting = false;
  let paused = false;
  return {
    index,
    plan,
    endpoint,
    start() {
      if (dead) endpoint.setMode(dead);
      acting = !dead;
    },
    setPaused(next) {
      if (dead || next === paused) return;
      paused = next;
      endpoint.setMode(paused ? 'paused' : 'up');
    },
    roundMode(hung) {
      acting = false;
      endpoint.setDropFraction(0);
      if (endpoint.mode() !== 'refuse') endpoint.setMode(hung ? 'hung' : 'up');
    },
    async reannounce() {
      return { timestamp: Math.floor(Date.now() / 1000), at: Date.now() };
    },
    counters: () => ({ ...counters, requestsReceived: endpoint.stats.received, requestsDropped: endpoint.stats.dropped }),
    takeJudgments: () => judgments.splice(0),
    takeSeen: () => seen.splice(0),
    async stop() {
      acting = false;
      await endpoint.close();
    },
  };
}
