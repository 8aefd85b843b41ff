/**
 * One node's message store: an embedded SQLite database (better-sqlite3), as the anchor keeps
 * its messages (oxen-storage-server's storage/database.cpp), with our own schema and code.
 *
 * Why this shape:
 * - WAL journal, `synchronous = NORMAL` by default. In WAL mode a commit is a write() of the
 *   transaction's pages to the -wal file before the call returns; the operating system holds
 *   them even if this process dies at any instant, so `kill -9` (a process crash) cannot lose a
 *   committed message. What NORMAL gives up is the fsync per commit: a power loss or kernel
 *   crash may roll back the last commits (never corrupt the file). That is the anchor's choice
 *   too, and the swarm holds every message on several machines, so losing a machine's last
 *   second is repaired by its peers. `synchronous: 'FULL'` fsyncs every commit for operators
 *   who want the single node to survive power loss, at the cost of one fsync per store.
 * - Storage order is the integer primary key (rowid): paging with `last_hash` reads the rows
 *   after that message's id, through the index (owner, namespace), whose entries end with the
 *   rowid, so a page of an account never scans another account or the whole table.
 * - Size limits are counters kept by triggers in the same transaction as the row they count
 *   (per account in `owners`, per node in `totals`), so they are exact after any crash and a
 *   store checks them in O(1). Counted bytes are a message's data plus its hash; the database
 *   file carries SQLite's own overhead on top (see `fileBytes`), capped by max_page_count.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageRpcError } from '../../../sdk/src/storage/types.ts';
import type { MessageDb, NamespaceScope, StoredMessage } from './types.ts';

export type MessageDbOptions = {
  /** The database file (its directory is created); ':memory:' for a throwaway store. */
  path: string;
  /** The node's limit on stored message bytes (data + hash of every message). */
  maxBytes: number;
  /** The limit for one account's messages, same measure. */
  maxAccountBytes: number;
  /** 'NORMAL' (default): durable across process crashes; 'FULL': also across power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** The clock used when a call does not pass its own `nowMs` (tests move it). */
  now?: () => number;
};

