/**
 * npm run bench:storage, small: the whole path runs on real processes (anvil, a 5-node swarm,
 * the dataset, stores through the sdk client, retrieves, a join) and writes every field.
 * Only that the figures exist and are sane is checked here; the targets are for the full run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const FIELDS = ['storesPerSecond', 'sqliteInsertsPerSecond', 'ratio', 'retrieveP50Ms', 'retrieveP99Ms', 'messagesStored', 'rssMBPerNode', 'diskBytesPerMessage', 'joinFillSeconds'];

describe('npm run bench:storage (small)', () => {
  it('--help says what it measures', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/storage.ts', '--help'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /--small/);
    assert.match(run.stdout, /--messages N/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'bench/storage.ts', '--messages', 'lots'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /expected a positive integer, got lots/);
  });

  it('stores, retrieves, measures memory and disk, joins a node, and writes every field', { timeout: 600_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-bench-storage-test-'));
    try {
      const out = join(dir, 'storage.json');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/storage.ts', '--small', '--store-seconds', '3', '--retrieves', '100', '--out', out], { encoding: 'utf8' });
      const result = JSON.parse(readFileSync(out, 'utf8'));
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr.slice(-3000)}`);
      assert.deepEqual(result.missing, []);
      for (const field of FIELDS) {
        assert.ok(typeof result[field] === 'number' && result[field] > 0, `${field}: ${result[field]}`);
        assert.match(run.stdout, new RegExp(field));
      }
      assert.ok(result.messagesStored >= 20_000, 'the dataset is on the member, plus the stores');
      assert.equal(result.detail.retrieve.emptyAnswers, 0, 'every retrieve found the account’s messages');
      assert.equal(result.detail.stores.failed, 0);
      assert.equal(result.detail.stores.fullyReplicated, result.detail.stores.accepted, 'every accepted store reached every member');
      assert.deepEqual(new Set(result.detail.messagesPerNode).size, 1, 'every member holds the same messages');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
