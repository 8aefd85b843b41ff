/**
 * The Testnet Incentive Program extractor on a real chain: every scored action is performed
 * with real transactions (node registrations, a contribution, a reward claim, an exit, a
 * deregistration, a name, Pro purchases, a sybil funded by a participant), then the records
 * are read back from the events and scored: caps per action, clustering by funding source,
 * and the per-operator uptime caps (best 5 nodes, 2,000 points) must hold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { erc20Abi, type Abi, type Address } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { SessionPro, SessionNameRegistrar, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { commitCall, randomSecret, registerCall, registrationPrice } from '../../sdk/src/names/index.ts';
import { buyProCall, proTier } from '../../sdk/src/pro/calls.ts';
import {
  buildRewardsTree,
  claimRewardsCall,
  contributeCall,
  deregisterMessage,
  deregisterWithSignatureCall,
  exitMessage,
  exitWithSignatureCall,
  openPoolCall,
  proofFor,
  registerSoloNodeCall,
  requestExitCall,
  rewardsMessage,
} from '../../sdk/src/staking/index.ts';
import { connectDeployer, type Deployer } from '../../contracts/deploy/deploy.ts';
import { lastNodeId, networkSignature, nodeKeysFor } from '../../contracts/test/staking-kit.ts';
import { stakingFixture, type StakingFixture } from '../../contracts/test/staking-setup.ts';
import { formatActivity, parseActivity, type ActivityRecord } from '../testnet/activity.ts';
import { extractActivity, extractFunding, withFunding } from '../testnet/extract.ts';
import { chainSources, dailyUptime } from '../testnet/sources.ts';
import { scoreParticipants, SCORING, UPTIME_CAP, UPTIME_POINTS } from '../testnet/score.ts';

const DAY = 86_400;
type Call = { address: Address; abi: Abi | readonly unknown[]; functionName: string; args: readonly unknown[] };
const send = (d: Deployer, c: Call) => d.send(c.address, c.abi as Abi, c.functionName, c.args as unknown[]);

describe('Testnet Incentive Program: chain extractor', () => {
  let f: StakingFixture;
  let fromBlock: bigint;
  let D0: number;
  let midBlock: bigint;
  let endBlock: bigint;
  let sybil: Deployer;
  const ids: Record<string, bigint> = {};
  const u = (i: number) => f.users[i]!;
  const who = (i: number) => u(i).account.address;
  const at = async <T>(t: number, fn: () => Promise<T>) => {
    await f.sys.setNextTimestamp(t);
    return fn();
  };
  const extract = async (to: bigint) => {
    const d = f.sys.deployments;
    return withFunding(await extractActivity(u(0).publicClient as never, d, chainSources(), fromBlock, to), await extractFunding(u(0).publicClient as never, d, fromBlock, to));
  };
  /** Registers a node for `d` (solo, or a pool with half the stake) and tracks its key for network signatures. */
  const openNode = async (d: Deployer, kind: 'solo' | 'pool') => {
    const { keyPair, keys } = nodeKeysFor(f, d.account.address);
    await send(d, kind === 'solo' ? registerSoloNodeCall(f.staking, { keys, amount: f.requirement }) : openPoolCall(f.staking, { keys, feeBps: 500, autoActivate: true, operatorAmount: f.requirement / 2n }));
    const id = await lastNodeId(f);
    f.keyPairs.set(id, keyPair);
    return id;
  };

  before(async () => {
    f = await stakingFixture(3);
    const d = f.sys.deployments;
    fromBlock = BigInt(await f.sys.rpc<string>('eth_blockNumber')) + 1n;
    D0 = (Math.floor(Number(await f.sys.now()) / DAY) + 1) * DAY;

    // Day 0: u1 operates a solo node A and a pool B that u2 fills; u6 operates six solo nodes.
    ids.A = await at(D0 + 12 * 3600, () => openNode(u(1), 'solo'));
    ids.B = await at(D0 + 12 * 3600 + 60, () => openNode(u(1), 'pool'));
    await at(D0 + 13 * 3600, () => send(u(2), contributeCall(f.staking, { nodeId: ids.B!, amount: f.requirement - f.requirement / 2n })));
    for (let i = 0; i < 6; i++) ids[`C${i}`] = await at(D0 + 14 * 3600 + i * 60, () => openNode(u(6), 'solo'));
    f.active.push(ids.A!, ids.B!, ...[0, 1, 2, 3, 4, 5].map((i) => ids[`C${i}`]!));

    // Day 1: a reward checkpoint and u3's claim; u4 registers a name; u5 buys Pro and funds a
    // fresh address that buys Pro twice (a sybil of u5).
    const tree = buildRewardsTree([{ account: who(3), cumulativeAmount: 1_000n }]);
    const checkpoint = { stakingRewards: f.rewards, epoch: 1n, root: tree.root as `0x${string}`, cumulativeTotal: 1_000n, ledgerBlock: 1n, signedAt: BigInt(D0 + DAY + 3600) };
    const m = rewardsMessage(checkpoint);
    const sig = networkSignature(f, f.active, m.purpose, m.payloadHash);
    await at(D0 + DAY + 3600, () => u(9).send(f.rewards, StakingRewards.abi as Abi, 'authoriseRewards', [1n, checkpoint.root, 1_000n, 1n, checkpoint.signedAt, sig]));
    await at(D0 + DAY + 2 * 3600, () => send(u(3), claimRewardsCall(f.rewards, proofFor(tree, who(3))) as Call));

    const request = { name: 'extracted', owner: who(4), accountId: `05${'c3'.repeat(32)}`, secret: randomSecret(), years: 1 };
    const price = await registrationPrice(u(0).publicClient as never, d, request.name, 1);
    await u(4).send(d.contracts.SESH!, erc20Abi, 'approve', [d.contracts.SessionNameRegistrar!, price]);
    await at(D0 + DAY + 3 * 3600, () => send(u(4), commitCall(d, request).call as Call));
    await at(D0 + DAY + 3 * 3600 + 120, () => send(u(4), registerCall(d, request, price) as Call));

    const tier = await proTier(u(0).publicClient as never, d, 1n);
    await u(5).send(d.contracts.SESH!, erc20Abi, 'approve', [d.contracts.SessionPro!, tier.price]);
    await at(D0 + DAY + 4 * 3600, () => send(u(5), buyProCall(d, `05${'d4'.repeat(32)}`, 1n, tier.price) as Call));
    sybil = await connectDeployer(f.sys.anvil.rpcUrl, generatePrivateKey(), f.chainId);
    await f.sys.rpc('anvil_setBalance', [sybil.account.address, '0x56BC75E2D63100000']);
    await at(D0 + DAY + 5 * 3600, () => u(5).send(d.contracts.SESH!, erc20Abi, 'transfer', [sybil.account.address, tier.price * 2n]));
    await sybil.send(d.contracts.SESH!, erc20Abi, 'approve', [d.contracts.SessionPro!, tier.price * 2n]);
    for (const k of [1, 2]) await at(D0 + DAY + 6 * 3600 + k, () => send(sybil, buyProCall(d, `05${'e5'.repeat(31)}0${k}`, 1n, tier.price) as Call));

    // Day 2: u1 requests node A's exit; day 3 noon: B is voted out; day 17 06:00: A exits.
    await at(D0 + 2 * DAY, () => send(u(1), requestExitCall(f.staking, ids.A!)));
    const dm = deregisterMessage(ids.B!, BigInt(D0 + 3 * DAY + 12 * 3600));
    const dsig = networkSignature(f, f.active, dm.purpose, dm.payloadHash);
    await at(D0 + 3 * DAY + 12 * 3600, () => send(u(7), deregisterWithSignatureCall(f.staking, { nodeId: ids.B!, signedAt: BigInt(D0 + 3 * DAY + 12 * 3600), sig: dsig })));
    f.active.splice(f.active.indexOf(ids.B!), 1);
    const em = exitMessage(ids.A!, BigInt(D0 + 17 * DAY + 6 * 3600));
    const esig = networkSignature(f, f.active, em.purpose, em.payloadHash);
    await at(D0 + 17 * DAY + 6 * 3600, () => send(u(8), exitWithSignatureCall(f.staking, { nodeId: ids.A!, signedAt: BigInt(D0 + 17 * DAY + 6 * 3600), sig: esig })));
    f.active.splice(f.active.indexOf(ids.A!), 1);

    // Two window ends: day 31 00:00 and day 45 00:00.
    await f.sys.setNextTimestamp(D0 + 31 * DAY);
    await f.sys.rpc('evm_mine');
    const blockNumber = async () => BigInt(await f.sys.rpc<string>('eth_blockNumber')); // uncached
    midBlock = await blockNumber();
    await f.sys.setNextTimestamp(D0 + 45 * DAY);
    await f.sys.rpc('evm_mine');
    endBlock = await blockNumber();
  });
  after(() => f.sys.stop());

  it('turns each action into its record: actor, node, amount, time, funding', async () => {
    const records = await extract(endBlock);
    const acts = (address: Address, action: ActivityRecord['action']) => records.filter((r) => r.address === address && r.action === action);
    const node = (r: ActivityRecord) => r.node;
    assert.deepEqual(acts(who(1), 'register').map(node), [String(ids.A), String(ids.B)]);
    assert.equal(acts(who(1), 'register')[0]!.time, D0 + 12 * 3600);
    assert.deepEqual(acts(who(1), 'contribute'), [], "an operator's own stake is not a contribution");
    assert.deepEqual(acts(who(2), 'contribute').map((r) => [r.node, r.amount]), [[String(ids.B), f.requirement - f.requirement / 2n]]);
    assert.deepEqual(acts(who(3), 'claim').map((r) => [r.amount, r.time]), [[1_000n, D0 + DAY + 2 * 3600]]);
    assert.deepEqual(acts(who(1), 'exit').map(node), [String(ids.A)]);
    assert.equal(acts(who(4), 'name').length, 1);
    assert.equal(acts(who(5), 'pro').length, 1);
    assert.equal(acts(sybil.account.address, 'pro').length, 2);
    assert.ok(acts(sybil.account.address, 'pro').every((r) => r.fundedBy === who(5)), 'the sybil is funded by u5');
    assert.equal(acts(who(6), 'register').length, 6);
    assert.equal(records.filter((r) => r.address === who(7) || r.address === who(8)).length, 0, 'the liquidator and the exit sender did nothing scored');
    assert.ok(records.every((r) => r.fundedBy === undefined || r.fundedBy === who(5)), 'system contracts (stake returns, rewards) fund nobody');

    // Uptime: A from day 0 noon to day 17 06:00; B from day 0 13:00, its deregistration day forfeited.
    const uptime = (id: bigint) => acts(who(1), 'uptime').filter((r) => r.node === String(id)).map((r) => [(r.time - D0) / DAY, r.uptime]);
    assert.deepEqual(uptime(ids.A!), [[0, 5_000], ...Array.from({ length: 16 }, (_, i) => [i + 1, 10_000]), [17, 2_500]]);
    assert.deepEqual(uptime(ids.B!), [[0, 4_583], [1, 10_000], [2, 10_000]]);
    assert.equal(acts(who(6), 'uptime').length, 6 * 45, 'six nodes × days 0–44, still in service at the window end');
    // Records survive the JSON-lines format the scorer reads.
    for (const r of records) assert.deepEqual(parseActivity(formatActivity(r)), r);
  });

  it('scores under the caps: per action, per sybil cluster, per operator (best 5 nodes, 2,000 points)', async () => {
    const score = async (to: bigint) => new Map((scoreParticipants(await extract(to), { isEligible: () => true })).map((row) => [row.address, row]));
    const full = await score(endBlock);
    const points = (rows: typeof full, i: number | Address) => Number(rows.get(typeof i === 'number' ? who(i) : i)?.score ?? -1n);
    assert.equal(points(full, 1), 2 * SCORING.register.points + SCORING.exit.points + 18 * UPTIME_POINTS, 'two nodes, one exit, 16 + 2 days ≥ 90%');
    assert.equal(points(full, 2), SCORING.contribute.points);
    assert.equal(points(full, 3), SCORING.claim.points);
    assert.equal(points(full, 4), SCORING.name.points);
    const cluster = full.get(who(5))!;
    assert.deepEqual(new Set(cluster.members), new Set([who(5), sybil.account.address]), 'u5 and the address it funded are one participant');
    assert.equal(Number(cluster.score), SCORING.pro.cap * SCORING.pro.points, 'three Pro purchases in the cluster, capped at two');
    assert.equal(full.has(sybil.account.address), false);
    assert.equal(points(full, 6), SCORING.register.cap * SCORING.register.points + UPTIME_CAP, 'six registrations score five; uptime stops at the cap');
    // At day 31, u6's nodes have 30 good days each: only the best 5 nodes count (6 would give 1,800).
    const mid = await score(midBlock);
    assert.equal(points(mid, 6), SCORING.register.cap * SCORING.register.points + 5 * 30 * UPTIME_POINTS);
    assert.equal(full.size, 6);
  });

  it('splits service time into UTC days, rounding down', () => {
    assert.deepEqual(dailyUptime(DAY / 2, DAY * 2), [{ day: 0, bps: 5_000 }, { day: DAY, bps: 10_000 }]);
    assert.deepEqual(dailyUptime(10, 11), [{ day: 0, bps: 0 }]);
    assert.deepEqual(dailyUptime(DAY, DAY), []);
  });
});
