/**
 * The retrieve figure's dataset: `messages` messages spread evenly over `accounts` Session
 * accounts, written straight into a database file in the node's schema (openMessageDb makes
 * the file), then copied into each node's data dir before the node starts. Loading through
 * the RPC would take the bench's whole budget; the rows are the ones a store would write
 * (the anchor's message hash over the real account, data, timestamp and expiry), so reads
 * against them cost what reads of stored messages cost.
 *
 * Accounts come from fixed seeds, so the retrieve load can sign as their owners.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openMessageDb } from '../../node/src/storage/db.ts';
import { sessionKeysFromSeed, type SessionKeys } from '../../sdk/src/storage/account.ts';
import { messageHash } from '../../sdk/src/storage/message-hash.ts';

/** Where a node keeps its messages (node/src/storage/index.ts createStorage). */
export const nodeDbPath = (dataDir: string) => join(dataDir, 'storage', 'storage.db');

export function benchAccount(i: number): SessionKeys {
  return sessionKeysFromSeed(createHash('sha256').update(`bench-storage-account-${i}`).digest());
}

export type Dataset = { path: string; accounts: SessionKeys[]; messages: number; dataBytes: number; seconds: number; fileBytes: number };

export function buildDataset(options: { dir: string; accounts: number; messages: number; dataBytes: number; ttlMs: number; log: (line: string) => void }): Dataset {
  const started = performance.now();
  const path = join(options.dir, 'dataset.db');
  openMessageDb({ path, maxBytes: 64 * 1024 ** 3, maxAccountBytes: 64 * 1024 ** 3 }).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const accounts = Array.from({ length: options.accounts }, (_, i) => benchAccount(i));
  const addOwner = db.prepare<[string], { id: number }>('INSERT INTO owners (account) VALUES (?) RETURNING id');
  const insert = db.prepare('INSERT INTO messages (owner, namespace, hash, timestamp, expiry, data) VALUES (?, 0, ?, ?, ?, ?)');
  const owners = db.transaction(() => accounts.map((a) => addOwner.get(a.sessionId)!.id))();
  const now = Date.now();
  const batch = 20_000;
  const pool = randomBytes(options.dataBytes * 1024);
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const a = i % accounts.length;
      // Unique data per message (a counter over random bytes), so every hash differs.
      const data = Buffer.alloc(options.dataBytes);
      pool.copy(data, 0, (i * 7919) % (pool.length - options.dataBytes));
      data.writeUInt32BE(i >>> 0, 0);
      const timestamp = now - (options.messages - i);
      insert.run(owners[a]!, messageHash(accounts[a]!.account, 0, data), timestamp, timestamp + options.ttlMs, data);
    }
  });
  for (let from = 0; from < options.messages; from += batch) {
    load(from, Math.min(options.messages, from + batch));
    if ((from / batch) % 10 === 9) options.log(`dataset: ${from + batch} of ${options.messages} messages`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { path, accounts, messages: options.messages, dataBytes: options.dataBytes, seconds: (performance.now() - started) / 1000, fileBytes: statSync(path).size };
}

/** Puts a copy of the dataset where a node opens its database (before the node starts). */
export function installDataset(dataset: Dataset, dataDir: string): void {
  const target = nodeDbPath(dataDir);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(dataset.path, target);
}
