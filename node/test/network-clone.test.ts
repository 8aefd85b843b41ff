/**
 * Real processes on loopback (anvil, 4 session-node processes seeded at genesis, the gateway)
 * replaying the cloned-identity attack: an outsider registers a node under an honest node's
 * ed25519 key (it cannot sign with it, so its registration proof is forged). Before the fix the
 * clone passed every peer test (peers probed the honest node's URL) and earned a full node's
 * rewards. Now every node flags it at once, votes it out with no grace, and the network
 * deregisters it, while the honest node keeps running with its whole stake.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { erc20Abi } from 'viem';
import { SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { readNode, stakingNet } from '../../contracts/test/staking-kit.ts';
import { registerSoloNodeCall } from '../../sdk/src/staking/calls.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, prepareNodes, seedPreparedNodes, spawnGateway, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { freePort } from '../../devnet/anvil.ts';
import { getJson, until } from '../../devnet/test-http.ts';

// Long windows: only an identity problem can make a vote within this test.

describe('a cloned ed25519 identity, real processes', { timeout: 240_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  let gateway: Supervised | undefined;
  let stopTicker = () => {};
  let gatewayUrl: string;

  const onChain = (nodeId: bigint) => readNode(stakingNet(sys), nodeId);

  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    dir = mkdtempSync(join(tmpdir(), 'sesh-clone-'));
    const deploymentsFile = join(dir, 'deployments.json');
    const admin = await sys.as(0);
    nodes = await prepareNodes({ dir, count: 4, deployments: sys.deployments, operator: admin.account.address });
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes));
    await seedPreparedNodes(admin, sys.deployments, nodes);
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    stopTicker = startTicker(sys.rpc, 1);
    const keyFile = join(dir, 'submitter.key');
    await gatewaySubmitter(sys.rpc, keyFile);
    for (const [i, node] of nodes.entries()) procs[i] = spawnNode(node, { deploymentsFile });
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile, port: await freePort(), checkpointInterval: 'off', extra: ['--deregistration-interval', '2s'] });
    [gatewayUrl] = await Promise.all([gateway.ready, ...procs.map((p) => p.ready)]);
  });

  after(async () => {
    stopTicker();
    await Promise.all([...procs.map((p) => p.stop()), gateway?.stop()]);
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers under node 1\'s ed25519 key with a forged proof: flagged by every node at once, voted out, deregistered; node 1 keeps running', async () => {
    // The attacker: another operator, with BLS keys of its own and a valid BLS proof of
    // possession, but node 1's ed25519 key (whose secret it does not have).
    const attacker = await sys.as(1);
    const [own] = await prepareNodes({ dir: join(dir, 'attacker'), count: 1, deployments: sys.deployments, operator: attacker.account.address });
    const clone = { ...own!.keys, ed25519Key: nodes[0]!.keys.ed25519Key };
    const staking = sys.deployments.contracts.SessionStaking!;
    const requirement = (await attacker.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
    const admin = await sys.as(0);
    await admin.send(sys.deployments.contracts.SESH!, erc20Abi, 'transfer', [attacker.account.address, requirement]);
    await attacker.send(sys.deployments.contracts.SESH!, erc20Abi, 'approve', [staking, requirement]);
    const call = registerSoloNodeCall(staking, { keys: clone, amount: requirement });
    await attacker.send(call.address, call.abi, call.functionName, call.args as unknown as readonly unknown[]);
    const cloneId = 5n;
    assert.equal((await onChain(cloneId)).status, 'Active', 'the contract accepts the registration (it does not verify ed25519)');

    // Every node flags it with the reason, though its peer tests pass (they reach node 1).
    await until('every node votes the clone out', async () => {
      const votes = await Promise.all(nodes.map(async (n) => ((await getJson(`${n.url}/peer/candidates`)).body.candidates as any[]).find((c) => c.nodeId === cloneId.toString())));
      return votes.every((v) => v?.candidate === true && /identity problem: .*ed25519/.test(v.reason));
    }, 30_000);
    await until('the clone deregistered on-chain', async () => (await onChain(cloneId)).status === 'Deregistered', 60_000);

    // Operators see it in Prometheus too: the node follows the chain, and the gateway's round reached quorum.
    const scrape = async (url: string) => (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    // The node follows the deregistration block a poll later than the chain has it.
    const nodeMetrics = await until('node 1 exports the clone out of the network key', async () => {
      const text = await scrape(nodes[0]!.url);
      return /^session_node_active_nodes 4$/m.test(text) ? text : undefined;
    }, 20_000);
    assert.match(nodeMetrics, /^session_node_chain_ok 1$/m);
    assert.ok(Number(/^session_node_chain_height (\d+)$/m.exec(nodeMetrics)?.[1]) > 0, 'chain height is exported');
    assert.match(nodeMetrics, /^session_node_http_requests_total\{route="\/peer\/candidates",method="GET",status="200"\} \d+$/m);
    assert.match(await scrape(gatewayUrl), /^gateway_last_round_ok 1$/m);

    // The honest node: running, whole stake, and nobody votes against it.
    const honest = await onChain(1n);
    assert.equal(honest.status, 'Active');
    assert.equal(honest.contributors.reduce((sum: bigint, c: { amount: bigint }) => sum + c.amount, 0n), requirement);
    for (const n of nodes) {
      const vote = ((await getJson(`${n.url}/peer/candidates`)).body.candidates as any[]).find((c) => c.nodeId === '1');
      assert.notEqual(vote?.candidate, true, `${n.url} votes against the honest node: ${JSON.stringify(vote)}`);
    }
  });
});
