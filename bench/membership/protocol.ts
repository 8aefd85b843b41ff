/**
 * Messages between the bench's parent process and its workers (node IPC, JSON).
 * Times are wall-clock ms (Date.now()); every process runs on the same machine, same clock.
 */
import type { Hex } from 'viem';
import type { Announcement } from '../../sdk/src/network/announcement.ts';
import type { TestReport } from '../../sdk/src/network/test-report.ts';
import type { FaultConfig, DeadMode } from './faults.ts';

export type WorkerInit = {
  deploymentsFile: string;
  rpcUrl: string;
  seed: string;
  indices: number[];
  /** ed25519 keys whose re-announcements are timed. */
  watched: Hex[];
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

/** Identity `index` first accepted the announcement (key, timestamp) as fresh at `at`. */
export type AnnouncementSeen = { key: Hex; timestamp: number; index: number; at: number };

export type ToWorker =
  | { type: 'init'; init: WorkerInit }
  /** Every identity's first announcement, as a restarting node finds them in its saved directory. */
  | { type: 'load'; announcements: Announcement[] }
  /** Start announcing, gossiping and testing; `t0` is the testing start, fault schedules count from it. */
  | { type: 'start'; t0: number }
  /** Identity `index` announces again now (a fresh timestamp) and we watch it spread. */
  | { type: 'reannounce'; index: number }
  /** Round phase: faults off, exactly these urls hang. */
  | { type: 'hang'; urls: string[]; id: number }
  | { type: 'report' }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; identities: HostedIdentity[]; announcements: Announcement[] }
  | { type: 'loaded'; ms: number }
  /** Signed failure reports of this worker's testers, for the observer. */
  | { type: 'reports'; reports: TestReport[] }
  | { type: 'announced'; index: number; timestamp: number; at: number }
  | { type: 'hung'; id: number }
  | { type: 'report'; counters: IdentityCounters[]; seen: AnnouncementSeen[]; cpuMs: number; rssMb: number; errors: string[]; loopDelayMaxMs: number; loopDelayP99Ms: number }
  | { type: 'log'; line: string }
  | { type: 'stopped' };
