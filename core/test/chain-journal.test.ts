import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Hex } from 'viem';
import { JOURNAL_FILE, JournalError, openJournal, type JournalBlock } from '../chain/journal.ts';

const id = { chainId: 31337, deployBlock: 5, filter: '0xabc' };
const h = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex;
const block = (n: number, logs = 0): JournalBlock => ({
  number: n,
  hash: h(n),
  parentHash: h(n - 1),
  timestamp: 1_000 + n,
  logs: Array.from({ length: logs }, (_, i) => ({ address: h(1).slice(0, 42) as Hex, topics: [h(7)], data: '0x', logIndex: i, transactionHash: h(n * 100 + i), transactionIndex: 0 })),
});

describe('chain journal', () => {
  const root = mkdtempSync(join(tmpdir(), 'sesh-journal-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const dir = () => join(root, String(n++));

  it('persists appended blocks and reopens them', () => {
    const d = dir();
    const j = openJournal(d, id);
    j.append([block(5, 2), block(9)]);
    j.append([block(12, 1)]);
    j.close();
    const again = openJournal(d, id);
    assert.deepEqual(again.blocks(), [block(5, 2), block(9), block(12, 1)]);
    assert.throws(() => again.append([block(12)]), /not above 12/);
    again.close();
  });

  it('drops a torn last line (crash mid-append) and repairs the file', () => {
    const d = dir();
    const j = openJournal(d, id);
    j.append([block(6, 1), block(7)]);
    j.close();
    const path = join(d, JOURNAL_FILE);
    const full = JSON.stringify(block(8, 3));
    appendFileSync(path, full.slice(0, full.length / 2));
    const again = openJournal(d, id);
    assert.deepEqual(again.blocks().map((b) => b.number), [6, 7]);
    assert.ok(readFileSync(path, 'utf8').endsWith('\n'), 'the torn tail is gone from disk');
    again.append([block(8, 3)]);
    again.close();
    assert.deepEqual(openJournal(d, id).blocks().map((b) => b.number), [6, 7, 8]);
  });

  it('cuts the journal at a damaged line; refuses a journal of another chain or filter', () => {
    const d = dir();
    const j = openJournal(d, id);
    j.append([block(6), block(7), block(8, 1)]);
    j.close();
    assert.throws(() => openJournal(d, { ...id, chainId: 1 }), (e: Error) => e instanceof JournalError && /belongs to chain 31337.*use another --data-dir/.test(e.message));
    assert.throws(() => openJournal(d, { ...id, filter: '0xdef' }), /filter 0xabc/);
    const path = join(d, JOURNAL_FILE);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = '{"number": 7, \u0000\u0000\u0000';
    writeFileSync(path, lines.join('\n'));
    const repaired = openJournal(d, id);
    assert.match(repaired.repaired!, /:3 is damaged; dropped it and the 1 lines after it/);
    assert.deepEqual(repaired.blocks().map((b) => b.number), [6], 'blocks after the damage are dropped too, to be fetched again');
    repaired.close();
    assert.deepEqual(openJournal(d, id).blocks().map((b) => b.number), [6], 'the repair is on disk');
    writeFileSync(path, 'not a header\n');
    assert.throws(() => openJournal(d, id), /not a journal header/);
  });

  it('truncates above a block and compacts old progress marks atomically, leaving no temp files', () => {
    const d = dir();
    const j = openJournal(d, id);
    j.append([block(5), block(6, 1), block(7), block(8), block(9, 2), block(10), block(11)]);
    j.truncateAbove(9);
    assert.deepEqual(j.blocks().map((b) => b.number), [5, 6, 7, 8, 9]);
    j.compact(1);
    assert.deepEqual(j.blocks().map((b) => b.number), [6, 8, 9], 'every block with logs and the newest mark stay');
    j.append([block(13)]);
    j.close();
    assert.deepEqual(openJournal(d, id).blocks().map((b) => b.number), [6, 8, 9, 13]);
    assert.deepEqual(readdirSync(d), [JOURNAL_FILE]);
  });
});