export type OpenedMessageDb = MessageDb & {
  /** Bytes the database file occupies (pages in use × page size), SQLite overhead included. */
  fileBytes: () => number;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS owners (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL UNIQUE,
  messages INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  owner INTEGER NOT NULL REFERENCES owners(id),
  namespace INTEGER NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  timestamp INTEGER NOT NULL,
  expiry INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS totals (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  messages INTEGER NOT NULL,
  bytes INTEGER NOT NULL
);
INSERT OR IGNORE INTO totals (id, messages, bytes) VALUES (1, 0, 0);
CREATE INDEX IF NOT EXISTS messages_owner ON messages(owner, namespace);
CREATE INDEX IF NOT EXISTS messages_expiry ON messages(expiry);
CREATE TRIGGER IF NOT EXISTS messages_counted AFTER INSERT ON messages BEGIN
  UPDATE owners SET messages = messages + 1, bytes = bytes + length(NEW.data) + length(NEW.hash) WHERE id = NEW.owner;
  UPDATE totals SET messages = messages + 1, bytes = bytes + length(NEW.data) + length(NEW.hash) WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS messages_uncounted AFTER DELETE ON messages BEGIN
  UPDATE owners SET messages = messages - 1, bytes = bytes - length(OLD.data) - length(OLD.hash) WHERE id = OLD.owner;
  UPDATE totals SET messages = messages - 1, bytes = bytes - length(OLD.data) - length(OLD.hash) WHERE id = 1;
  DELETE FROM owners WHERE id = OLD.owner AND messages = 0;
END;
`;

/** One page of a namespace (exported so a test can check its query plan uses the owner index). */
export const PAGE_SQL = 'SELECT namespace, hash, timestamp, expiry, data, id FROM messages WHERE owner = ? AND namespace = ? AND id > ? AND expiry > ? ORDER BY id LIMIT ?';

type Affected = { namespace: number; hash: string };
type Row = { account: string; namespace: number; hash: string; timestamp: number; expiry: number; data: Buffer; id: number };

const toMessage = (r: Row): StoredMessage => ({ account: r.account, namespace: r.namespace, hash: r.hash, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength), timestamp: r.timestamp, expiry: r.expiry });
/** The anchor's public outbox namespaces: negative, with -n % 20 == 1. */
export const isPublicOutbox = (namespace: number) => namespace < 0 && -namespace % 20 === 1;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
/** SQLite's default limit on host parameters is 32766; hash lists are chunked well below it. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export function openMessageDb(options: MessageDbOptions): OpenedMessageDb {
  const synchronous = options.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') throw new Error(`synchronous must be NORMAL or FULL, got ${String(synchronous)}`);
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  const now = options.now ?? Date.now;
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 15000');
  // 32 MB of page cache (default 2 MB): the index pages of a million messages stay in it.
  db.pragma('cache_size = -32768');
  db.exec(SCHEMA);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  // A hard stop below the disk: counted bytes plus generous room for SQLite's own pages.
  db.pragma(`max_page_count = ${Math.ceil((options.maxBytes * 2 + 64 * 1024 * 1024) / pageSize)}`);

  const st = {
    owner: db.prepare<[string], { id: number; bytes: number }>('SELECT id, bytes FROM owners WHERE account = ?'),
    addOwner: db.prepare<[string], { id: number }>('INSERT INTO owners (account) VALUES (?) RETURNING id'),
    totals: db.prepare<[], { messages: number; bytes: number }>('SELECT messages, bytes FROM totals WHERE id = 1'),
    byHash: db.prepare<[string], { id: number; owner: number; expiry: number }>('SELECT id, owner, expiry FROM messages WHERE hash = ?'),
    extend: db.prepare<[number, number]>('UPDATE messages SET expiry = ? WHERE id = ?'),
    insert: db.prepare<[number, number, string, number, number, Buffer]>('INSERT INTO messages (owner, namespace, hash, timestamp, expiry, data) VALUES (?, ?, ?, ?, ?, ?)'),
    idInNamespace: db.prepare<[number, number, string], { id: number }>('SELECT id FROM messages WHERE owner = ? AND namespace = ? AND hash = ?'),
    page: db.prepare<[number, number, number, number, number], Omit<Row, 'account'>>(PAGE_SQL),
    deleteNs: db.prepare<[string, number], Affected>('DELETE FROM messages WHERE owner = (SELECT id FROM owners WHERE account = ?) AND namespace = ? RETURNING namespace, hash'),
    deleteAllNs: db.prepare<[string], Affected>('DELETE FROM messages WHERE owner = (SELECT id FROM owners WHERE account = ?) RETURNING namespace, hash'),
    deleteBeforeNs: db.prepare<[string, number, number], Affected>('DELETE FROM messages WHERE owner = (SELECT id FROM owners WHERE account = ?) AND namespace = ? AND timestamp <= ? RETURNING namespace, hash'),
    deleteBeforeAll: db.prepare<[string, number], Affected>('DELETE FROM messages WHERE owner = (SELECT id FROM owners WHERE account = ?) AND timestamp <= ? RETURNING namespace, hash'),
    // (better-sqlite3 binds only anonymous `?`, so a value used twice is passed twice.)
    expireAllNs: db.prepare<[number, string, number, number, number], Affected>('UPDATE messages SET expiry = ? WHERE owner = (SELECT id FROM owners WHERE account = ?) AND namespace = ? AND expiry > ? AND expiry > ? RETURNING namespace, hash'),
    expireAllAll: db.prepare<[number, string, number, number], Affected>('UPDATE messages SET expiry = ? WHERE owner = (SELECT id FROM owners WHERE account = ?) AND expiry > ? AND expiry > ? RETURNING namespace, hash'),
    accounts: db.prepare<[string, number, number], { account: string }>(
      'SELECT account FROM owners o WHERE account > ? AND EXISTS (SELECT 1 FROM messages m WHERE m.owner = o.id AND m.expiry > ?) ORDER BY account LIMIT ?',
    ),
    messagesOf: db.prepare<[string, number], Row>(
      'SELECT o.account, m.namespace, m.hash, m.timestamp, m.expiry, m.data, m.id FROM messages m JOIN owners o ON o.id = m.owner WHERE o.account = ? AND m.expiry > ? ORDER BY m.id',
    ),
    sweep: db.prepare<[number, number]>('DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE expiry <= ? LIMIT ?)'),
    clearOutbox: db.prepare<[string, number, string]>('DELETE FROM messages WHERE owner = (SELECT id FROM owners WHERE account = ?) AND namespace = ? AND hash != ?'),
    digestRows: db.prepare<[string, number], { hash: string; expiry: number }>('SELECT hash, expiry FROM messages WHERE owner = (SELECT id FROM owners WHERE account = ?) AND expiry > ?'),
    stats: db.prepare<[], { messages: number; bytes: number; accounts: number }>('SELECT messages, bytes, (SELECT COUNT(*) FROM owners) AS accounts FROM totals WHERE id = 1'),
    pages: db.prepare<[], { n: number }>('SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()) AS n'),
  };
  // Statements over a list of hashes, prepared once per list length (lists are chunked).
  const prepared = new Map<string, Database.Statement>();
  const withList = (kind: 'delete' | 'expiries' | 'expire-shorten' | 'expire-extend' | 'expire-any', n: number) => {
    const key = `${kind}:${n}`;
    let s = prepared.get(key);
    if (!s) {
      const list = Array(n).fill('?').join(',');
      const owner = 'owner = (SELECT id FROM owners WHERE account = ?)';
      const constraint = kind === 'expire-shorten' ? ' AND expiry > ?' : kind === 'expire-extend' ? ' AND expiry < ?' : ' AND ? IS NOT NULL';
      const sql =
        kind === 'delete' ? `DELETE FROM messages WHERE ${owner} AND hash IN (${list}) RETURNING hash`
        : kind === 'expiries' ? `SELECT hash, expiry FROM messages WHERE ${owner} AND hash IN (${list})`
        : `UPDATE messages SET expiry = ? WHERE ${owner} AND expiry > ?${constraint} AND hash IN (${list}) RETURNING hash, expiry`;
      s = db.prepare(sql);
      if (prepared.size > 64) prepared.clear();
      prepared.set(key, s);
    }
    return s;
  };

  const full = (reason: string): never => {
    throw new StorageRpcError(507, reason);
  };
  const sqliteFull = (error: unknown): never => {
    if ((error as { code?: string }).code === 'SQLITE_FULL') full('this node\'s database file is full (its page limit or the disk); retry at another member of the swarm');
    throw error;
  };

  const store = db.transaction((m: StoredMessage): { stored: boolean } => {
    // A public outbox (-21, -41, …: anyone reads it) holds only the owner's latest message, as at the anchor.
    if (isPublicOutbox(m.namespace)) st.clearOutbox.run(m.account, m.namespace, m.hash);
    const existing = st.byHash.get(m.hash);
    if (existing) {
      if (existing.expiry < m.expiry) st.extend.run(m.expiry, existing.id);
      return { stored: false };
    }
    const size = m.data.byteLength + m.hash.length;
    const totals = st.totals.get()!;
    if (totals.bytes + size > options.maxBytes) full(`this node is full: it holds ${mb(totals.bytes)} of messages and its limit is ${mb(options.maxBytes)} (--storage-max-mb); retry later or at another member of the swarm`);
    let owner = st.owner.get(m.account);
    if (owner && owner.bytes + size > options.maxAccountBytes) {
      full(`this account is full: it holds ${mb(owner.bytes)} of messages on this node and the per-account limit is ${mb(options.maxAccountBytes)}; delete or expire messages to make room`);
    }
    if (!owner && size > options.maxAccountBytes) full(`this message (${size} bytes) is larger than the per-account limit of ${mb(options.maxAccountBytes)}`);
    const ownerId = owner ? owner.id : st.addOwner.get(m.account)!.id;
    st.insert.run(ownerId, m.namespace, m.hash, m.timestamp, m.expiry, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    return { stored: true };
  });

  const groupTx = db.transaction((fn: () => unknown) => fn());

  // Group commit (storeCommitted): stores that arrive in the same turn of the event loop are
  // written in one transaction, each in its own savepoint (a refusal undoes only itself), and
  // each promise settles only after that one COMMIT returned, so nothing is acknowledged early.
  type Waiting = { m: StoredMessage; resolve: (r: { stored: boolean }) => void; reject: (e: unknown) => void };
  let waiting: Waiting[] = [];
  const asRefusal = (error: unknown): unknown => {
    try {
      return sqliteFull(error);
    } catch (e) {
      return e;
    }
  };
  const commitWaiting = () => {
    const batch = waiting;
    waiting = [];
    let outcomes: ({ ok: { stored: boolean } } | { error: unknown })[];
    try {
      outcomes = groupTx.immediate(() => batch.map((w) => {
        try {
          return { ok: store(w.m) };
        } catch (error) {
          return { error };
        }
      })) as typeof outcomes;
    } catch (error) {
      for (const w of batch) w.reject(asRefusal(error));
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if ('ok' in o) w.resolve(o.ok);
      else w.reject(asRefusal(o.error));
    });
  };

  const hashesOf = (rows: { hash: string }[]) => rows.map((r) => r.hash);
  const expireTx = db.transaction((account: string, hashes: readonly string[], expiryMs: number, mode: 'shorten' | 'extend' | 'any', nowMs: number) => {
    const out = new Map<string, number>();
    for (const part of chunks([...new Set(hashes)])) {
      const rows = withList(`expire-${mode}`, part.length).all(expiryMs, account, nowMs, expiryMs, ...part) as { hash: string; expiry: number }[];
      for (const r of rows) out.set(r.hash, r.expiry);
    }
    return out;
  });
  const deleteTx = db.transaction((account: string, hashes: readonly string[]) =>
    chunks([...new Set(hashes)]).flatMap((part) => hashesOf(withList('delete', part.length).all(account, ...part) as { hash: string }[])),
  );

  const deleteAllIn = (account: string, scope: NamespaceScope): Affected[] => (scope === 'all' ? st.deleteAllNs.all(account) : st.deleteNs.all(account, scope));
  const deleteBeforeIn = (account: string, scope: NamespaceScope, beforeMs: number): Affected[] =>
    scope === 'all' ? st.deleteBeforeAll.all(account, beforeMs) : st.deleteBeforeNs.all(account, scope, beforeMs);
  const expireAllIn = (account: string, scope: NamespaceScope, expiryMs: number): Affected[] =>
    scope === 'all' ? st.expireAllAll.all(expiryMs, account, expiryMs, now()) : st.expireAllNs.all(expiryMs, account, scope, expiryMs, now());

  return {
    store: (m) => {
      try {
        return store.immediate(m);
      } catch (error) {
        return sqliteFull(error);
      }
    },
    storeCommitted: (m) =>
      new Promise((resolve, reject) => {
        waiting.push({ m, resolve, reject });
        if (waiting.length === 1) setImmediate(commitWaiting);
      }),
    retrieve: (account, namespace, o = {}) => {
      const nowMs = o.nowMs ?? now();
      const owner = st.owner.get(account);
      if (!owner) return { messages: [], more: false };
      // As the anchor: an unknown last_hash reads from the start of the namespace.
      const after = o.lastHash ? (st.idInNamespace.get(owner.id, namespace, o.lastHash)?.id ?? 0) : 0;
      const limit = Math.max(1, o.limit ?? 1_000_000);
      const rows = st.page.all(owner.id, namespace, after, nowMs, Math.min(limit, 1_000_000) + 1);
      const messages: StoredMessage[] = [];
      let size = 0;
      let more = false;
      for (const r of rows) {
        if (messages.length >= limit) {
          more = true;
          break;
        }
        if (o.maxBytes !== undefined) {
          // The anchor's measure: a fixed overhead, the hash and the data as base64.
          size += 100 + r.hash.length + Math.ceil(r.data.byteLength / 3) * 4;
          if (messages.length > 0 && size > o.maxBytes) {
            more = true;
            break;
          }
        }
        messages.push(toMessage({ ...r, account }));
      }
      return { messages, more };
    },
    delete: (account, hashes) => (hashes.length === 0 ? [] : deleteTx.immediate(account, hashes)),
    deleteAll: (account, scope) => hashesOf(deleteAllIn(account, scope)),
    deleteBefore: (account, scope, beforeMs) => hashesOf(deleteBeforeIn(account, scope, beforeMs)),
    deleteAllIn,
    deleteBeforeIn,
    expireAllIn,
    expire: (account, hashes, expiryMs, mode) => (hashes.length === 0 ? new Map() : expireTx.immediate(account, hashes, expiryMs, mode, now())),
    expireAll: (account, scope, expiryMs) => hashesOf(expireAllIn(account, scope, expiryMs)),
    getExpiries: (account, hashes) => {
      const out = new Map<string, number>();
      const nowMs = now();
      for (const part of chunks([...new Set(hashes)])) {
        for (const r of withList('expiries', part.length).all(account, ...part) as { hash: string; expiry: number }[]) if (r.expiry > nowMs) out.set(r.hash, r.expiry);
      }
      return out;
    },
    accounts: (o = {}) => st.accounts.all(o.after ?? '', now(), Math.max(1, o.limit ?? 1000)).map((r) => r.account),
    messagesOf: (account) => st.messagesOf.all(account, now()).map(toMessage),
    sweepExpired: (nowMs, limit = Number.MAX_SAFE_INTEGER) => st.sweep.run(nowMs, limit).changes,
    stats: () => {
      const s = st.stats.get()!;
      return { messages: s.messages, accounts: s.accounts, bytes: s.bytes };
    },
    group: <T>(fn: () => T): T => {
      try {
        return groupTx.immediate(fn) as T;
      } catch (error) {
        return sqliteFull(error);
      }
    },
    digestOf: (account) => {
      // Sorted, so two members that received the same messages in another order agree.
      const items = st.digestRows.all(account, now()).map((r) => `${r.hash}:${r.expiry}`).sort();
      return { messages: items.length, digest: createHash('sha256').update(items.join('\n')).digest('base64') };
    },
    fileBytes: () => st.pages.get()!.n * pageSize,
    close: () => {
      if (db.open) db.close();
    },
  };
}
