/**
 * The Session network as real processes on loopback: anvil, 5 session-node processes
 * registered at genesis, the gateway. Runs the fault scenarios of issue 4 §5 in sequence on
 * one network (each scenario leaves at most one node faulty, so 4 of 5 can still sign):
 * checkpoints and a claim, bad input, kill -9 mid-rounds, restart → same root, RPC down and
 * back, a reorg of depth 3, a node with a wrong BLS key, the portal's exit flow, and a dead
 * node voted out and deregistered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFunctionData, type Hex } from 'viem';
import { RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, prepareNodes, seedPreparedNodes, spawnGateway, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { freePort } from '../../devnet/anvil.ts';
import { createBlsKeyFile } from '../../core/keys/bls.ts';
import { openTracker } from '../../core/chain/tracker.ts';
import { createNetworkConsumer } from '../../core/state/consumer.ts';
import { stakingContracts } from '../../core/state/follow.ts';
import { startRpcProxy, type RpcProxy } from '../../core/test/helpers/rpc-proxy.ts';
import type { Abi } from 'viem';
import { getJson, postJson, sleep, until } from '../../devnet/test-http.ts';
import { DEVNET_RULES } from '../../sdk/src/network/rules.ts';


describe('the network on loopback (5 nodes + gateway, real processes)', { timeout: 300_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  let procs: Supervised[] = [];
  let gateway: Supervised | undefined;
  let gatewayUrl: string;
  let gatewayPort: number;
  let proxy: RpcProxy;
  /** Node 1's RPC: lets the test hold a signing request inside the node (its chain-time read). */
  let proxy0: RpcProxy;
  let stopTicker = () => {};
  let deploymentsFile: string;
  let keyFile: string;

  const startNode = (i: number) => {
    const extra = i === 4 ? ['--rpc-url', proxy.url] : i === 0 ? ['--rpc-url', proxy0.url] : [];
    procs[i] = spawnNode(nodes[i]!, { deploymentsFile, extra });
    return procs[i]!.ready;
  };
  const startGateway = async (extra: string[]) => {
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile, port: gatewayPort, checkpointInterval: '2s', extra: ['--cooldown', '5m', ...extra] });
    gatewayUrl = await gateway.ready;
  };
  const rounds = async () => (await getJson(`${gatewayUrl}/api/rounds`)).body as any[];
  const epoch = async () => BigInt(await sys.rpc<Hex>('eth_call', [{ to: sys.deployments.contracts.StakingRewards, data: encodeFunctionData({ abi: StakingRewards.abi, functionName: 'epoch' }) }, 'latest']));
  /** Waits for a successful checkpoint round after now that satisfies `check`. */
  const nextGoodRound = async (what: string, check: (r: any) => boolean = () => true) => {
    const seen = (await rounds()).length;
    return until(what, async () => {
      const all = await rounds();
      return all.slice(Math.min(seen, all.length - 1)).reverse().find((r) => r.ok && check(r));
    }, 60_000);
  };
  const roots = async (indices: number[]) => Promise.all(indices.map(async (i) => (await getJson(`${nodes[i]!.url}/ledger/root`)).body));

  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    dir = mkdtempSync(join(tmpdir(), 'sesh-network-'));
    deploymentsFile = join(dir, 'deployments.json');
    const { writeDeployments } = await import('../../sdk/src/deployments.ts');
    const admin = await sys.as(0);
    nodes = await prepareNodes({ dir, count: 5, deployments: sys.deployments, operator: admin.account.address });
    // Faults here are blips and lies, not the ladder (node/test/network-decommission and
    // network-signing-peers test that): a window long enough that no restart is decommissioned.
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes, { ...DEVNET_RULES, decommissionAfterSec: 900 }));
    await seedPreparedNodes(admin, sys.deployments, nodes, [sys.accounts[1]!.address, sys.accounts[2]!.address]);
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    await sys.increaseTime(25 * 3600);
    proxy = await startRpcProxy(sys.anvil.rpcUrl);
    proxy0 = await startRpcProxy(sys.anvil.rpcUrl);
    stopTicker = startTicker(sys.rpc, 1);
    keyFile = join(dir, 'submitter.key');
    await gatewaySubmitter(sys.rpc, keyFile);
    gatewayPort = await freePort();
    await Promise.all(nodes.map((_, i) => startNode(i)));
    await startGateway(['--deregistration-interval', 'off']);
  });

  after(async () => {
    stopTicker();
    await Promise.all([...procs.map((p) => p?.stop()), gateway?.stop()]);
    await proxy?.close();
    await proxy0?.close();
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints are signed by all 5 nodes; every node holds the same root; a user claims with the proof the gateway serves', async () => {
    await nextGoodRound('a 5/5 checkpoint', (r) => r.signers.length === 5);
    await until('two authorised epochs', async () => (await epoch()) >= 2n);
    const all = await until('all 5 nodes at the same checkpoint', async () => {
      const r = await roots([0, 1, 2, 3, 4]);
      return r.every((x) => x.checkpointBlock === r[0].checkpointBlock) ? r : undefined;
    });
    assert.ok(all[0].checkpointBlock > 0 && all[0].total !== '0', JSON.stringify(all[0]));
    for (const r of all) {
      assert.equal(r.root, all[0].root, 'five processes, byte-identical roots');
      assert.equal(r.total, all[0].total);
    }
    const user = sys.accounts[1]!.address;
    const account = await until('a claim proof', async () => {
      const a = (await getJson(`${gatewayUrl}/api/accounts/${user}`)).body;
      return a.rewards.claim ? a : undefined;
    });
    assert.equal(account.stakes.length, 3, 'co-staked nodes 1, 3, 5');
    const d = await sys.as(1);
    const before = (await d.publicClient.readContract({ address: sys.deployments.contracts.StakingRewards!, abi: StakingRewards.abi, functionName: 'claimed', args: [user] })) as bigint;
    // The proof may be for the previous root by the time we send it; the contract accepts both.
    await d.send(sys.deployments.contracts.StakingRewards!, StakingRewards.abi as Abi, 'claim', [user, BigInt(account.rewards.claim.cumulativeAmount), account.rewards.claim.proof]);
    const afterClaim = (await d.publicClient.readContract({ address: sys.deployments.contracts.StakingRewards!, abi: StakingRewards.abi, functionName: 'claimed', args: [user] })) as bigint;
    assert.equal(afterClaim - before > 0n, true);
    assert.equal(afterClaim, BigInt(account.rewards.claim.cumulativeAmount));
  });

  it('bad input to a node or the gateway gets a 4xx JSON reason and never crashes it; a checkpoint the node disagrees with is refused with the differing values', async () => {
    const node = nodes[1]!.url;
    const cases = [
      await postJson(`${node}/sign/checkpoint`, undefined, '{"epoch": '),
      await postJson(`${node}/sign/checkpoint`, { epoch: 'x', root: '0x12', cumulativeTotal: -1, ledgerBlock: 'a', signedAt: 1 }),
      await postJson(`${node}/sign/exit`, { nodeId: '1', signedAt: 1, extra: true }),
      await postJson(`${node}/sign/deregistration`, undefined, JSON.stringify({ nodeId: '1', signedAt: 1, pad: 'x'.repeat(100_000) })),
      await postJson(`${gatewayUrl}/api/exits/abc/signature`, {}),
      await getJson(`${gatewayUrl}/api/accounts/not-an-address`),
      await getJson(`${gatewayUrl}/api/exits/999`),
      await postJson(`${gatewayUrl}/api/exits/1/signature`, undefined, 'x'.repeat(200_000)),
    ];
    for (const c of cases) {
      assert.ok(c.status >= 400 && c.status < 500, `expected 4xx, got ${c.status} ${JSON.stringify(c.body)}`);
      assert.equal(typeof c.body.error, 'string');
      assert.equal(typeof c.body.reason, 'string');
    }
    const mine = (await getJson(`${node}/ledger/root`)).body;
    const now = Number(await sys.now());
    const wrong = await postJson(`${node}/sign/checkpoint`, { epoch: '999999', root: `0x${'ab'.repeat(32)}`, cumulativeTotal: '5', ledgerBlock: mine.ledgerBlock, signedAt: now });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error, 'disagree');
    const fields = Object.fromEntries(wrong.body.differences.map((d: any) => [d.field, d]));
    assert.equal(fields.root.requested, `0x${'ab'.repeat(32)}`);
    assert.match(fields.root.mine, /^0x[0-9a-f]{64}$/);
    assert.notEqual(fields.root.mine, fields.root.requested);
    assert.equal(fields.cumulativeTotal.requested, '5');
    const stale = await postJson(`${node}/sign/checkpoint`, { epoch: '999999', root: fields.root.mine, cumulativeTotal: fields.cumulativeTotal.mine, ledgerBlock: mine.ledgerBlock, signedAt: now - 3_600 });
    assert.equal(stale.body.error, 'bad_time');
    assert.deepEqual(stale.body.differences.map((d: any) => d.field), ['signedAt']);
    const notExiting = await postJson(`${node}/sign/exit`, { nodeId: '2', signedAt: now });
    assert.equal(notExiting.status, 409);
    assert.deepEqual(notExiting.body.differences[0], { field: 'status', requested: 'exitRequested', mine: 'running' });
    for (const n of nodes) assert.equal((await getJson(`${n.url}/health`)).status, 200, 'every node still answers');
    assert.equal((await getJson(`${gatewayUrl}/health`)).status, 200);
  });

  it('kill -9 of a node mid-round: the round completes with it listed as a non-signer; restarted, it computes the same ledger root and signs again', async () => {
    // Hold node 1's next signing request inside the node (its chain-time read: the only
    // "latest" block query a node makes), and kill it there.
    let inRound!: () => void;
    const held = new Promise<void>((resolve) => (inRound = resolve));
    proxy0.setHook(async (method, params) => {
      if (method === 'eth_getBlockByNumber' && params[0] === 'latest') {
        inRound();
        await sleep(3_000);
      }
      return undefined;
    });
    const seen = (await rounds()).length;
    await held;
    await procs[0]!.kill9();
    proxy0.setHook(undefined);
    const died = await until('the round node 1 died in', async () => {
      const all = await rounds();
      const i = all.findIndex((r, j) => j >= seen && r.unreachable.some((u: any) => u.url === nodes[0]!.url));
      return i >= 0 ? { index: i, round: all[i] } : undefined;
    });
    assert.ok(died.round.nonSigners.includes('1'));
    // That round completes (or, if other nodes were a block behind, its immediate retry does).
    const round = died.round.ok ? died.round : await until('the retry of that round', async () => (await rounds()).slice(died.index + 1).find((r) => r.ok));
    assert.deepEqual(round.nonSigners, ['1'], JSON.stringify(round));
    assert.equal(round.signers.length, 4);
    await startNode(0);
    const [restarted, other] = await until('node 0 catching up', async () => {
      const [a, b] = await roots([0, 2]);
      return a.checkpointBlock === b.checkpointBlock ? [a, b] : undefined;
    });
    assert.equal(restarted.root, other.root);
    assert.equal(restarted.total, other.total);
    await nextGoodRound('node 1 signing again', (r) => r.signers.includes('1') && r.signers.length === 5);
  });

  it('the RPC of a node goes down and comes back: it misses nothing and counts nothing twice (same root as its peers)', async () => {
    proxy.setUp(false);
    const released = (await epoch()) + 2n;
    await until('two checkpoints while node 5 is blind', async () => (await epoch()) >= released);
    const round = await nextGoodRound('a round without node 5', (r) => r.nonSigners.includes('5'));
    assert.ok(round.nonSigners.includes('5'));
    proxy.setUp(true);
    const [blind, other] = await until('node 4 catching up', async () => {
      const [a, b] = await roots([4, 1]);
      return a.checkpointBlock === b.checkpointBlock && a.ledgerBlock >= b.ledgerBlock - 2 ? [a, b] : undefined;
    });
    assert.equal(blind.root, other.root);
    assert.equal(blind.released, other.released);
    await nextGoodRound('node 5 signing again', (r) => r.signers.includes('5'));
  });

  it('a reorg of depth 3 that replaces a pool release leaves every node with the ledger of the final chain', async () => {
    await gateway!.stop(); // no checkpoint transactions racing the reorg
    stopTicker();
    const pool = sys.deployments.contracts.RewardRatePool!;
    const admin = await sys.as(0);
    await admin.send(pool, RewardRatePool.abi as Abi, 'release');
    await sys.rpc('evm_mine');
    await sys.rpc('evm_mine');
    await sleep(1_500); // the nodes process the release (1 confirmation)
    const from = sys.accounts[3]!.address;
    await sys.rpc('anvil_reorg', [3, [[{ from, to: pool, data: encodeFunctionData({ abi: RewardRatePool.abi, functionName: 'release' }) }, 1]]]);
    stopTicker = startTicker(sys.rpc, 1);
    // The final chain's ledger, computed from scratch by a fresh consumer.
    const fresh = createNetworkConsumer(stakingContracts(sys.deployments), { deployBlock: sys.deployments.deployBlock, chainId: sys.deployments.chainId });
    const tracker = await openTracker({
      rpc: [sys.anvil.rpcUrl],
      chainId: sys.deployments.chainId,
      deployBlock: sys.deployments.deployBlock,
      contracts: [
        { address: sys.deployments.contracts.SessionStaking!, abi: SessionStaking.abi as Abi },
        { address: sys.deployments.contracts.StakingRewards!, abi: StakingRewards.abi as Abi },
        { address: pool, abi: RewardRatePool.abi as Abi },
      ],
      dataDir: join(dir, 'fresh'),
      consumer: fresh,
      confirmations: 1,
    });
    await sleep(2_500);
    await tracker.syncOnce();
    const all = await roots([0, 1, 2, 3, 4]);
    for (const [i, r] of all.entries()) {
      assert.ok(r.ledgerBlock <= fresh.view().height + 2, `node ${i} is not ahead of the chain`);
      const expected = fresh.checkpointAt(Math.min(r.ledgerBlock, fresh.view().height));
      assert.equal(r.root, expected.root, `node ${i}'s root equals the final chain's`);
      assert.equal(r.released, expected.released.toString(), `node ${i} counted the replaced release once`);
    }
    const reorgs = await Promise.all(nodes.map(async (n) => (await getJson(`${n.url}/health`)).body.reorgs));
    assert.ok(reorgs.some((r: number) => r >= 1), 'the nodes saw the reorg');
    await tracker.stop();
    await startGateway(['--deregistration-interval', 'off']);
    await nextGoodRound('checkpoints again after the reorg', (r) => r.signers.length === 5);
  });

  it('a node with a wrong BLS key is detected, put on cooldown and excluded', async () => {
    await procs[3]!.stop();
    const keyPath = join(nodes[3]!.dataDir, 'keys', 'bls.key');
    renameSync(keyPath, `${keyPath}.right`);
    try {
      createBlsKeyFile(keyPath);
      const seen = (await rounds()).length;
      await startNode(3);
      // Any round that got node 4's share (whether or not the rest reached quorum) catches it.
      const round = await until('a round catching node 4', async () => (await rounds()).slice(seen).find((r) => r.invalid.some((i: any) => i.nodeId === '4')), 60_000);
      assert.match(round.invalid.find((i: any) => i.nodeId === '4').reason, /not the key registered/);
      assert.ok(round.nonSigners.includes('4'));
      assert.ok(!round.signers.includes('4'));
      const next = await nextGoodRound('a round skipping node 4', (r) => r.skipped.some((k: any) => k.url === nodes[3]!.url));
      assert.ok(next.nonSigners.includes('4'));
      const listed = (await getJson(`${gatewayUrl}/api/nodes?limit=500`)).body.nodes.find((n: any) => n.nodeId === '4');
      assert.equal(listed.signerHealthy, false);
    } finally {
      // The operator restores the right key; the node signs again once its cooldown is over.
      await procs[3]!.stop();
      renameSync(`${keyPath}.right`, keyPath);
      await startNode(3);
    }
  });

  it('the portal exit flow: 409 before the unlock, then a network signature the user submits', async () => {
    const early = await postJson(`${gatewayUrl}/api/exits/2/signature`, {});
    assert.equal(early.status, 409);
    const admin = await sys.as(0);
    await admin.send(sys.deployments.contracts.SessionStaking!, SessionStaking.abi as Abi, 'requestExit', [2n]);
    const requested = await until('the exit request seen', async () => {
      const e = (await getJson(`${gatewayUrl}/api/exits/2`)).body;
      return e.status === 'unlocking' ? e : undefined;
    });
    assert.equal(requested.canExitWithSignature, false);
    const locked = await postJson(`${gatewayUrl}/api/exits/2/signature`, {});
    assert.equal(locked.status, 409);
    assert.match(locked.body.reason, /not unlocked/);
    await sys.increaseTime(15 * 24 * 3600);
    const unlocked = await until('unlocked', async () => {
      const e = (await getJson(`${gatewayUrl}/api/exits/2`)).body;
      return e.canExitWithSignature ? e : undefined;
    });
    assert.equal(unlocked.status, 'exitRequested');
    assert.equal(unlocked.canExitWithoutSignature, false);
    assert.equal(unlocked.fallbackAt, requested.unlockAt + 15 * 24 * 3600);
    const signed = await until('an exit signature', async () => {
      const r = await postJson(`${gatewayUrl}/api/exits/2/signature`, {});
      return r.status === 200 ? r.body : undefined;
    });
    const sig = {
      sigma: { x: BigInt(signed.signature.sigma.x), y: BigInt(signed.signature.sigma.y) },
      apkG2: { x: signed.signature.apkG2.x.map(BigInt), y: signed.signature.apkG2.y.map(BigInt) },
      nonSigners: signed.signature.nonSigners.map(BigInt),
      nonSignerY: signed.signature.nonSignerY.map(BigInt),
    };
    assert.ok(sig.nonSigners.includes(4n), 'the benched node is a named non-signer');
    const user = await sys.as(5);
    await user.send(sys.deployments.contracts.SessionStaking!, SessionStaking.abi as Abi, 'exitWithSignature', [2n, BigInt(signed.signedAt), sig]);
    await until('node 2 exited', async () => (await getJson(`${gatewayUrl}/api/exits/2`)).body.status === 'exited');
  });
});
