/**
 * Money rules of staking as properties over random operation sequences on the real contracts:
 * (a) conservation: SessionStaking holds exactly Σ of the stakes it still owes; StakingRewards
 *     holds exactly what the pool released minus what was claimed, and never pays more than
 *     the pool released; SESH supply never changes;
 * (b) no stuck funds: after each sequence, the no-signature recovery paths (withdraw / cancel,
 *     request exit + 30-day fallback, release after deregistration) return every contributor
 *     exactly their stake minus the documented penalties, and empty the registry;
 * (c) the on-chain aggregate key is the sum of the active nodes' keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { erc20Abi, type Address, type Hex } from 'viem';
import { RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { TOTAL_SUPPLY } from '../../sdk/src/units.ts';
import {
  DEREGISTER_PURPOSE,
  EXIT_PURPOSE,
  REWARDS_PURPOSE,
  buildRewardsTree,
  deregisterPayloadHash,
  exitPayloadHash,
  openPoolCall,
  proofFor,
  registerSoloNodeCall,
  rewardsPayloadHash,
  type NodeRecord,
} from '../../sdk/src/staking/index.ts';
import { revertName, startLocalSystem } from '../../devnet/testkit.ts';
import { startStaking } from '../deploy/steps/staking.ts';
import type { Deployer } from '../deploy/deploy.ts';
import {
  aggregateOf,
  approveMax,
  balanceOf,
  DAY,
  lastNodeId,
  networkSignature,
  nodeKeysFor,
  read,
  readNode,
  readRewards,
  readStaking,
  seedNodes,
  stakingNet,
  type StakingNet,
} from './staking-kit.ts';
import { sesh } from '../../sdk/src/units.ts';

const STAKERS = [1, 2, 3, 4, 5, 6];
const CLAIMERS = [7, 8];
const KEEPER = 9;
/** Outcome counts (printed with STAKING_PROPERTY_STATS=1), to see the sequences reach every path. */
const stats = new Map<string, number>(); // submits signatures, liquidates, claims for others

type Op =
  | { kind: 'solo'; who: number }
  | { kind: 'open'; who: number; quarters: number; auto: boolean; reserveFor: number | null }
  | { kind: 'contribute'; who: number; node: number; size: number }
  | { kind: 'withdraw'; who: number; node: number }
  | { kind: 'cancel'; node: number }
  | { kind: 'activate'; node: number }
  | { kind: 'requestExit'; who: number; node: number }
  | { kind: 'exitSigned'; node: number }
  | { kind: 'exitUnsigned'; node: number }
  | { kind: 'deregister'; node: number }
  | { kind: 'release'; node: number }
  | { kind: 'checkpoint'; share: number }
  | { kind: 'claim'; who: number }
  | { kind: 'wait'; seconds: number };

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);
const idx = fc.nat({ max: 1000 });
const staker = fc.constantFrom(...STAKERS);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  w(2, fc.record({ kind: fc.constant('solo' as const), who: staker })),
  w(3, fc.record({ kind: fc.constant('open' as const), who: staker, quarters: fc.integer({ min: 1, max: 4 }), auto: fc.boolean(), reserveFor: fc.option(staker) })),
  w(5, fc.record({ kind: fc.constant('contribute' as const), who: staker, node: idx, size: fc.integer({ min: 0, max: 3 }) })),
  w(1, fc.record({ kind: fc.constant('withdraw' as const), who: idx, node: idx })),
  w(1, fc.record({ kind: fc.constant('cancel' as const), node: idx })),
  w(1, fc.record({ kind: fc.constant('activate' as const), node: idx })),
  w(2, fc.record({ kind: fc.constant('requestExit' as const), who: idx, node: idx })),
  w(2, fc.record({ kind: fc.constant('exitSigned' as const), node: idx })),
  w(1, fc.record({ kind: fc.constant('exitUnsigned' as const), node: idx })),
  w(1, fc.record({ kind: fc.constant('deregister' as const), node: idx })),
  w(1, fc.record({ kind: fc.constant('release' as const), node: idx })),
  w(2, fc.record({ kind: fc.constant('checkpoint' as const), share: fc.integer({ min: 0, max: 100 }) })),
  w(2, fc.record({ kind: fc.constant('claim' as const), who: fc.constantFrom(...CLAIMERS) })),
  w(3, fc.record({ kind: fc.constant('wait' as const), seconds: fc.constantFrom(3 * 3600, 86_401, 16 * 86_400, 31 * 86_400) })),
);

