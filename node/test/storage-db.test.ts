import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { StorageRpcError } from '../../sdk/src/storage/types.ts';
import Database from 'better-sqlite3';
import { openMessageDb, PAGE_SQL, type MessageDbOptions } from '../src/storage/db.ts';
import type { StoredMessage } from '../src/storage/types.ts';
import { startExpirySweep, SWEEP_CHUNK } from '../src/storage/sweep.ts';

const dir = mkdtempSync(join(tmpdir(), 'storage-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = (o: Partial<MessageDbOptions> = {}) => openMessageDb({ path: join(dir, `db-${n++}`, 'storage.db'), maxBytes: 10 * 1024 * 1024, maxAccountBytes: 1024 * 1024, ...o });

const A = '05' + 'aa'.repeat(32);
const B = '05' + 'bb'.repeat(32);
const T0 = Date.now();
let seq = 0;
const msg = (o: Partial<StoredMessage> = {}): StoredMessage => ({
  account: A,
  namespace: 0,
  hash: `h${String(seq++).padStart(6, '0')}`,
  data: randomBytes(100),
  timestamp: T0,
  expiry: T0 + 3_600_000,
  ...o,
});
const hashes = (ms: { hash: string }[]) => ms.map((m) => m.hash);

describe('message db', () => {
  it('stores, deduplicates by hash and extends (never shortens) the expiry of a duplicate', () => {
    const db = open();
    const m = msg();
    assert.deepEqual(db.store(m), { stored: true });
    assert.deepEqual(db.store({ ...m, expiry: m.expiry - 1000 }), { stored: false });
    assert.equal(db.getExpiries(A, [m.hash]).get(m.hash), m.expiry);
    assert.deepEqual(db.store({ ...m, expiry: m.expiry + 1000 }), { stored: false });
    assert.equal(db.getExpiries(A, [m.hash]).get(m.hash), m.expiry + 1000);
    const got = db.retrieve(A, 0).messages;
    assert.equal(got.length, 1);
    assert.deepEqual(Buffer.from(got[0]!.data), Buffer.from(m.data));
    assert.deepEqual({ ...got[0]!, data: undefined }, { ...m, expiry: m.expiry + 1000, data: undefined });
    assert.deepEqual(db.stats(), { messages: 1, accounts: 1, bytes: 100 + m.hash.length });
    db.close();
  });

  it('keeps only the latest message in a public outbox namespace (-21), as the anchor', () => {
    const db = open();
    const [first, second] = [msg({ namespace: -21 }), msg({ namespace: -21 })];
    const other = msg({ namespace: -20 });
    for (const m of [first!, other, second!]) db.store(m);
    assert.deepEqual(hashes(db.retrieve(A, -21).messages), [second!.hash]);
    assert.deepEqual(hashes(db.retrieve(A, -20).messages), [other.hash], 'other namespaces keep all');
    assert.deepEqual(db.store(second!), { stored: false }, 'storing the same one again keeps it');
    assert.deepEqual(hashes(db.retrieve(A, -21).messages), [second!.hash]);
    db.close();
  });

  it('retrieves one namespace in storage order and pages with last_hash, limit and maxBytes', () => {
    const db = open();
    const stored = Array.from({ length: 10 }, (_, i) => msg({ namespace: i % 2 === 0 ? 0 : -5, timestamp: T0 - i }));
    for (const m of stored) db.store(m);
    db.store(msg({ account: B }));
    const ns0 = hashes(stored.filter((m) => m.namespace === 0));
    assert.deepEqual(hashes(db.retrieve(A, 0).messages), ns0);
    assert.deepEqual(hashes(db.retrieve(A, -5).messages), hashes(stored.filter((m) => m.namespace === -5)));
    const page1 = db.retrieve(A, 0, { limit: 2 });
    assert.deepEqual([hashes(page1.messages), page1.more], [ns0.slice(0, 2), true]);
    const page2 = db.retrieve(A, 0, { limit: 2, lastHash: ns0[1] });
    assert.deepEqual([hashes(page2.messages), page2.more], [ns0.slice(2, 4), true]);
    const last = db.retrieve(A, 0, { limit: 2, lastHash: ns0[3] });
    assert.deepEqual([hashes(last.messages), last.more], [ns0.slice(4), false]);
    // An unknown last hash reads from the start, as the anchor does.
    assert.deepEqual(hashes(db.retrieve(A, 0, { lastHash: 'nope' }).messages), ns0);
    // 100 bytes of data are 136 base64 chars, + hash + 100 overhead ≈ 243 each: two fit in 500.
    const sized = db.retrieve(A, 0, { maxBytes: 500 });
    assert.deepEqual([sized.messages.length, sized.more], [2, true]);
    assert.equal(db.retrieve(A, 0, { maxBytes: 1 }).messages.length, 1, 'the first message is returned even if alone it is too big');
    assert.deepEqual(db.retrieve('05' + 'cc'.repeat(32), 0), { messages: [], more: false });
    db.close();
  });

  it('deletes by hash, all, per namespace and before a timestamp, only within the account', () => {
    const db = open();
    const a = [msg({ timestamp: 100 }), msg({ timestamp: 200 }), msg({ namespace: 3, timestamp: 300 }), msg({ namespace: 3, timestamp: 400 })];
    const b = msg({ account: B });
    for (const m of [...a, b]) db.store(m);
    assert.deepEqual(db.delete(A, [a[0]!.hash, b.hash, 'missing']), [a[0]!.hash]);
    assert.deepEqual(db.delete(A, []), []);
    assert.deepEqual(db.deleteBefore(A, 3, 300), [a[2]!.hash]);
    assert.deepEqual(db.deleteBefore(A, 'all', 250), [a[1]!.hash]);
    db.store(a[0]!);
    assert.deepEqual(db.deleteAll(A, 3).sort(), [a[3]!.hash]);
    assert.deepEqual(db.deleteAll(A, 'all'), [a[0]!.hash]);
    assert.deepEqual(db.stats(), { messages: 1, accounts: 1, bytes: 100 + b.hash.length });
    assert.deepEqual(hashes(db.retrieve(B, 0).messages), [b.hash]);
    db.close();
  });

  it('expire shortens, extends or sets as asked, expireAll only lowers, getExpiries agrees', () => {
    const db = open();
    const [m1, m2, m3] = [msg(), msg(), msg({ namespace: 7 })];
    for (const m of [m1!, m2!, m3!]) db.store(m);
    const later = m1!.expiry + 60_000;
    const sooner = m1!.expiry - 60_000;
    assert.deepEqual(db.expire(A, [m1!.hash], later, 'shorten'), new Map());
    assert.deepEqual(db.expire(A, [m1!.hash, m2!.hash], sooner, 'shorten'), new Map([[m1!.hash, sooner], [m2!.hash, sooner]]));
    assert.deepEqual(db.expire(A, [m1!.hash], sooner - 1, 'extend'), new Map());
    assert.deepEqual(db.expire(A, [m1!.hash], later, 'extend'), new Map([[m1!.hash, later]]));
    assert.deepEqual(db.expire(A, [m2!.hash], later, 'any'), new Map([[m2!.hash, later]]));
    assert.deepEqual(db.expire(B, [m2!.hash], sooner, 'any'), new Map(), 'another account cannot touch it');
    assert.deepEqual(db.expireAll(A, 7, m3!.expiry + 1), []);
    assert.deepEqual(db.expireAll(A, 7, sooner), [m3!.hash]);
    assert.deepEqual(db.expireAll(A, 'all', sooner).sort(), [m1!.hash, m2!.hash].sort());
    assert.deepEqual(db.getExpiries(A, [m1!.hash, m2!.hash, m3!.hash, 'missing']), new Map([[m1!.hash, sooner], [m2!.hash, sooner], [m3!.hash, sooner]]));
    db.close();
  });

  it('hides and sweeps expired messages', () => {
    let clock = T0;
    const db = open({ now: () => clock });
    const short = msg({ expiry: T0 + 1000 });
    const long = msg({ account: B, expiry: T0 + 5000 });
    db.store(short);
    db.store(long);
    assert.deepEqual(db.accounts(), [A, B]);
    clock = T0 + 2000;
    assert.deepEqual(db.retrieve(A, 0).messages, []);
    assert.deepEqual(db.getExpiries(A, [short.hash]), new Map());
    assert.deepEqual(db.messagesOf(A), []);
    assert.deepEqual(db.accounts(), [B], 'an account with only expired messages is not offered to handoff');
    assert.equal(db.stats().messages, 2, 'still on disk until the sweep');
    assert.equal(db.sweepExpired(clock), 1);
    assert.deepEqual(db.stats(), { messages: 1, accounts: 1, bytes: long.data.length + long.hash.length });
    assert.equal(db.sweepExpired(clock), 0);
    db.close();
  });

  it('the sweep timer reclaims a mass expiry in chunks, yielding between them', async () => {
    let clock = T0;
    const db = open({ now: () => clock, maxBytes: 1e9, maxAccountBytes: 1e9 });
    const n = SWEEP_CHUNK * 2 + 10;
    for (let i = 0; i < n; i++) db.store(msg({ account: i % 2 ? A : B, data: randomBytes(8), expiry: T0 + 1000 }));
    db.store(msg({ expiry: T0 + 60_000 }));
    const chunks: number[] = [];
    const counted = { ...db, sweepExpired: (nowMs: number, limit?: number) => { const k = db.sweepExpired(nowMs, limit); chunks.push(k); return k; } };
    const sweep = startExpirySweep(counted, { now: () => clock, intervalMs: 3_600_000 });
    clock = T0 + 2000;
    let other = 0;
    setImmediate(() => other++); // another task, queued before the sweep's second chunk
    const swept = await sweep.sweepNow();
    sweep.stop();
    assert.equal(swept, n);
    assert.deepEqual(chunks, [SWEEP_CHUNK, SWEEP_CHUNK, 10]);
    assert.equal(other, 1, 'other work ran between the chunks');
    assert.equal(db.stats().messages, 1);
    db.close();
  });

  it('lists accounts a page at a time and every message of an account', () => {
    const db = open();
    const accounts = Array.from({ length: 7 }, (_, i) => '05' + i.toString(16).padStart(2, '0').repeat(32));
    for (const account of accounts) for (const namespace of [0, 1]) db.store(msg({ account, namespace }));
    const seen: string[] = [];
    for (let page = db.accounts({ limit: 3 }); page.length > 0; page = db.accounts({ after: page.at(-1), limit: 3 })) seen.push(...page);
    assert.deepEqual(seen, accounts);
    assert.deepEqual(db.messagesOf(accounts[2]!).map((m) => m.namespace), [0, 1]);
    db.close();
  });

  it('refuses with 507 and the limit when an account or the node is full, storing nothing', () => {
    const db = open({ maxAccountBytes: 1000, maxBytes: 2300 });
    const big = (account: string) => msg({ account, data: randomBytes(400) });
    db.store(big(A));
    db.store(big(A));
    const before = db.stats();
    assert.throws(() => db.store(big(A)), (e: unknown) => e instanceof StorageRpcError && e.status === 507 && /account is full.*per-account limit/.test(e.reason));
    assert.deepEqual(db.stats(), before);
    db.store(big(B));
    db.store(big(B));
    db.store(msg({ account: '05' + 'cc'.repeat(32), data: randomBytes(300) }));
    assert.throws(() => db.store(msg({ account: '05' + 'dd'.repeat(32), data: randomBytes(400) })), (e: unknown) => e instanceof StorageRpcError && e.status === 507 && /node is full.*--storage-max-mb/.test(e.reason));
    assert.throws(() => db.store(msg({ account: '05' + 'ee'.repeat(32), data: randomBytes(2000) })), (e: unknown) => e instanceof StorageRpcError && e.status === 507);
    // Deleting makes room again.
    db.deleteAll(A, 'all');
    assert.deepEqual(db.store(big(A)), { stored: true });
    db.close();
  });

  it('paging with any limits returns exactly the live messages of the namespace, in storage order (property)', () => {
    const db = open({ maxAccountBytes: 1e9, maxBytes: 1e9 });
    let round = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ ns: fc.constantFrom(-2, 0, 1, 2, 3), del: fc.boolean() }) /* not -1: an outbox keeps only its latest */, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (ops, limit) => {
          const account = '05' + (round++).toString(16).padStart(64, '0');
          const kept: StoredMessage[] = [];
          for (const op of ops) {
            const m = msg({ account, namespace: op.ns, data: randomBytes(10) });
            db.store(m);
            if (op.del) db.delete(account, [m.hash]);
            else kept.push(m);
          }
          for (const ns of [-2, 0, 1, 2, 3]) {
            const seen: string[] = [];
            let last: string | undefined;
            for (let page = db.retrieve(account, ns, { limit }); ; page = db.retrieve(account, ns, { limit, lastHash: last })) {
              seen.push(...hashes(page.messages));
              last = page.messages.at(-1)?.hash;
              if (!page.more) break;
            }
            assert.deepEqual(seen, hashes(kept.filter((m) => m.namespace === ns)));
          }
        },
      ),
      { numRuns: 100 },
    );
    db.close();
  });

  it('a page reads through the (owner, namespace) index in id order: no table scan, no sort', () => {
    const path = join(dir, 'plan', 'storage.db');
    openMessageDb({ path, maxBytes: 1e7, maxAccountBytes: 1e6 }).close();
    const raw = new Database(path, { readonly: true });
    const plan = raw.prepare(`EXPLAIN QUERY PLAN ${PAGE_SQL}`).all(1, 0, 0, 0, 10).map((r) => (r as { detail: string }).detail).join(' | ');
    raw.close();
    assert.match(plan, /SEARCH messages USING INDEX messages_owner \(owner=\? AND namespace=\? AND rowid>\?\)/, plan);
    assert.doesNotMatch(plan, /SCAN|TEMP B-TREE/, plan);
  });

  it('opens with synchronous FULL (fsync per commit) too, and refuses any other mode', () => {
    const db = open({ synchronous: 'FULL' });
    assert.deepEqual(db.store(msg()), { stored: true });
    db.close();
    assert.throws(() => open({ synchronous: 'OFF' as 'FULL' }), /synchronous must be NORMAL or FULL/);
  });

  it('keeps its data across close and reopen', () => {
    const path = join(dir, 'reopen', 'storage.db');
    const first = openMessageDb({ path, maxBytes: 1e7, maxAccountBytes: 1e6 });
    const m = msg();
    first.store(m);
    first.close();
    const second = openMessageDb({ path, maxBytes: 1e7, maxAccountBytes: 1e6 });
    assert.deepEqual(hashes(second.retrieve(A, 0).messages), [m.hash]);
    assert.deepEqual(second.stats(), { messages: 1, accounts: 1, bytes: 100 + m.hash.length });
    second.close();
  });

  it('loses no acknowledged message when the writer is killed with SIGKILL at a random moment', async () => {
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `kill-${round}`, 'storage.db');
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./storage-db-child.ts', import.meta.url)), path, A], { stdio: ['ignore', 'pipe', 'inherit'] });
      const acknowledged: string[] = [];
      let buffered = '';
      let ready = false;
      const killAfterMs = 150 + Math.floor(Math.random() * 400);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            if (line === 'ready') {
              ready = true;
              setTimeout(() => child.kill('SIGKILL'), killAfterMs);
            } else acknowledged.push(line);
          }
        });
        child.on('exit', (code, signal) => (signal === 'SIGKILL' && ready ? resolve() : reject(new Error(`writer exited early: ${code} ${signal}`))));
      });
      assert.ok(acknowledged.length > 20, `the writer acknowledged only ${acknowledged.length} messages before the kill`);
      const db = openMessageDb({ path, maxBytes: 1024 * 1024 * 1024, maxAccountBytes: 1024 * 1024 * 1024 });
      const present = new Set([0, 1, 2].flatMap((ns) => hashes(db.retrieve(A, ns).messages)));
      const lost = acknowledged.filter((h) => !present.has(h));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged messages were lost`);
      assert.ok(present.size >= acknowledged.length && present.size <= acknowledged.length + 1, 'at most the one in flight is extra');
      assert.equal(db.stats().messages, present.size, 'the counters agree with the rows after the crash');
      db.close();
    }
  });
});
