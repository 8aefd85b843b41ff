/**
 * The yardstick for storesPerSecond: a bare better-sqlite3 insert loop on this machine, in the
 * same run, into the node's own schema (the file is created by openMessageDb, so tables,
 * indexes and counting triggers are the node's), with the node's pragmas (WAL, synchronous
 * NORMAL) and one commit per message, as the node commits each store. No HTTP, no hashing,
 * no signatures, no replication: what is left is the disk and SQLite, so the ratio says how
 * much of the machine's write capacity the whole storage path delivers.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openMessageDb } from '../../node/src/storage/db.ts';

export type SqliteLoop = { inserts: number; seconds: number; insertsPerSecond: number };

export function bareSqliteInserts(options: { dir: string; count: number; dataBytes: number; accounts: number }): SqliteLoop {
  const path = join(options.dir, 'bare.db');
  openMessageDb({ path, maxBytes: 64 * 1024 ** 3, maxAccountBytes: 64 * 1024 ** 3 }).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const addOwner = db.prepare<[string], { id: number }>('INSERT INTO owners (account) VALUES (?) RETURNING id');
  const owners = Array.from({ length: options.accounts }, (_, i) => addOwner.get(`05${i.toString(16).padStart(64, '0')}`)!.id);
  const insert = db.prepare('INSERT INTO messages (owner, namespace, hash, timestamp, expiry, data) VALUES (?, 0, ?, ?, ?, ?)');
  const payloads = Array.from({ length: 64 }, () => randomBytes(options.dataBytes));
  const now = Date.now();
  const started = performance.now();
  for (let i = 0; i < options.count; i++) {
    // A unique 43-character hash, as the anchor's base64 BLAKE2b-256 is.
    const hash = `${i.toString(36).padStart(11, '0')}${'h'.repeat(32)}`;
    insert.run(owners[i % owners.length]!, hash, now, now + 86_400_000, payloads[i % payloads.length]!);
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { inserts: options.count, seconds, insertsPerSecond: options.count / seconds };
}
