/**
 * One simulated node identity, built from the node's own modules:
 *   membership  its signed announcement (sdk/src/network/announcement.ts), its own directory
 *               (core/membership/directory.ts) and gossip (core/membership/gossip.ts) behind
 *               the real routes (core/membership/routes.ts);
 *   testing     each period, the targets the real assignment gives it
 *               (node/src/testing/assignment.ts, shared per worker), each tested with the
 *               real checks (node/src/testing/checks.ts) against the real routes
 *               (/peer/test, /ledger/root), and a signed report per target (test-report.ts).
 * The bench adds only the fault behaviour (dead, paused, dropped; endpoint.ts), the counters,
 * and the hand-off of its failure reports to the observer (stage.ts).
 */
import type { Address } from 'viem';
import type { Deployments } from '../../sdk/src/deployments.ts';
import type { MembershipRules } from '../../sdk/src/network/rules.ts';
import { signAnnouncement, type Announcement } from '../../sdk/src/network/announcement.ts';
import { signTestReport, type TestReport } from '../../sdk/src/network/test-report.ts';
import type { NetworkConsumer } from '../../core/state/consumer.ts';
import type { Ed25519Identity } from '../../core/keys/ed25519.ts';
import { createDirectory, type Directory } from '../../core/membership/directory.ts';
import { createGossip } from '../../core/membership/gossip.ts';
import { membershipRoutes } from '../../core/membership/routes.ts';
import { peerTestRoute } from '../../node/src/peers/http.ts';
import { ledgerRootRoute } from '../../node/src/testing/ledger-route.ts';
import { testTarget } from '../../node/src/testing/checks.ts';
import { periodOf } from '../../node/src/testing/assignment.ts';
import type { AssignmentBook } from '../../node/src/testing/reports.ts';
import { missedCheckpointsOf } from '../../node/src/testing/standing.ts';
import { startEndpoint, type Endpoint } from './endpoint.ts';
import type { FaultConfig, FaultPlan } from './faults.ts';
import type { AnnouncementSeen, IdentityCounters } from './protocol.ts';

export type NodeSim = {
  index: number;
  nodeId: bigint;
  plan: FaultPlan;
  endpoint: Endpoint;
  announcement: Announcement;
  directory: Directory;
  start: (t0: number) => void;
  setPaused: (paused: boolean) => void;
  /** Round phase: the simulation stops acting; the endpoint answers unless `hung`. */
  roundMode: (hung: boolean) => void;
  reannounce: () => Promise<{ timestamp: number; at: number }>;
  /** Fills the directory as a restart does from its saved file (every entry re-verified). */
  load: (announcements: readonly Announcement[]) => void;
  counters: () => IdentityCounters;
  takeSeen: () => AnnouncementSeen[];
  stop: () => Promise<void>;
};

export type SimShared = {
  deployments: Deployments;
  contract: Address;
  network: NetworkConsumer;
  rules: MembershipRules;
  faults: FaultConfig;
  plan: FaultPlan;
  book: AssignmentBook;
  /** ed25519 keys whose announcements' spread is timed. */
  watched: ReadonlySet<string>;
  /** A failure report for the observer. */
  report: (report: TestReport) => void;
};

