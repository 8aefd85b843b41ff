/**
 * Real processes: anvil with the system deployed, a solo node registered from a demo account
 * (the sdk calls the portal sends), its session-node started through the installed launcher,
 * and `session-node status` asked about it, by --url and by --config; then the node stopped
 * and status saying so with a non-zero exit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { erc20Abi } from 'viem';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { registerSoloNode, type RegisteredNode } from '../../devnet/add-node.ts';
import { superviseScript, type Supervised } from '../../devnet/processes.ts';
import { freePort } from '../../devnet/anvil.ts';
import { getJson, until } from '../../devnet/test-http.ts';
import { sesh } from '../../sdk/src/units.ts';

const launcher = resolve('bin/session-node.mjs');
/** Runs the launcher to the end; resolves with its exit code and output. */
const sessionNode = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [launcher, ...args], { env: { ...process.env, SESSION_NODE_CONFIG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });

describe('session-node status against a real node', { timeout: 150_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let node: RegisteredNode;
  let proc: Supervised;
  let url: string;
  let configFile: string;

  before(async () => {
    sys = await startLocalSystem();
    dir = mkdtempSync(join(tmpdir(), 'sesh-status-'));
    const deploymentsFile = join(dir, 'deployments.json');
    writeDeployments(deploymentsFile, sys.deployments);
    const admin = await sys.as(0);
    await admin.send(sys.deployments.contracts.SESH!, erc20Abi, 'transfer', [sys.accounts[2]!.address, sesh(100_000)]);
    node = await registerSoloNode({ deployments: sys.deployments, privateKey: sys.accounts[2]!.privateKey, dataDir: join(dir, 'node') });
    const port = await freePort();
    // The way an operator runs it: a config file with relative paths.
    configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ deployments: 'deployments.json', 'data-dir': 'node', 'http-port': port }));
    proc = superviseScript('node', launcher, ['--config', configFile]);
    url = await proc.ready;
  });

  after(async () => {
    await proc?.stop();
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints registration, rewards and sync in words (by --url and by --config), and exits non-zero once the node is gone', async () => {
    // The node has followed the chain past the registration.
    // (The node counts a block once another is on top: mine while waiting.)
    let last: unknown;
    const json = await until('the node to see its registration', async () => {
      await sys.rpc('evm_mine');
      const s = await getJson(`${url}/status`);
      last = s.body;
      return s.body.node?.status === 'running' ? s.body : undefined;
    }, 40_000, 500).catch((e: Error) => assert.fail(`${e.message}; last status ${JSON.stringify(last)}`));
    assert.equal(json.node.nodeId, node.nodeId.toString());
    assert.equal(json.node.operator.toLowerCase(), sys.accounts[2]!.address.toLowerCase());
    assert.equal(json.ed25519PublicKey, node.ed25519);
    assert.equal(json.chain.chainId, sys.deployments.chainId);
    assert.deepEqual(json.rewards.accounts.map((a: { role: string; account: string }) => [a.role, a.account]), [['operator', sys.accounts[2]!.address.toLowerCase()]]);

    const byUrl = await sessionNode(['status', '--url', url]);
    assert.equal(byUrl.code, 0, byUrl.stderr);
    assert.match(byUrl.stdout, new RegExp(`registered: node ${node.nodeId}, active`));
    assert.match(byUrl.stdout, new RegExp(`operator ${sys.accounts[2]!.address}, fee 0%`));
    assert.match(byUrl.stdout, /healthy: commissioned\n/);
    assert.match(byUrl.stdout, /Tests\n {2}(no testers assigned to this node right now|tested by \d+)/, 'the testing module reports (a lone node has no testers)');
    assert.match(byUrl.stdout, /Announcement\n {2}(announced at http|not announced yet)/);
    assert.match(byUrl.stdout, /downtime credit left: 2h( \d+[ms])*\n/, 'a new node starts with the initial credit (2 h on a real network)');
    assert.match(byUrl.stdout, /the node has earned 0 SESH in the ledger \(no checkpoint landed yet/);
    assert.match(byUrl.stdout, new RegExp(`following chain ${sys.deployments.chainId}: at block \\d+, head \\d+`));
    const byConfig = await sessionNode(['status'], { SESSION_NODE_CONFIG: configFile });
    assert.equal(byConfig.code, 0, byConfig.stderr);
    assert.match(byConfig.stdout, new RegExp(`registered: node ${node.nodeId}, active`));

    await proc.stop();
    const gone = await sessionNode(['status', '--url', url]);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, new RegExp(`the node at ${url} is not reachable \\(ECONNREFUSED\\)\\. Is session-node running\\?`));
    assert.equal(gone.stdout, '');
  });
});
