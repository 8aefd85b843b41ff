/**
 * Messages between the bench's parent process and its workers (node IPC, JSON).
 * Times are wall-clock ms (Date.now()); every process runs on the same machine, same clock.
 */
import type { Hex } from 'viem';
import type { FaultConfig, DeadMode } from './faults.ts';

export type WorkerInit = {
  deploymentsFile: string;
  rpcUrl: string;
  seed: string;
  indices: number[];
  faults: FaultConfig;
  dead: [number, DeadMode][];
  pauses: [number, [number, number][]][];
};

export type HostedIdentity = { index: number; url: string; ed25519Key: Hex; nodeId: string };

/** Cumulative counters of one identity. */
export type IdentityCounters = {
  index: number;
  /** Test requests this identity sent as a tester. */
  probesSent: number;
  gossipSent: number;
  gossipReceived: number;
  requestsReceived: number;
  requestsDropped: number;
};

/** A judgment seen by an identity: `judged` (bench index) went FAILING (or back to passing) at `at`. */
export type JudgmentEvent = { judge: number; judged: number; verdict: 'failing' | 'passing'; at: number };

/** An identity first accepted announcement (origin, timestamp) as fresh at `at`. */
export type AnnouncementSeen = { origin: number; timestamp: number; index: number; at: number };

export type ToWorker =
  | { type: 'init'; init: WorkerInit }
  /** Start announcing, gossiping and testing; `t0` is the testing start, fault schedules count from it. */
  | { type: 'start'; t0: number }
  /** Identity `index` announces again now (a fresh timestamp) and we watch it spread. */
  | { type: 'reannounce'; index: number }
  /** Round phase: faults off, exactly these urls hang. */
  | { type: 'hang'; urls: string[]; id: number }
  | { type: 'report' }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; identities: HostedIdentity[] }
  | { type: 'announced'; index: number; timestamp: number; at: number }
  | { type: 'hung'; id: number }
  | { type: 'report'; counters: IdentityCounters[]; judgments: JudgmentEvent[]; seen: AnnouncementSeen[]; cpuMs: number; rssMb: number; errors: string[] }
  | { type: 'log'; line: string }
  | { type: 'stopped' };
