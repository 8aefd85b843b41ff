import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from './helpers.ts';

describe('npm run bench:programs (small input; the full size is too slow for CI)', () => {
  it('generates, runs the engine in a child process and writes both numbers', { timeout: 120_000 }, () => {
    const out = join(tempDir(), 'programs.json');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/programs.ts', '--nodes', '20', '--days', '3', '--out', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>;
    assert.deepEqual(Object.keys(result).sort(), ['bonusNodeSnapshotsPerSecond', 'bonusPeakMemoryMB']);
    assert.ok(result.bonusNodeSnapshotsPerSecond! > 0 && result.bonusPeakMemoryMB! > 0);
    assert.match(run.stdout, /1440 node-snapshots/);
  });
});
