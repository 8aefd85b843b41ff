import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

describe('npm run bench:network (small)', () => {
  it('measures the ledger and a real signing round, prints the table and writes the JSON fields', { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-bench-'));
    try {
      const out = join(dir, 'network.json');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/network.ts', '--small', '--rounds', '2', '--out', out], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(readFileSync(out, 'utf8'));
      for (const field of ['ledgerSeconds', 'signingRoundSeconds', 'signaturesPerSecond']) {
        assert.ok(typeof result[field] === 'number' && result[field] > 0, `${field}: ${result[field]}`);
        assert.match(run.stdout, new RegExp(field));
      }
      assert.equal(result.ledger.positions, 10_000);
      for (const r of result.round.rounds) assert.equal(r.signers, 40, 'every identity signed every round');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