const SOFTWARE = 'session-node/bench';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startNodeSim(options: { index: number; identity: Ed25519Identity; nodeId: bigint; shared: SimShared; random: () => number; log: (line: string) => void }): Promise<NodeSim> {
  const { index, identity, nodeId, shared, random } = options;
  const { rules, network, plan } = shared;
  const chainId = shared.deployments.chainId;
  const counters: IdentityCounters = { index, probesSent: 0, gossipSent: 0, gossipReceived: 0, requestsReceived: 0, requestsDropped: 0 };
  const seen: AnnouncementSeen[] = [];
  const directory = createDirectory({ network, chainId, contract: shared.contract, rules });
  // The peer list the gossip picks from: the directory's accepted entries, kept as they are
  // accepted (directory.urls() re-checks every entry against the chain view: O(n²) per call).
  const peerUrls = new Map<string, string>();
  const offer = (value: unknown) => {
    const outcome = directory.offer(value);
    if (outcome.accepted && outcome.fresh) {
      const a = value as Announcement;
      const key = a.ed25519PublicKey.toLowerCase();
      if (key !== identity.nodeId) peerUrls.set(key, directory.urlOf(key)!);
      if (shared.watched.has(key)) seen.push({ key: key as Announcement['ed25519PublicKey'], timestamp: a.timestamp, index, at: Date.now() });
    }
    return outcome;
  };
  let endpoint!: Endpoint;
  const gossip = createGossip<Announcement>({
    path: '/network/announcements',
    pushPath: '/network/announce',
    field: 'announcements',
    keyOf: (a) => a.ed25519PublicKey,
    offer,
    peers: () => [...peerUrls.values()],
    seeds: shared.deployments.seedNodes ?? [],
    self: () => endpoint?.url,
    fanout: rules.gossipFanout,
    antiEntropySec: rules.antiEntropySec,
    random,
    digest: { path: '/network/announcements/digest', local: directory.digest },
  });
  const chainRoot = () => network.checkpointAt(network.view().height).root;
  endpoint = await startEndpoint({
    identity,
    routes: [...membershipRoutes({ directory, gossip }), peerTestRoute({ identity, chainId, ledgerRoot: chainRoot }), ledgerRootRoute(network)],
    dropFraction: shared.faults.dropFraction,
    random,
  });
  const sign = (timestamp: number) =>
    signAnnouncement({ chainId, contract: shared.contract, ed25519PublicKey: identity.nodeId, host: '127.0.0.1', httpPort: endpoint.port, software: SOFTWARE, timestamp }, identity.secretKey);
  let announcement = sign(Math.floor(Date.now() / 1000));
  directory.offer(announcement);

  const dead = plan.dead.get(index);
  let acting = false;
  let paused = false;
  let stopped = false;
  const acts = () => acting && !paused && !stopped;

  /**
   * Each period, at a random moment in its first half (testers do not all fire at once, and
   * their reports are in before the period ends), test every target; a tester paused at that
   * moment tests when it resumes, within the period.
   */
  const testLoop = async () => {
    const periodMs = rules.testPeriodSec * 1000;
    let done = -1;
    while (!stopped) {
      const now = Date.now();
      const period = periodOf(now / 1000, rules.testPeriodSec);
      const offset = Math.floor(random() * periodMs * 0.5);
      const at = period * periodMs + offset;
      if (period === done) {
        await sleep(Math.max(50, (period + 1) * periodMs - now));
        continue;
      }
      // Late (the last period's tests ran long): test now rather than skip a period.
      await sleep(Math.max(0, at - now));
      done = period;
      // A paused identity is a stopped process (a reboot, SIGSTOP, a blip): its timer fires on
      // resume, and the node's loop then tests the period it is in (node/src/testing/loop.ts).
      // So a tester paused at its moment tests when it resumes, if the period is still on
      // (with a tenth of it left for the reports to spread).
      while (acting && paused && !stopped && Date.now() < (period + 0.9) * periodMs) await sleep(250);
      if (!acts()) continue;
      const view = network.view();
      // Four targets at a time, as the node's loop does (node/src/testing/loop.ts).
      const queue = [...shared.book.at(period).targetsOf(nodeId)];
      const worker = async () => {
        for (let target = queue.shift(); target !== undefined && acts(); target = queue.shift()) {
          const node = view.state.nodes.get(target);
          if (!node) continue;
          const outcome = await testTarget(
            { nodeId: target, ed25519Key: node.ed25519Key, missedCheckpoints: missedCheckpointsOf(node), url: directory.urlOf(node.ed25519Key) },
            { chainId, commonBlock: Math.max(0, view.height - 2), ourRootAt: (b) => network.checkpointAt(b).root, missedCheckpointsToFail: rules.missedCheckpointsToFail, timeoutMs: Math.min(3_000, periodMs / 5) },
          );
          counters.probesSent += outcome.requests;
          // Only failures travel (the node gossips failures; a pass is the quiet default).
          if (!outcome.ok && acts()) {
            shared.report(
              signTestReport(
                { chainId, contract: shared.contract, period, tester: String(nodeId), testerKey: identity.nodeId, tested: String(target), ok: false, checks: outcome.checks, reason: outcome.reason, at: Math.floor(Date.now() / 1000) },
                identity.secretKey,
              ),
            );
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    }
  };

  return {
    index,
    nodeId,
    plan,
    endpoint,
    get announcement() {
      return announcement;
    },
    directory,
    start() {
      if (dead) endpoint.setMode(dead);
      acting = !dead;
      if (!acting) return;
      // Anti-entropy timers start at random offsets, so 2,000 pulls do not fall in one second.
      setTimeout(() => !stopped && gossip.start(), Math.floor(random() * rules.antiEntropySec * 1000)).unref();
      void testLoop();
    },
    setPaused(next) {
      if (dead || next === paused) return;
      paused = next;
      endpoint.setMode(paused ? 'paused' : 'up');
      if (paused) gossip.stop();
      else gossip.start();
    },
    roundMode(hung) {
      acting = false;
      gossip.stop();
      endpoint.setDropFraction(0);
      if (endpoint.mode() !== 'refuse') endpoint.setMode(hung ? 'hung' : 'up');
    },
    async reannounce() {
      // A fresh timestamp (one second past the last, at least) and a push to `fanout` peers.
      const timestamp = Math.max(Math.floor(Date.now() / 1000), announcement.timestamp + 1);
      announcement = sign(timestamp);
      const at = Date.now();
      gossip.publish(announcement);
      return { timestamp, at };
    },
    counters: () => {
      const g = gossip.counters();
      return { ...counters, gossipSent: g.sent + g.failed + g.pulls, gossipReceived: g.received, requestsReceived: endpoint.stats.received, requestsDropped: endpoint.stats.dropped };
    },
    load(list) {
      for (const a of list) {
        const key = a.ed25519PublicKey.toLowerCase();
        if (key !== identity.nodeId && directory.offer(a).accepted) peerUrls.set(key, directory.urlOf(key)!);
      }
    },
    takeSeen: () => seen.splice(0),
    async stop() {
      stopped = true;
      gossip.stop();
      await endpoint.close();
    },
  };
}
