import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

describe('npm run bench:gas', () => {
  it('measures every row on a real chain and writes bench/gas.json', { timeout: 600_000 }, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/gas.ts'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const rows = JSON.parse(readFileSync('bench/gas.json', 'utf8')) as Array<{ operation: string; gas: number; anchorGas: number | null }>;
    for (const operation of ['tokenTransfer', 'permit', 'poolPayout']) {
      const row = rows.find((r) => r.operation === operation);
      assert.ok(row, `missing row ${operation}`);
      assert.ok(Number.isInteger(row.gas) && row.gas > 21_000, `${operation}: ${row.gas}`);
      assert.ok(row.anchorGas === null || Number.isInteger(row.anchorGas));
      assert.match(run.stdout, new RegExp(operation));
    }
  });
});
