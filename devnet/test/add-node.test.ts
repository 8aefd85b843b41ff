/**
 * `npm run devnet -- add-node` against a running devnet (3 genesis nodes, no portal): a real
 * process that registers a solo node from demo account #4 and starts session-node for it; the
 * node is on chain, answers /status as that node, and Ctrl-C stops it while the devnet runs on.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDevnet, type Devnet } from '../devnet.ts';
import { getJson, until } from '../test-http.ts';
import { decodeNodeRecord } from '../../sdk/src/staking/node-record.ts';
import { publicClientFor } from '../../sdk/src/clients.ts';
import { SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { demoAccount } from '../accounts.ts';

describe('npm run devnet -- add-node', { timeout: 170_000 }, () => {
  let devnet: Devnet;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesh-addnode-'));
    devnet = await startDevnet({ port: 0, nodes: 3, portal: false, dir: join(dir, 'devnet'), deploymentsFile: join(dir, 'local.json'), checkpointInterval: '1h' });
  });

  after(async () => {
    await devnet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers a solo node from demo #4, starts session-node for it, prints id, URL, log and command; Ctrl-C stops only it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'devnet/start.ts', 'add-node', '--deployments', devnet.deploymentsFile, '--from-account', '4', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until('add-node to start the node', async () => {
        if (child.exitCode !== null) assert.fail(`add-node exited early:\n${output}`);
        return output.includes('The node is running');
      }, 120_000, 300);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${output}`);
    }
    const nodeId = BigInt(/node id\s+(\d+)/.exec(output)![1]!);
    const url = /url\s+(http:\/\/\S+)/.exec(output)![1]!;
    const logFile = /log\s+(\S+)/.exec(output)![1]!;
    const command = /command\s+(.+)/.exec(output)![1]!;
    assert.equal(nodeId, 4n, 'the first node after the 3 genesis nodes');
    assert.ok(existsSync(logFile), logFile);
    assert.match(command, new RegExp(`^session-node --deployments \\S*local\\.json --data-dir \\S+ --http-port ${new URL(url).port} --public-host 127\\.0\\.0\\.1$`));

    // On chain: a running solo node whose operator is demo #4, with the ed25519 key the node serves.
    const { publicClient } = publicClientFor(devnet.anvil.chainId, devnet.anvil.rpcUrl);
    const raw = await publicClient.readContract({ address: devnet.deployments.contracts.SessionStaking!, abi: SessionStaking.abi, functionName: 'nodeRecord', args: [nodeId] });
    const record = decodeNodeRecord(raw as never);
    assert.equal(record.operator.toLowerCase(), demoAccount(4).address.toLowerCase());
    assert.equal(await publicClient.readContract({ address: devnet.deployments.contracts.SessionStaking!, abi: SessionStaking.abi, functionName: 'lastNodeId' }), 4n);
    const status = await until('the added node to see its registration', async () => {
      const s = await getJson(`${url}/status`);
      return s.body.node?.status === 'running' ? s.body : undefined;
    }, 30_000, 500);
    assert.equal(status.node.nodeId, '4');
    // It announced itself (no file edited): a genesis node's directory learns its URL.
    await until('a genesis node to learn the added node from its announcement', async () => {
      const list = await getJson(`${devnet.nodes[0]!.url}/network/announcements`);
      return list.body.announcements.some((a: { ed25519PublicKey: string; httpPort: number }) => a.ed25519PublicKey === status.ed25519PublicKey && a.httpPort === Number(new URL(url).port));
    }, 60_000, 1_000);
    const own = await until('the added node to hold its own announcement', async () => {
      const s = await getJson(`${url}/status`);
      return s.body.announcement.own ?? undefined;
    }, 30_000, 1_000);
    assert.equal(own.url, url);

    child.kill('SIGINT');
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${url}/status`), 'the node stopped with add-node');
    const genesis = await getJson(`${devnet.nodes[0]!.url}/health`);
    assert.equal(genesis.status, 200, 'the devnet keeps running');
  });
});
