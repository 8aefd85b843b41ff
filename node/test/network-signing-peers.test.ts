/**
 * Real processes on loopback (anvil, 5 session-node processes seeded at genesis, the gateway
 * running checkpoint, commission and deregistration rounds) replaying two attacks found from
 * outside, under the decommission ladder:
 *  - a checkpoint for epoch 2^64−1 (or latest + 2) with the nodes' own root and total, which
 *    would freeze rewards for good once aggregated: every node refuses it;
 *  - a slash for a blip: a node frozen 20 s (SIGSTOP) and a node killed and restarted within
 *    the window are never decommissioned and keep their full stake; a node that stays down is
 *    decommissioned (stake intact) and deregistered only once its downtime credit is used up.
 * Short rules for the test: 10 s test periods, decommission after 45 s failing, credit 300 chain s.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFunctionData, type Abi, type Hex } from 'viem';
import { SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { readNode, stakingNet } from '../../contracts/test/staking-kit.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, prepareNodes, seedPreparedNodes, spawnGateway, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { freePort } from '../../devnet/anvil.ts';
import { getJson, postJson, sleep, until } from '../../devnet/test-http.ts';
import { DEVNET_RULES, type MembershipRules } from '../../sdk/src/network/rules.ts';

const WINDOW_S = 45;
const CREDIT_S = 300;
const RULES: MembershipRules = { ...DEVNET_RULES, testPeriodSec: 10, decommissionAfterSec: WINDOW_S, recommissionAfterSec: 20, creditInitialSec: CREDIT_S, creditMaxSec: CREDIT_S };


describe('signing and deregistration votes, real processes', { timeout: 420_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  let gateway: Supervised | undefined;
  let stopTicker = () => {};
  let deploymentsFile: string;
  let keyFile: string;
  let gatewayPort: number;
  let requirement: bigint;

  const startNode = (i: number) => {
    procs[i] = spawnNode(nodes[i]!, { deploymentsFile });
    return procs[i]!.ready;
  };
  const startGateway = async (checkpointInterval: string) => {
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile, port: gatewayPort, checkpointInterval, extra: ['--deregistration-interval', '2s', '--commission-interval', '3s'] });
    await gateway.ready;
  };
  const read = async (functionName: string, args: unknown[] = [], address = sys.deployments.contracts.SessionStaking!, abi: Abi = SessionStaking.abi as Abi) =>
    sys.rpc<Hex>('eth_call', [{ to: address, data: encodeFunctionData({ abi, functionName, args }) }, 'latest']);
  const epoch = async () => BigInt(await read('epoch', [], sys.deployments.contracts.StakingRewards!, StakingRewards.abi as Abi));
  const onChain = (nodeId: bigint) => readNode(stakingNet(sys), nodeId);
  const isDecommissioned = async (nodeId: bigint) => BigInt(await read('isDecommissioned', [nodeId])) === 1n;

  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    dir = mkdtempSync(join(tmpdir(), 'sesh-signing-'));
    deploymentsFile = join(dir, 'deployments.json');
    const admin = await sys.as(0);

    nodes = await prepareNodes({ dir, count: 5, deployments: sys.deployments, operator: admin.account.address });
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes, RULES));
    await seedPreparedNodes(admin, sys.deployments, nodes.slice(0, 5));
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    await sys.increaseTime(25 * 3600);
    requirement = (await admin.publicClient.readContract({ address: c.SessionStaking!, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;

    stopTicker = startTicker(sys.rpc, 1);
    keyFile = join(dir, 'submitter.key');
    await gatewaySubmitter(sys.rpc, keyFile);
    gatewayPort = await freePort();
    await Promise.all([0, 1, 2, 3, 4].map(startNode));
    await startGateway('2s');
  });

  after(async () => {
    stopTicker();
    for (const p of procs) if (p?.child.pid && p.child.exitCode === null) p.child.kill('SIGCONT');
    await Promise.all([...procs.map((p) => p?.stop()), gateway?.stop()]);
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('epoch 2^64−1 or latest + 2 with the node\'s own root and total: every node refuses with the epoch it would sign', async () => {
    await until('an authorised checkpoint', async () => (await epoch()) >= 1n, 60_000);
    await gateway!.stop(); // no checkpoint in flight while the attack is replayed
    const latest = await epoch();
    await until('every node at the latest epoch', async () => {
      const roots = await Promise.all(nodes.slice(0, 5).map(async (n) => (await getJson(`${n.url}/ledger/root`)).body));
      return roots.every((r) => BigInt(r.lastEpoch) === latest);
    });
    const signedAt = Number(await sys.now());
    for (const node of nodes.slice(0, 5)) {
      const mine = (await getJson(`${node.url}/ledger/root`)).body;
      for (const attack of [2n ** 64n - 1n, latest + 2n]) {
        const r = await postJson(`${node.url}/sign/checkpoint`, { epoch: attack.toString(), root: mine.root, cumulativeTotal: mine.total, ledgerBlock: mine.ledgerBlock, signedAt });
        assert.equal(r.status, 422, `${node.url}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error, 'disagree');
        assert.deepEqual(r.body.differences, [{ field: 'epoch', requested: attack.toString(), mine: (latest + 1n).toString() }], 'root, total and block are its own: only the epoch differs');
        assert.match(r.body.reason, new RegExp(`last authorised epoch is ${latest}, so this node signs only epoch ${latest + 1n}`));
        assert.equal(r.body.shares, undefined);
      }
      // The one right next checkpoint is still signed (or, if the contract sets an interval, refused as too early, with when).
      const right = await postJson(`${node.url}/sign/checkpoint`, { epoch: (latest + 1n).toString(), root: mine.root, cumulativeTotal: mine.total, ledgerBlock: mine.ledgerBlock, signedAt });
      assert.ok(right.status === 200 ? right.body.shares.length === 1 : right.body.error === 'too_early', JSON.stringify(right.body));
    }
    assert.equal(await epoch(), latest, 'nothing was authorised');
    await startGateway('off'); // from here on: deregistration votes only
  });

  it('a node frozen 20 s and a node killed and restarted within the window are never decommissioned and keep their full stake', async () => {
    await until('every node tests its targets', async () => (await Promise.all([0, 1, 2, 3, 4].map(async (i) => Object.keys((await getJson(`${nodes[i]!.url}/network/tests`)).body.last ?? {}).length))).every((n) => n > 0), 60_000);
    const started = Date.now();
    const frozen = procs[1]!.child;
    frozen.kill('SIGSTOP'); // node 2
    await procs[2]!.kill9(); // node 3
    let decommissioned: string | undefined;
    let seenFailing = false;
    // Watch the chain and the testers' reports the whole time (and a while after).
    const watch = (async () => {
      while (Date.now() - started < WINDOW_S * 1000 + 15_000) {
        for (const id of [2n, 3n]) if (await isDecommissioned(id)) decommissioned ??= `node ${id} was decommissioned after ${Date.now() - started} ms`;
        const reports = ((await getJson(`${nodes[0]!.url}/network/reports?node=3`).catch(() => ({ body: { reports: [] } }))).body.reports ?? []) as any[];
        if (reports.some((r) => r.ok === false)) seenFailing = true;
        await sleep(1_000);
      }
    })();
    await sleep(20_000);
    frozen.kill('SIGCONT');
    await sleep(Math.max(0, started + 22_000 - Date.now()));
    await startNode(2);
    assert.ok(Date.now() - started < WINDOW_S * 1000 - 5_000, `node 3 back within the window (took ${Date.now() - started} ms)`);
    await watch;
    assert.equal(decommissioned, undefined, decommissioned);
    assert.ok(seenFailing, 'the testers did report node 3 failing while it was down');
    for (const id of [2n, 3n]) {
      const record = await onChain(id);
      assert.equal(record.status, 'Active', `node ${id} is still running`);
      assert.equal(record.stake, requirement, `node ${id} keeps its full stake`);
    }
  });

  it('a node that stays down is decommissioned with its stake intact, and deregistered only once its downtime credit is used up', async () => {
    await procs[3]!.kill9(); // node 4, for good
    const down = Date.now();
    await until('node 4 decommissioned', () => isDecommissioned(4n), 150_000, 1_000);
    assert.ok(Date.now() - down >= WINDOW_S * 1000, `not before the window (${Date.now() - down} ms)`);
    const decommissioned = await onChain(4n);
    assert.equal(decommissioned.status, 'Active', 'decommissioned, not deregistered');
    assert.equal(decommissioned.stake, requirement, 'the whole stake is still there');
    // Credit is chain time: jump past it rather than wait five minutes.
    await sleep(5_000);
    assert.equal((await onChain(4n)).status, 'Active', 'credit left: nobody deregisters it');
    await sys.increaseTime(CREDIT_S + 60);
    await until('node 4 deregistered', async () => (await onChain(4n)).status === 'Deregistered', 90_000, 1_000);
    for (const id of [1n, 2n, 3n, 5n]) assert.equal((await onChain(id)).status, 'Active');
  });
});
