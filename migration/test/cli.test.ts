/** The CLI end to end: help, a refused config with its file:line, and the sample rehearsal as JSON. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'migration/cli.ts', ...args], { encoding: 'utf8' });

test('help, status and refused input', () => {
  const help = run('rehearse', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /npm run migration -- rehearse \[--config FILE\]/);
  const status = run('status', '--at', '2025-05-20T00:00:00Z');
  assert.equal(status.status, 0);
  assert.match(status.stdout, /Landing hardfork/);
  assert.match(status.stdout, /next: Migration grace period ends at 2025-05-26T00:00:00Z/);

  const dir = mkdtempSync(join(tmpdir(), 'migration-cli-'));
  try {
    const bad = join(dir, 'config.txt');
    writeFileSync(bad, readFileSync('migration/sample/config.txt', 'utf8').replace('tge               = 2025-05-28T00:00:00Z', 'tge               = 2025-01-01T00:00:00Z'));
    const r = run('status', '--config', bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: time goes backwards: tge`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rehearse --json on the shipped sample: progress on stderr, a conserving report on stdout', () => {
  const r = run('rehearse', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /TGE/);
  const report = JSON.parse(r.stdout);
  assert.equal(report.conservation.ok, true);
  assert.equal(report.conservation.sum, '240000000000000000');
  assert.equal(report.nodes.total, 40);
  assert.ok(report.nodes.migrated > 0 && report.nodes.recovered > 0 && report.nodes.decommissioned > 0);
});
