/**
 * No single fan-out point (real processes: anvil, 4 session nodes, one gateway): node 1 also
 * runs rounds (--run-rounds, its own submitter key). The gateway is killed with kill -9; the
 * next checkpoint still lands, sent by the node's account, and while both ran, racing them
 * was harmless (epochs stay consecutive, nothing failed on the node's side but duplicates).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeEventLog, encodeFunctionData, type Address, type Hex } from 'viem';
import { StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, prepareNodes, seedPreparedNodes, spawnGateway, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { freePort } from '../../devnet/anvil.ts';
import { until } from '../../devnet/test-http.ts';

describe('a gateway killed with kill -9: a node running rounds lands the next checkpoint', { timeout: 240_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  let gateway: Supervised | undefined;
  let stopTicker = () => {};
  let nodeAccount: Address;
  let nodeLog: string;
  const rewards = () => sys.deployments.contracts.StakingRewards! as Address;
  const epoch = async () => BigInt(await sys.rpc<Hex>('eth_call', [{ to: rewards(), data: encodeFunctionData({ abi: StakingRewards.abi, functionName: 'epoch' }) }, 'latest']));

  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    dir = mkdtempSync(join(tmpdir(), 'sesh-failover-'));
    const deploymentsFile = join(dir, 'deployments.json');
    const { writeDeployments } = await import('../../sdk/src/deployments.ts');
    const admin = await sys.as(0);
    nodes = await prepareNodes({ dir, count: 4, deployments: sys.deployments, operator: admin.account.address });
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes));
    await seedPreparedNodes(admin, sys.deployments, nodes, [sys.accounts[1]!.address]);
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    await sys.increaseTime(25 * 3600);
    stopTicker = startTicker(sys.rpc, 1);
    const gatewayKey = join(dir, 'gateway.key');
    const nodeKey = join(dir, 'node-submitter.key');
    await gatewaySubmitter(sys.rpc, gatewayKey);
    nodeAccount = await gatewaySubmitter(sys.rpc, nodeKey);
    nodeLog = join(dir, 'node-0.log');
    await Promise.all(
      nodes.map((n, i) => {
        const runner = i === 0 ? ['--run-rounds', '--submitter-key-file', nodeKey, '--checkpoint-interval', '4s', '--rounds-step', '2s'] : [];
        procs[i] = spawnNode(n, { deploymentsFile, extra: runner, ...(i === 0 ? { logFile: nodeLog } : {}) });
        return procs[i]!.ready;
      }),
    );
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile: gatewayKey, port: await freePort(), checkpointInterval: '2s', extra: ['--deregistration-interval', 'off', '--commission-interval', 'off'] });
    await gateway.ready;
    await until('the first checkpoint', async () => (await epoch()) >= 1n, 90_000);
  });

  after(async () => {
    stopTicker();
    await Promise.all([...procs.map((p) => p?.stop()), gateway?.stop()]);
    await sys?.stop();
    if (dir && !process.env.KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`kept ${dir}`);
  });

  it('kill -9 the gateway; the next checkpoint lands, sent by the node', { timeout: 150_000 }, async () => {
    gateway!.child.kill('SIGKILL');
    await new Promise((r) => (gateway!.child.exitCode !== null || gateway!.child.signalCode !== null ? r(null) : gateway!.child.once('exit', r)));
    const killedAt = Number(BigInt(await sys.rpc<Hex>('eth_blockNumber')));
    const before = await epoch();
    await until('a checkpoint after the gateway died', async () => (await epoch()) > before, 120_000);
    // Who sent it: the RewardsAuthorised logs since the kill, and their transactions' senders.
    const logs = await sys.rpc<{ transactionHash: Hex; topics: [Hex, ...Hex[]]; data: Hex }[]>('eth_getLogs', [{ address: rewards(), fromBlock: `0x${(killedAt + 1).toString(16)}`, toBlock: 'latest' }]);
    const senders = new Set<string>();
    for (const log of logs) {
      let name: string | undefined;
      try {
        name = decodeEventLog({ abi: StakingRewards.abi, data: log.data, topics: log.topics }).eventName;
      } catch {
        continue;
      }
      if (name !== 'RewardsAuthorised') continue;
      senders.add((await sys.rpc<{ from: string }>('eth_getTransactionByHash', [log.transactionHash])).from.toLowerCase());
    }
    assert.deepEqual([...senders], [nodeAccount.toLowerCase()], 'every checkpoint after the kill came from the node running rounds');
    const log = readFileSync(nodeLog, 'utf8');
    assert.match(log, /rounds: checkpoint overdue by this node's offset/);
    // Racing the gateway earlier was harmless: nothing failed but what another runner had landed.
    assert.doesNotMatch(log, /rounds: checkpoint( epoch \d+)? failed(?!.*(EpochNotNext|authorised by another runner))/);
  });
});
