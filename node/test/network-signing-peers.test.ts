/**
 * Real processes on loopback (anvil, 5 session-node processes seeded at genesis, the gateway)
 * replaying two attacks found from outside:
 *  - a checkpoint for epoch 2^64−1 (or latest + 2) with the nodes' own root and total, which
 *    would freeze rewards for good once aggregated: every node refuses it;
 *  - deregistration (a slash) for a blip: a node frozen 20 s (SIGSTOP), a node killed and
 *    restarted within 40 s, a node registered with no process yet (its grace) keep their
 *    full stake; a node that stays down past the window is still voted out.
 * Short windows for the test: grace 75 s, deregister after 45 s and ≥ 10 failed tests (every 2 s).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFunctionData, erc20Abi, type Abi, type Hex } from 'viem';
import { SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { readNode, stakingNet } from '../../contracts/test/staking-kit.ts';
import { registerSoloNodeCall } from '../../sdk/src/staking/calls.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, prepareNodes, seedPreparedNodes, spawnGateway, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { freePort } from '../../devnet/anvil.ts';
import { getJson, postJson, sleep, until } from '../../devnet/test-http.ts';

const GRACE_S = 75;
const WINDOW_S = 45;
const POLICY = ['--peer-grace', `${GRACE_S}s`, '--deregister-after', `${WINDOW_S}s`, '--deregister-min-failures', '10'];


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
    procs[i] = spawnNode(nodes[i]!, { deploymentsFile, extra: POLICY });
    return procs[i]!.ready;
  };
  const startGateway = async (checkpointInterval: string) => {
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile, port: gatewayPort, checkpointInterval, extra: ['--deregistration-interval', '2s'] });
    await gateway.ready;
  };
  const read = async (functionName: string, args: unknown[] = [], address = sys.deployments.contracts.SessionStaking!, abi: Abi = SessionStaking.abi as Abi) =>
    sys.rpc<Hex>('eth_call', [{ to: address, data: encodeFunctionData({ abi, functionName, args }) }, 'latest']);
  const epoch = async () => BigInt(await read('epoch', [], sys.deployments.contracts.StakingRewards!, StakingRewards.abi as Abi));
  const onChain = (nodeId: bigint) => readNode(stakingNet(sys), nodeId);
  const candidatesOn = async (i: number) => new Map(((await getJson(`${nodes[i]!.url}/peer/candidates`)).body.candidates as any[]).map((c) => [c.nodeId as string, c]));

  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    dir = mkdtempSync(join(tmpdir(), 'sesh-signing-'));
    deploymentsFile = join(dir, 'deployments.json');
    const admin = await sys.as(0);
    // Six sets of keys: five seeded at genesis, the sixth registered later with no process.
    nodes = await prepareNodes({ dir, count: 6, deployments: sys.deployments, operator: admin.account.address });
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes));
    await seedPreparedNodes(admin, sys.deployments, nodes.slice(0, 5));
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    await sys.increaseTime(25 * 3600);
    requirement = (await admin.publicClient.readContract({ address: c.SessionStaking!, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
    // Node 6 never announces: its operator has not started it, so nobody knows where it is.
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

  it('a node frozen 20 s, a node killed and restarted within 40 s, and a new node with no process keep their full stake', async () => {
    const admin = await sys.as(0);
    await admin.send(sys.deployments.contracts.SESH!, erc20Abi, 'approve', [sys.deployments.contracts.SessionStaking!, requirement]);
    const call = registerSoloNodeCall(sys.deployments.contracts.SessionStaking!, { keys: nodes[5]!.keys, amount: requirement });
    await admin.send(call.address, call.abi, call.functionName, call.args as unknown as readonly unknown[]);
    await until('every node sees node 6 active', async () => (await Promise.all([0, 1, 2, 3, 4].map(candidatesOn))).every((c) => c.has('6')));
    const started = Date.now();
    const frozen = procs[1]!.child;
    frozen.kill('SIGSTOP'); // node 2
    await procs[2]!.kill9(); // node 3
    let voted: string | undefined;
    let seenFailing = false;
    // Watch the votes of the two nodes that stay up, the whole time.
    const watch = (async () => {
      while (Date.now() - started < 58_000) {
        for (const i of [0, 4]) {
          const c = await candidatesOn(i).catch(() => new Map<string, any>());
          for (const id of ['2', '3', '6']) if (c.get(id)?.candidate) voted ??= `node ${i + 1} voted out node ${id}: ${c.get(id).reason}`;
          if ((c.get('3')?.failures ?? 0) >= 3) seenFailing = true;
        }
        await sleep(1_000);
      }
    })();
    await sleep(20_000);
    frozen.kill('SIGCONT');
    await sleep(Math.max(0, started + 25_000 - Date.now()));
    await startNode(2);
    assert.ok(Date.now() - started < 40_000, `node 3 back within 40 s (took ${Date.now() - started} ms)`);
    await watch;
    assert.equal(voted, undefined, voted);
    assert.ok(seenFailing, 'the peers did see node 3 fail its tests');
    const view = await candidatesOn(0);
    assert.equal(view.get('2')?.failures, 0, JSON.stringify(view.get('2')));
    assert.equal(view.get('3')?.failures, 0, JSON.stringify(view.get('3')));
    const newNode = view.get('6')!;
    assert.equal(newNode.candidate, false);
    assert.ok(newNode.graceUntil > Date.now() / 1000, `node 6 still in grace: ${JSON.stringify(newNode)}`);
    assert.match(newNode.reason, /newly activated/);
    assert.ok(newNode.candidateAt >= newNode.graceUntil + WINDOW_S, 'it would become a candidate only a full window after its grace');
    for (const id of [2n, 3n, 6n]) {
      const record = await onChain(id);
      assert.equal(record.status, 'Active', `node ${id} is still running`);
      assert.equal(record.stake, requirement, `node ${id} keeps its full stake`);
    }
  });

  it('a node that stays down past the window, and the new node once its grace is over, are voted out and deregistered', async () => {
    await procs[3]!.kill9(); // node 4, for good
    const down = Date.now();
    const [four, six] = await Promise.all(
      [4n, 6n].map((id) => until(`node ${id} deregistered`, async () => ((await onChain(id)).status === 'Deregistered' ? Date.now() : undefined), 150_000)),
    );
    assert.ok(four! - down >= WINDOW_S * 1000, `not before the window (${four! - down} ms)`);
    for (const id of [1n, 2n, 3n, 5n]) assert.equal((await onChain(id)).status, 'Active');
    assert.ok(six! > 0);
  });
});
