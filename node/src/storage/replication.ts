/**
 * The replication part of a node, assembled: the forwarder a client request goes through
 * (replicate.ts), the handoff that moves and fills messages (handoff.ts), and the storage
 * test, both its routes and the tester's check (storage-check.ts). main.ts builds one after
 * the message database and the swarm view, mounts `routes`, hands `forward` to the RPC and
 * `checker` to the testing loop, and starts it after the first chain sync.
 */
import type { Hex } from 'viem';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { route, type Route } from '../../../core/http/server.ts';
import { accountsOf, createForwarder } from './replicate.ts';
import { createHandoff, type Handoff } from './handoff.ts';
import { createStorageChecker, storageCheckRoutes, type StorageChecker } from './storage-check.ts';
import { PROTOCOL_LIMITS } from './transfer.ts';
import type { Forwarder, MessageDb, SwarmView } from './types.ts';

/**
 * Misbehaviour for fault tests only (a node must be seen to fail the storage test):
 *  'drop-data'    the database is emptied at start and the node claims to be filled anyway;
 *  'wrong-proof'  storage tests are answered from zeroed data.
 */
export type StorageFault = 'drop-data' | 'wrong-proof';

export type Replication = { forward: Forwarder; handoff: Handoff; checker: StorageChecker; routes: Route[]; start: () => void; stop: () => void };

export function createReplication(o: {
  db: MessageDb;
  swarmView: SwarmView;
  identity: Ed25519Identity;
  urlOf: (ed25519: Hex) => string | undefined;
  /** The membership rules' test period: a storage sample is reused for one period. */
  testPeriodSec: number;
  /** Per peer request (default 3,000 ms). */
  timeoutMs?: number;
  /** A new member's time to fill before it is tested (default: 3 test periods, at least 20 s). */
  fillGraceMs?: number;
  /** Sampled messages are at least this old (default 20 s): younger ones may still be replicating. */
  minAgeMs?: number;
  dropDelayMs?: number;
  fault?: StorageFault;
  log?: (line: string) => void;
}): Replication {
  const timeoutMs = o.timeoutMs ?? 3_000;
  const minAgeMs = o.minAgeMs ?? 20_000;
  const fillGraceMs = o.fillGraceMs ?? Math.max(20_000, 3 * o.testPeriodSec * 1000);
  const handoff = createHandoff({ ...PROTOCOL_LIMITS, db: o.db, swarmView: o.swarmView, identity: o.identity, dropDelayMs: o.dropDelayMs, timeoutMs: timeoutMs * 2, skipFill: o.fault === 'drop-data', log: o.log });
  if (o.fault === 'drop-data') for (let page = o.db.accounts({ limit: 1000 }); page.length > 0; page = o.db.accounts({ limit: 1000 })) for (const a of page) o.db.deleteAll(a, 'all');
  const forward = createForwarder({
    swarmView: o.swarmView,
    identity: o.identity,
    timeoutMs,
    onMissed: (member, method, params) => accountsOf(method, params).forEach((account) => handoff.missed(member, account)),
    log: o.log,
  });
  const deps = { db: o.db, swarmView: o.swarmView, filled: handoff.filled, minAgeMs };
  const checker = createStorageChecker({ ...PROTOCOL_LIMITS, ...deps, identity: o.identity, urlOf: o.urlOf, timeoutMs, fillGraceMs, sampleTtlMs: o.testPeriodSec * 1000 });
  // What an operator (and the network tests) look at: this node's swarm, whether it is filled, what it moved.
  const status = route('GET', '/storage/status', () => {
    const mine = o.swarmView.mine();
    return { swarm: mine ? mine.id.toString(16) : null, members: mine?.members.map((m) => m.ed25519Key) ?? [], filled: handoff.filled(), ...o.db.stats(), handoff: handoff.counters() };
  });
  const routes = [status, ...handoff.routes, ...storageCheckRoutes({ ...deps, dishonest: o.fault === 'wrong-proof' ? 'wrong-proof' : undefined })];
  return { forward, handoff, checker, routes, start: handoff.start, stop: handoff.stop };
}
