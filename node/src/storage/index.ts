/**
 * The node's storage, assembled: its message database under the data dir, the storage RPC
 * routes, the expiry sweep and its Prometheus gauges. main.ts calls createStorage once and
 * closes it on shutdown (the database is closed last, after the server stopped answering).
 */
import { join } from 'node:path';
import type { Metrics } from '../../../core/http/metrics.ts';
import type { Route } from '../../../core/http/server.ts';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { BATCH_MAX, MAX_MESSAGE_BASE64 } from '../../../sdk/src/storage/limits.ts';
import { openMessageDb, type OpenedMessageDb } from './db.ts';
import { storageRpcRoutes, type StorageContext } from './rpc.ts';
import { startExpirySweep } from './sweep.ts';
import type { Forwarder, SwarmView } from './types.ts';

export type StorageLimits = {
  /** Message bytes this node holds at most (data + hash of every message). */
  maxBytes: number;
  /** Message bytes one account may hold on this node. */
  maxAccountBytes: number;
};

/**
 * The storage route's body limit: a full batch of the largest stores (base64 data plus the
 * fields around each) with room to spare. Other routes keep the server's smaller limit.
 */
export const STORAGE_BODY_LIMIT = BATCH_MAX * (MAX_MESSAGE_BASE64 + 4096) + 64 * 1024;

export type Storage = {
  routes: Route[];
  db: OpenedMessageDb;
  context: StorageContext;
  /** Adds storage_messages, storage_bytes, storage_accounts and storage_file_bytes. */
  gauges: (metrics: Metrics) => void;
  /** Stops the sweep and closes the database (call after the server stopped). */
  close: () => void;
};

export function createStorage(options: {
  dataDir: string;
  identity: Ed25519Identity;
  swarmView: SwarmView;
  forward?: Forwarder;
  limits: StorageLimits;
  /** SQLite synchronous mode (db.ts explains the choice; default NORMAL). */
  synchronous?: 'NORMAL' | 'FULL';
  log: (line: string) => void;
  now?: () => number;
  sweepIntervalMs?: number;
}): Storage {
  const now = options.now ?? Date.now;
  const db = openMessageDb({ path: join(options.dataDir, 'storage', 'storage.db'), maxBytes: options.limits.maxBytes, maxAccountBytes: options.limits.maxAccountBytes, now, ...(options.synchronous ? { synchronous: options.synchronous } : {}) });
  const context: StorageContext = { db, swarmView: options.swarmView, identity: options.identity, now, log: options.log, ...(options.forward ? { forward: options.forward } : {}) };
  const sweep = startExpirySweep(db, { now, log: options.log, ...(options.sweepIntervalMs ? { intervalMs: options.sweepIntervalMs } : {}) });
  void sweep.sweepNow();
  return {
    routes: storageRpcRoutes(context, { bodyLimit: STORAGE_BODY_LIMIT }),
    db,
    context,
    gauges: (metrics) => {
      metrics.gauge('storage_messages', 'Messages this node stores (expired ones until the next sweep)', () => db.stats().messages);
      metrics.gauge('storage_bytes', 'Message bytes this node stores (data + hash), as its limits count them', () => db.stats().bytes);
      metrics.gauge('storage_accounts', 'Accounts with messages on this node', () => db.stats().accounts);
      metrics.gauge('storage_file_bytes', 'Bytes of the storage database file in use (SQLite pages)', () => db.fileBytes());
    },
    close: () => {
      sweep.stop();
      db.close();
    },
  };
}
