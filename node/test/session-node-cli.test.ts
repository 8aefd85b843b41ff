/** The session-node command: --help, and prepare-registration printing a payload the sdk (portal, CLI) accepts. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseRegistrationPayload } from '../../sdk/src/staking/registration.ts';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'node/src/main.ts', ...args], { encoding: 'utf8' });

describe('session-node command', () => {
  it('is an installed command: package.json bin, an executable launcher, npx session-node --help from the repository and the launcher from anywhere', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.equal(pkg.bin['session-node'], 'bin/session-node.mjs');
    const launcher = resolve('bin/session-node.mjs');
    assert.ok(statSync(launcher).mode & 0o100, 'the launcher is executable');
    assert.match(readFileSync(launcher, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const npx = spawnSync('npx', ['--no-install', 'session-node', '--help'], { encoding: 'utf8' });
    assert.equal(npx.status, 0, npx.stderr);
    assert.match(npx.stdout, /^Usage: session-node /);
    assert.match(npx.stdout, /--config FILE/);
    const elsewhere = mkdtempSync(join(tmpdir(), 'sesh-bin-'));
    try {
      const direct = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8', cwd: elsewhere });
      assert.equal(direct.status, 0, direct.stderr);
      assert.equal(direct.stdout, npx.stdout);
      const bad = spawnSync(process.execPath, [launcher, '--verbose'], { encoding: 'utf8', cwd: elsewhere });
      assert.equal(bad.status, 1, 'a refused option is a failing exit, through the launcher too');
      assert.match(bad.stderr, /unknown option --verbose/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('--help lists every option and the prepare-registration command', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    for (const option of ['--deployments', '--data-dir', '--http-port', '--rpc-url', '--public-host', '--public-port', '--run-rounds', '--extra-bls-key', 'prepare-registration']) assert.match(r.stdout, new RegExp(option));
  });

  it('prepare-registration creates 0600 keys once and prints a payload whose proof of possession verifies for that operator, chain and contract', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-node-cli-'));
    try {
      const deployments = join(dir, 'deployments.json');
      const staking = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0';
      writeFileSync(deployments, JSON.stringify({ network: 'x', chainId: 421614, rpcUrl: 'http://127.0.0.1:1', deployBlock: 0, contracts: { SessionStaking: staking } }));
      const operator = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
      const first = run('prepare-registration', '--operator', operator, '--deployments', deployments, '--data-dir', dir);
      assert.equal(first.status, 0, first.stderr);
      const payload = JSON.parse(first.stdout);
      const parsed = parseRegistrationPayload(first.stdout, { chainId: 421614, contract: staking });
      assert.equal(parsed.operator, operator);
      for (const file of ['bls.key', 'ed25519.key']) assert.equal(statSync(join(dir, 'keys', file)).mode & 0o777, 0o600);
      const again = JSON.parse(run('prepare-registration', '--operator', operator, '--deployments', deployments, '--data-dir', dir).stdout);
      assert.equal(again.blsPublicKey, payload.blsPublicKey, 'the same keys are reused');
      assert.throws(() => parseRegistrationPayload(first.stdout, { chainId: 1, contract: staking }), /proofOfPossession/);
      const bad = run('prepare-registration', '--operator', 'nope', '--deployments', deployments, '--data-dir', dir);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /--operator/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