// Refusals the random operations may legitimately hit; anything else is a bug.
const EXPECTED_REFUSALS = new Set([
  'ContributionTooLow', 'ContributionTooHigh', 'TooManyContributors', 'WithdrawalTooEarly', 'OperatorCannotWithdraw',
  'NotContributor', 'NotOperator', 'WrongNodeStatus', 'PoolNotFull', 'ExitTooEarly', 'ExitNotUnlocked', 'StakeStillLocked',
  'InsufficientSigners', 'NoActiveNodes', 'DuplicateBlsKey', 'NothingToClaim', 'InvalidProof', 'TotalExceedsReceived', 'ZeroAmount',
  'OperatorStakeTooLow', 'InvalidReservation',
]);

describe('staking money invariants (fast-check on the real contracts)', () => {
  let net: StakingNet;
  let users: Deployer[];
  let R: bigint;
  let clean: Hex;
  let baseline: Map<Address, bigint>;
  let seededOwed: Map<Address, bigint>;
  let stopSystem: () => Promise<void>;

  before(async () => {
    const sys = await startLocalSystem({ startStaking: false });
    stopSystem = () => sys.stop();
    net = stakingNet(sys);
    const admin = await sys.as(0);
    R = await readStaking<bigint>(net, 'stakingRequirement');
    // Seeded nodes: two solo (admin), two where the operator (admin) holds only 5% and stakers 95%:
    // with a 10% penalty the cap at the operator's share is exercised.
    await seedNodes(net, 4, {
      contributors: (i, r) =>
        i < 2
          ? [{ contributor: admin.account.address, amount: r }]
          : [
              { contributor: admin.account.address, amount: r / 20n },
              { contributor: sys.accounts[STAKERS[i]!]!.address, amount: r - r / 20n },
            ],
    });
    await startStaking(admin, { SessionStaking: net.staking, StakingRewards: net.rewards, RewardRatePool: net.pool });
    await admin.send(net.staking, SessionStaking.abi, 'setParameters', [R, 1000, 200]); // 10% penalty, 2% to the liquidator
    users = [];
    for (let i = 0; i < 10; i++) {
      const user = await sys.as(i);
      if (i > 0) await admin.send(net.token, erc20Abi, 'transfer', [user.account.address, sesh(200_000)]);
      await approveMax(user, net);
      users.push(user);
    }
    baseline = new Map();
    for (const u of users) baseline.set(u.account.address, await balanceOf(net, u.account.address));
    // Seeded stakes were paid by account 0 before the baseline and go back to their contributors.
    seededOwed = new Map();
    for (const { node } of await allNodes()) {
      for (const c of node.contributors) seededOwed.set(c.contributor, (seededOwed.get(c.contributor) ?? 0n) + c.amount);
    }
    clean = await sys.snapshot();
  });
  after(() => stopSystem());

  const allNodes = async (): Promise<Array<{ id: bigint; node: NodeRecord }>> => {
    const last = await lastNodeId(net);
    const out = [];
    for (let id = 1n; id <= last; id++) out.push({ id, node: await readNode(net, id) });
    return out;
  };
  const isActive = (n: NodeRecord) => n.status === 'Active' || n.status === 'ExitRequested';

  async function checkInvariants(step: string): Promise<void> {
    const nodes = await allNodes();
    const owed = nodes.reduce((sum, { node }) => sum + node.stake, 0n);
    assert.equal(await balanceOf(net, net.staking), owed, `${step}: SessionStaking holds exactly the stakes it owes`);
    const released = await read<bigint>(net, net.pool, RewardRatePool.abi, 'totalReleased');
    const claimed = await readRewards<bigint>(net, 'totalClaimed');
    assert.ok(claimed <= released, `${step}: claims ${claimed} ≤ released ${released}`);
    assert.equal((await balanceOf(net, net.rewards)) + claimed, released, `${step}: StakingRewards holds released − claimed`);
    assert.ok((await readRewards<bigint>(net, 'authorisedTotal')) <= released, `${step}: authorised ≤ released`);
    assert.equal(await read<bigint>(net, net.token, erc20Abi, 'totalSupply'), TOTAL_SUPPLY, `${step}: supply unchanged`);
    const activeIds = nodes.filter(({ node }) => isActive(node)).map(({ id }) => id);
    assert.deepEqual(await readStaking(net, 'aggregateKey'), aggregateOf(net, activeIds), `${step}: aggregate key = Σ active keys`);
    assert.equal(await readStaking(net, 'activeNodeCount'), BigInt(activeIds.length), `${step}: active count`);
  }

  /** Runs one operation; a refusal must be one the rules allow. Returns penalties taken (operator → amount). */
  async function run(op: Op, state: { epoch: bigint; ledger: Map<Address, bigint>; trees: ReturnType<typeof buildRewardsTree>[] }, penalties: Map<Address, bigint>): Promise<void> {
    const abi = SessionStaking.abi;
    const nodes = await allNodes();
    const filling = nodes.filter(({ node }) => node.status === 'AwaitingContributions');
    const active = nodes.filter(({ node }) => isActive(node));
    const activeIds = active.map(({ id }) => id);
    const exiting = active.filter(({ node }) => node.status === 'ExitRequested');
    const keeper = users[KEEPER]!;
    // Three times in four, time jumps to when the action unlocks; otherwise it is tried as is.
    const warpTo = async (time: bigint, coin: number) => {
      const now = await net.sys.now();
      if (coin % 4 !== 0 && time > now) await net.sys.increaseTime(time - now);
    };
    const attempt = async (p: () => Promise<unknown>) => {
      try {
        await p();
        stats.set(`${op.kind} ok`, (stats.get(`${op.kind} ok`) ?? 0) + 1);
      } catch (error) {
        const name = revertName(error);
        if (!name || !EXPECTED_REFUSALS.has(name)) throw error;
        stats.set(`${op.kind} ${name}`, (stats.get(`${op.kind} ${name}`) ?? 0) + 1);
      }
    };
    switch (op.kind) {
      case 'solo': {
        const u = users[op.who]!;
        const keys = nodeKeysFor(net, u.account.address);
        const call = registerSoloNodeCall(net.staking, { keys: keys.keys, amount: R });
        await u.send(net.staking, abi, call.functionName, call.args);
        net.keyPairs.set(await lastNodeId(net), keys.keyPair);
        stats.set('solo ok', (stats.get('solo ok') ?? 0) + 1);
        return;
      }
      case 'open': {
        const u = users[op.who]!;
        const keys = nodeKeysFor(net, u.account.address);
        const reserved = op.reserveFor !== null && op.reserveFor !== op.who && op.quarters < 4 ? [{ account: users[op.reserveFor]!.account.address, amount: R / 8n }] : [];
        const call = openPoolCall(net.staking, { keys: keys.keys, feeBps: 700, reserved, autoActivate: op.auto, operatorAmount: (R * BigInt(op.quarters)) / 4n });
        await u.send(net.staking, abi, call.functionName, call.args);
        net.keyPairs.set(await lastNodeId(net), keys.keyPair);
        stats.set('open ok', (stats.get('open ok') ?? 0) + 1);
        return;
      }
      case 'contribute': {
        const target = pick(filling, op.node);
        if (!target) return;
        const u = users[op.who]!;
        const n = target.node;
        const room = n.stakeRequired - n.totalStaked - n.reservedOutstanding;
        const reservation = await readStaking<bigint>(net, 'reservationOf', [target.id, u.account.address]);
        const openSlots = BigInt(10 - n.contributorCount - n.reservedCount);
        const minimum = reservation > 0n ? reservation : openSlots > 0n ? room / openSlots : 1n;
        const sizes = [minimum, reservation + room, minimum + (room - minimum) / 2n, 1n];
        const amount = sizes[op.size]!;
        await attempt(() => u.send(net.staking, abi, 'contribute', [target.id, amount === 0n ? 1n : amount, u.account.address]));
        return;
      }
      case 'withdraw': {
        const target = pick(filling, op.node);
        if (!target) return;
        const who = target.node.contributors[op.who % target.node.contributors.length]!.contributor;
        await attempt(() => users.find((u) => u.account.address === who)!.send(net.staking, abi, 'withdrawContribution', [target.id]));
        return;
      }
      case 'cancel':
      case 'activate': {
        const target = pick(filling, op.node);
        if (!target) return;
        const operator = users.find((u) => u.account.address === target.node.operator)!;
        await attempt(() => operator.send(net.staking, abi, op.kind === 'cancel' ? 'cancelPool' : 'activate', [target.id]));
        return;
      }
      case 'requestExit': {
        const target = pick(active.filter(({ node }) => node.status === 'Active'), op.node);
        if (!target) return;
        const who = target.node.contributors[op.who % target.node.contributors.length]!.contributor;
        await attempt(() => users.find((u) => u.account.address === who)!.send(net.staking, abi, 'requestExit', [target.id]));
        return;
      }
      case 'exitSigned': {
        const target = pick(exiting, op.node);
        if (!target) return;
        await warpTo(target.node.exitRequestedAt + 15n * DAY, op.node);
        const now = await net.sys.now();
        await attempt(() => keeper.send(net.staking, abi, 'exitWithSignature', [target.id, now, networkSignature(net, activeIds, EXIT_PURPOSE, exitPayloadHash(target.id, now))]));
        return;
      }
      case 'exitUnsigned': {
        const target = pick(exiting, op.node);
        if (!target) return;
        await warpTo(target.node.exitRequestedAt + 30n * DAY, op.node);
        await attempt(() => keeper.send(net.staking, abi, 'exitWithoutSignature', [target.id]));
        return;
      }
      case 'deregister': {
        const target = pick(active, op.node);
        if (!target) return;
        const now = await net.sys.now();
        const before = target.node.contributors[0]!.amount;
        await attempt(() => keeper.send(net.staking, abi, 'deregisterWithSignature', [target.id, now, networkSignature(net, activeIds, DEREGISTER_PURPOSE, deregisterPayloadHash(target.id, now))]));
        const after = (await readNode(net, target.id)).contributors[0]?.amount ?? before;
        if (after < before) {
          const penalty = before - after;
          // Documented penalty: ⌈10% of the stake⌉, capped at the operator's share.
          const expected = (target.node.stake * 1000n + 9_999n) / 10_000n;
          assert.equal(penalty, expected < before ? expected : before, 'penalty = min(⌈10%⌉, operator share)');
          penalties.set(target.node.operator, (penalties.get(target.node.operator) ?? 0n) + penalty);
        }
        return;
      }
      case 'release': {
        const target = pick(nodes.filter(({ node }) => node.status === 'Deregistered'), op.node);
        if (!target) return;
        await warpTo(target.node.deregisteredAt + 30n * DAY, op.node);
        await attempt(() => keeper.send(net.staking, abi, 'releaseDeregisteredStake', [target.id]));
        return;
      }
      case 'checkpoint': {
        if (activeIds.length === 0) return;
        await keeper.send(net.pool, RewardRatePool.abi, 'release');
        const received = (await balanceOf(net, net.rewards)) + (await readRewards<bigint>(net, 'totalClaimed'));
        const authorised = await readRewards<bigint>(net, 'authorisedTotal');
        const grow = ((received - authorised) * BigInt(op.share)) / 100n;
        const [c1, c2] = CLAIMERS.map((i) => users[i]!.account.address) as [Address, Address];
        state.ledger.set(c1, (state.ledger.get(c1) ?? 0n) + grow / 3n);
        state.ledger.set(c2, (state.ledger.get(c2) ?? 0n) + grow - grow / 3n);
        const entries = [...state.ledger].map(([account, cumulativeAmount]) => ({ account, cumulativeAmount }));
        const tree = buildRewardsTree(entries);
        const total = entries.reduce((s, e) => s + e.cumulativeAmount, 0n);
        state.epoch += 1n;
        const now = await net.sys.now();
        const payload = rewardsPayloadHash({ stakingRewards: net.rewards, epoch: state.epoch, root: tree.root as Hex, cumulativeTotal: total, ledgerBlock: 0n, signedAt: now });
        await keeper.send(net.rewards, StakingRewards.abi, 'authoriseRewards', [state.epoch, tree.root, total, 0n, now, networkSignature(net, activeIds, REWARDS_PURPOSE, payload)]);
        state.trees.push(tree);
        stats.set('checkpoint ok', (stats.get('checkpoint ok') ?? 0) + 1);
        return;
      }
      case 'claim': {
        const tree = state.trees.at(-1);
        if (!tree) return;
        const p = proofFor(tree, users[op.who]!.account.address);
        await attempt(() => keeper.send(net.rewards, StakingRewards.abi, 'claim', [p.account, p.cumulativeAmount, p.proof]));
        return;
      }
      case 'wait':
        await net.sys.increaseTime(op.seconds);
        return;
    }
  }

  /** The no-signature recovery paths, with time travel, until the registry owes nothing. */
  async function recoverEverything(): Promise<void> {
    const abi = SessionStaking.abi;
    const keeper = users[KEEPER]!;
    const by = (address: Address) => users.find((u) => u.account.address === address)!;
    await net.sys.increaseTime(31n * DAY); // past every 1-day, 2-h and 30-day rule
    for (const { id, node } of await allNodes()) {
      if (node.status === 'AwaitingContributions') {
        for (const c of node.contributors.slice(1)) await by(c.contributor).send(net.staking, abi, 'withdrawContribution', [id]);
        await by(node.operator).send(net.staking, abi, 'cancelPool', [id]);
      } else if (node.status === 'Active') {
        await by(node.operator).send(net.staking, abi, 'requestExit', [id]);
      }
    }
    await net.sys.increaseTime(31n * DAY);
    for (const { id, node } of await allNodes()) {
      if (node.status === 'ExitRequested') await keeper.send(net.staking, abi, 'exitWithoutSignature', [id]);
      if (node.status === 'Deregistered') await keeper.send(net.staking, abi, 'releaseDeregisteredStake', [id]);
    }
  }

  it('conservation, recoverability and the aggregate key hold over random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 6, maxLength: 18 }), async (ops) => {
        await net.sys.revert(clean);
        clean = await net.sys.snapshot();
        const state = { epoch: 0n, ledger: new Map<Address, bigint>(), trees: [] as ReturnType<typeof buildRewardsTree>[] };
        const penalties = new Map<Address, bigint>();
        for (const [i, op] of ops.entries()) {
          await run(op, state, penalties);
          await checkInvariants(`step ${i} ${op.kind}`);
        }
        await recoverEverything();
        await checkInvariants('after recovery');
        assert.equal(await balanceOf(net, net.staking), 0n, 'every stake was recovered');
        for (const i of [0, ...STAKERS]) {
          const address = users[i]!.account.address;
          const seeded = seededOwed.get(address) ?? 0n;
          const expected = baseline.get(address)! + seeded - (penalties.get(address) ?? 0n);
          assert.equal(await balanceOf(net, address), expected, `account ${i} got back exactly its stake minus penalties`);
        }
      }),
      { numRuns: Number(process.env.STAKING_PROPERTY_RUNS ?? 12) },
    );
    if (process.env.STAKING_PROPERTY_STATS) console.log(Object.fromEntries([...stats].sort()));
  });

});
