/**
 * The decommission ladder with real processes (anvil, 5 session-node processes, a gateway
 * running checkpoint and commission rounds), short rules in the deployments file:
 *  (i) a node killed (SIGKILL) past decommissionAfterSec is decommissioned on chain, is
 *      recommissioned once restarted, and keeps its whole stake;
 *  (iii) a free rider (answers probes, never signs a checkpoint) is decommissioned after
 *      missedCheckpointsToFail landed checkpoints without it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFunctionData, type Abi, type Hex } from 'viem';
import { SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { readNode, stakingNet } from '../../contracts/test/staking-kit.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, prepareNodes, seedPreparedNodes, spawnGateway, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { freePort } from '../../devnet/anvil.ts';
import { getJson, postJson, until } from '../../devnet/test-http.ts';
import { DEVNET_RULES, type MembershipRules } from '../../sdk/src/network/rules.ts';

const RULES: MembershipRules = { ...DEVNET_RULES, testPeriodSec: 10, decommissionAfterSec: 30, recommissionAfterSec: 20, creditInitialSec: 3600, creditMaxSec: 86400 };

describe('decommission ladder, real processes', { timeout: 300_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  let gateway: Supervised | undefined;
  let stopTicker = () => {};
  let deploymentsFile: string;

  const startNode = (i: number, env: Record<string, string> = {}) => {
    procs[i] = spawnNode(nodes[i]!, { deploymentsFile, env });
    return procs[i]!.ready;
  };
  const isDecommissioned = async (nodeId: bigint) =>
    BigInt(await sys.rpc<Hex>('eth_call', [{ to: sys.deployments.contracts.SessionStaking!, data: encodeFunctionData({ abi: SessionStaking.abi as Abi, functionName: 'isDecommissioned', args: [nodeId] }) }, 'latest'])) === 1n;
  const onChain = (nodeId: bigint) => readNode(stakingNet(sys), nodeId);
  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    dir = mkdtempSync(join(tmpdir(), 'sesh-decommission-'));
    deploymentsFile = join(dir, 'deployments.json');
    const admin = await sys.as(0);
    nodes = await prepareNodes({ dir, count: 5, deployments: sys.deployments, operator: admin.account.address });
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes, RULES));
    await seedPreparedNodes(admin, sys.deployments, nodes);
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    // Rewards to release, so checkpoints land (and name their non-signers).
    await sys.increaseTime(25 * 3600);
    stopTicker = startTicker(sys.rpc, 1);
    const keyFile = join(dir, 'submitter.key');
    await gatewaySubmitter(sys.rpc, keyFile);
    await Promise.all([0, 1, 2, 3].map((i) => startNode(i)));
    await startNode(4, { SESSION_NODE_TEST_REFUSE_CHECKPOINTS: '1' });
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile, port: await freePort(), checkpointInterval: '2s', extra: ['--commission-interval', '3s', '--deregistration-interval', '3s'] });
    await gateway.ready;
  });

  after(async () => {
    stopTicker();
    await Promise.all([...procs.map((p) => p?.stop()), gateway?.stop()]);
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every node tests K = min(10, n−1) = 4 targets, within the probe budget', async () => {
    await until('node 1 has tested its targets', async () => Object.keys((await getJson(`${nodes[0]!.url}/network/tests`)).body.last).length === 4, 60_000);
    const t = (await getJson(`${nodes[0]!.url}/network/tests`)).body;
    assert.equal(t.targets.length, 4);
    assert.equal(t.testers.length, 4);
    assert.ok(t.counters.requestsLastMinute <= 60, `requests in the last minute: ${t.counters.requestsLastMinute}`);
  });

  it('(iii) a free rider that never signs is decommissioned on chain', async () => {
    const riderId = 5n;
    await until('the free rider is decommissioned', () => isDecommissioned(riderId), 90_000, 1_000).catch(async (e) => {
      // What the nodes saw, for whoever reads the failure.
      const tests = (await getJson(`${nodes[0]!.url}/network/tests`)).body;
      const proposal = (await getJson(`${nodes[0]!.url}/network/commission`)).body;
      console.log(JSON.stringify({ last: tests.last, judgment: tests.judgment, proposal: { ...proposal, evidence: proposal.evidence.length } }, null, 1).slice(0, 3000));
      throw e;
    });
    const reports = (await getJson(`${nodes[0]!.url}/network/reports?node=${riderId}`)).body.reports as any[];
    assert.ok(reports.some((r) => !r.ok && r.checks.signing === 'fail' && r.checks.reachable === 'pass'), 'failed for signing while reachable');
  });

  it('(i) a node killed past the window is decommissioned, is recommissioned when back, keeps its stake', async () => {
    const id = 2n;
    const before = await onChain(id);
    const child = procs[1]!.child;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    await until('node 2 is decommissioned', () => isDecommissioned(id), 120_000, 1_000);
    await startNode(1);
    await until('node 2 is recommissioned', async () => !(await isDecommissioned(id)), 120_000, 1_000);
    const afterUp = await onChain(id);
    assert.deepEqual(afterUp, before, 'the stake and record are untouched');
  });

  it('bad input to the new routes: a clear 4xx with a reason, nothing changed', async () => {
    const url = nodes[0]!.url;
    const held = (await getJson(`${url}/network/tests`)).body.reportsHeld;
    for (const q of ['abc', '0', '-1', '18446744073709551616']) {
      const r = await getJson(`${url}/network/reports?node=${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.body.reason, /node id/);
    }
    const bad = await postJson(`${url}/network/reports`, { version: 1, tester: '1' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'report_refused');
    const round = (await getJson(`${url}/network/commission`)).body.round as string;
    const chainNow = Number(BigInt((await sys.rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false])).timestamp));
    const ask = (body: unknown) => postJson(`${url}/sign/commission`, body);
    const wrongRound = await ask({ round: String(BigInt(round) + 5n), decommission: ['1'], recommission: [], signedAt: chainNow, evidence: [] });
    assert.deepEqual([wrongRound.status, wrongRound.body.error], [409, 'wrong_round']);
    const healthy = await ask({ round, decommission: ['1'], recommission: [], signedAt: chainNow, evidence: [] });
    assert.deepEqual([healthy.status, healthy.body.error], [422, 'no_grounds'], 'a healthy node is not decommissioned on request');
    assert.match(healthy.body.reason, /node 1/);
    const unordered = await ask({ round, decommission: ['3', '1'], recommission: [], signedAt: chainNow, evidence: [] });
    assert.equal(unordered.body.error, 'unordered');
    const malformed = await ask({ round, decommission: 'x', recommission: [], signedAt: chainNow, evidence: [] });
    assert.equal(malformed.status, 400);
    const dereg = await postJson(`${url}/sign/deregistration`, { nodeId: '1', signedAt: chainNow });
    assert.deepEqual([dereg.status, dereg.body.error], [422, 'no_grounds'], 'failing tests alone never deregister');
    assert.ok((await isDecommissioned(1n)) === false);
    assert.ok((await getJson(`${url}/network/tests`)).body.reportsHeld >= held, 'refusals stored nothing (the count only grows with own tests)');
  });
});
