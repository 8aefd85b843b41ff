import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Address, Hex } from 'viem';
import { RewardRatePool, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import {
  EXIT_PURPOSE,
  REWARDS_PURPOSE,
  buildRewardsTree,
  claimRewardsCall,
  proofFor,
  rewardsPayloadHash,
  rewardsTotal,
  type RewardsEntry,
  type RewardsTree,
} from '../../sdk/src/staking/index.ts';
import { expectRevert } from '../../devnet/testkit.ts';
import { balanceOf, DAY, networkSignature, read, readRewards } from './staking-kit.ts';
import { stakingFixture, type StakingFixture } from './staking-setup.ts';

const abi = StakingRewards.abi;

describe('StakingRewards checkpoints and claims', () => {
  let f: StakingFixture;
  let clean: Hex;
  before(async () => {
    f = await stakingFixture(6);
    await f.sys.increaseTime(30n * DAY); // let the pool accrue ~1.2% of 40M
    clean = await f.sys.snapshot();
  });
  after(() => f.sys.stop());
  const fresh = async () => {
    await f.sys.revert(clean);
    clean = await f.sys.snapshot();
  };

  type Checkpoint = { epoch: bigint; root: Hex; cumulativeTotal: bigint; ledgerBlock: bigint; signedAt: bigint };
  const sign = (c: Checkpoint, o: { purpose?: Hex; rewards?: Address; nonSigners?: bigint[]; chainId?: number } = {}) =>
    networkSignature(f, f.active, o.purpose ?? REWARDS_PURPOSE, rewardsPayloadHash({ stakingRewards: o.rewards ?? f.rewards, ...c }), o.nonSigners ?? [], { chainId: o.chainId });
  const submit = (c: Checkpoint, sig = sign(c)) =>
    f.users[9]!.send(f.rewards, abi, 'authoriseRewards', [c.epoch, c.root, c.cumulativeTotal, c.ledgerBlock, c.signedAt, sig]);
  const checkpoint = async (epoch: bigint, entries: RewardsEntry[], total = rewardsTotal(entries)) => {
    const tree = buildRewardsTree(entries);
    const c: Checkpoint = { epoch, root: tree.root as Hex, cumulativeTotal: total, ledgerBlock: 7n, signedAt: await f.sys.now() };
    return { tree, c };
  };
  const claim = (tree: RewardsTree, account: Address, by = f.users[9]!) => {
    const call = claimRewardsCall(f.rewards, proofFor(tree, account));
    return by.send(f.rewards, abi, call.functionName, call.args);
  };
  const users = () => [1, 2, 3, 4, 5].map((i) => f.users[i]!.account.address);
  const releasable = () => read<bigint>(f, f.pool, RewardRatePool.abi, 'releasable');
  /** Every stored field of StakingRewards a checkpoint writes, and its token balance. */
  const rewardsState = async () => ({
    epoch: await readRewards<bigint>(f, 'epoch'),
    currentRoot: await readRewards<Hex>(f, 'currentRoot'),
    previousRoot: await readRewards<Hex>(f, 'previousRoot'),
    authorisedTotal: await readRewards<bigint>(f, 'authorisedTotal'),
    ledgerBlock: await readRewards<bigint>(f, 'ledgerBlock'),
    lastCheckpointAt: await readRewards<bigint>(f, 'lastCheckpointAt'),
    balance: await balanceOf(f, f.rewards),
  });

  it('installs a signed checkpoint, pulls the pool release, and pays claims to the account whoever sends them', async () => {
    await fresh();
    const available = await releasable();
    const [a, b, c] = users() as [Address, Address, Address];
    const { tree, c: cp } = await checkpoint(1n, [
      { account: a, cumulativeAmount: available / 4n },
      { account: b, cumulativeAmount: available / 8n },
      { account: c, cumulativeAmount: 1n },
    ]);
    assert.equal(
      await readRewards(f, 'rewardsPayloadHash', [cp.epoch, cp.root, cp.cumulativeTotal, cp.ledgerBlock, cp.signedAt]),
      rewardsPayloadHash({ stakingRewards: f.rewards, ...cp }),
      'the sdk payload hash is the contract one',
    );
    await submit(cp);
    assert.equal(await readRewards(f, 'epoch'), 1n);
    assert.equal(await readRewards(f, 'currentRoot'), cp.root);
    assert.equal(await readRewards(f, 'authorisedTotal'), cp.cumulativeTotal);
    assert.ok((await balanceOf(f, f.rewards)) >= cp.cumulativeTotal, 'the pool release was pulled');
    const before = await balanceOf(f, a);
    await claim(tree, a, f.users[7]!); // a third party submits, a receives
    assert.equal((await balanceOf(f, a)) - before, available / 4n);
    assert.equal(await readRewards(f, 'claimed', [a]), available / 4n);
    await expectRevert(claim(tree, a), 'NothingToClaim');
    // Above entitlement: the leaf (a, more) is not in the tree.
    const proof = proofFor(tree, b);
    await expectRevert(f.users[9]!.send(f.rewards, abi, 'claim', [b, proof.cumulativeAmount + 1n, proof.proof]), 'InvalidProof');
    await expectRevert(f.users[9]!.send(f.rewards, abi, 'claim', [c, proof.cumulativeAmount, proof.proof]), 'InvalidProof');
  });

  it('refuses replayed or older epochs, expired or future signatures, and signatures for another purpose, contract or chain', async () => {
    await fresh();
    const [a] = users() as [Address];
    const { c: cp } = await checkpoint(1n, [{ account: a, cumulativeAmount: 1_000n }]);
    await expectRevert(submit(cp, sign(cp, { purpose: EXIT_PURPOSE })), 'InvalidNetworkSignature');
    await expectRevert(submit(cp, sign(cp, { rewards: f.staking })), 'InvalidNetworkSignature');
    await expectRevert(submit(cp, sign(cp, { chainId: 10 })), 'InvalidNetworkSignature');
    await expectRevert(submit({ ...cp, cumulativeTotal: cp.cumulativeTotal + 1n }, sign(cp)), 'InvalidNetworkSignature');
    const [n1, n2, n3] = f.active as [bigint, bigint, bigint];
    await expectRevert(submit(cp, sign(cp, { nonSigners: [n1, n2, n3] })), 'InsufficientSigners');
    const old = { ...cp, signedAt: cp.signedAt - 601n };
    await expectRevert(submit(old), 'SignatureExpired');
    const future = { ...cp, signedAt: cp.signedAt + 200n };
    await expectRevert(submit(future), 'SignatureFromFuture');
    assert.equal(await readRewards(f, 'epoch'), 0n, 'no refusal changed the state');
    await submit(cp, sign(cp, { nonSigners: [n1, n2] }));
    await expectRevert(submit(cp), 'EpochNotNext');
    const { c: again } = await checkpoint(1n, [{ account: a, cumulativeAmount: 2_000n }]);
    await expectRevert(submit(again), 'EpochNotNext');
    const { c: zero } = await checkpoint(0n, [{ account: a, cumulativeAmount: 2_000n }]);
    await expectRevert(submit(zero), 'EpochNotNext');
  });

  it('refuses the reward-freeze attack: a correctly signed epoch 2^64 − 1, or latest + 2, changes nothing', async () => {
    await fresh();
    const [a] = users() as [Address];
    const e1 = await checkpoint(1n, [{ account: a, cumulativeAmount: 1_000n }]);
    await submit(e1.c);
    const before = await rewardsState();
    // The attacker got a real network signature over epoch 2^64 − 1 (every node signed it):
    // with "strictly increasing" epochs it would land and no checkpoint could ever follow.
    const { c: last } = await checkpoint(2n ** 64n - 1n, [{ account: a, cumulativeAmount: 2_000n }]);
    await expectRevert(submit(last), 'EpochNotNext');
    const { c: skip } = await checkpoint(3n, [{ account: a, cumulativeAmount: 2_000n }]);
    await expectRevert(submit(skip), 'EpochNotNext');
    assert.deepEqual(await rewardsState(), before, 'no state changed');
    // The honest next checkpoint still lands.
    await f.sys.increaseTime(3600);
    const { c: next } = await checkpoint(2n, [{ account: a, cumulativeAmount: 2_000n }]);
    await submit(next);
    assert.equal(await readRewards(f, 'epoch'), 2n);
  });

  it('never authorises more than received, nor a smaller total than before', async () => {
    await fresh();
    const [a] = users() as [Address];
    const received = (await balanceOf(f, f.rewards)) + (await releasable());
    const { c: tooMuch } = await checkpoint(1n, [{ account: a, cumulativeAmount: received * 2n }]);
    await expectRevert(submit(tooMuch), 'TotalExceedsReceived');
    const { c: ok } = await checkpoint(1n, [{ account: a, cumulativeAmount: 5_000n }]);
    await submit(ok);
    await f.sys.increaseTime(3600);
    const { c: less } = await checkpoint(2n, [{ account: a, cumulativeAmount: 4_000n }]);
    await expectRevert(submit(less), 'TotalDecreased');
  });

  it('pays no more than the authorised total even if the signed tree promises more', async () => {
    await fresh();
    const [a, b] = users() as [Address, Address];
    // A faulty network signs a tree worth 2,000 but a total of 1,500: the contract caps claims.
    const { tree, c: cp } = await checkpoint(1n, [{ account: a, cumulativeAmount: 1_000n }, { account: b, cumulativeAmount: 1_000n }], 1_500n);
    await submit(cp);
    await claim(tree, a);
    await expectRevert(claim(tree, b), 'ExceedsAuthorisedTotal');
    assert.equal(await readRewards(f, 'totalClaimed'), 1_000n);
  });

  it('accepts proofs against the previous checkpoint (front-running defence) but not older ones', async () => {
    await fresh();
    const [a, b] = users() as [Address, Address];
    const e1 = await checkpoint(1n, [{ account: a, cumulativeAmount: 1_000n }, { account: b, cumulativeAmount: 500n }]);
    await submit(e1.c);
    await f.sys.increaseTime(3600);
    const e2 = await checkpoint(2n, [{ account: a, cumulativeAmount: 3_000n }, { account: b, cumulativeAmount: 800n }]);
    await submit(e2.c);
    // a built its proof against epoch 1 just before epoch 2 landed: still paid.
    const before = await balanceOf(f, a);
    await claim(e1.tree, a);
    assert.equal((await balanceOf(f, a)) - before, 1_000n);
    // …and the rest with the new proof: cumulative amounts make the order irrelevant.
    await claim(e2.tree, a);
    assert.equal((await balanceOf(f, a)) - before, 3_000n);
    await expectRevert(claim(e1.tree, a), 'NothingToClaim');
    await f.sys.increaseTime(3600);
    const e3 = await checkpoint(3n, [{ account: a, cumulativeAmount: 3_000n }, { account: b, cumulativeAmount: 900n }]);
    await submit(e3.c);
    await expectRevert(claim(e1.tree, b), 'InvalidProof'); // two checkpoints old
    await claim(e2.tree, b);
    await claim(e3.tree, b);
    assert.equal(await readRewards(f, 'claimed', [b]), 900n);
    assert.equal(await readRewards(f, 'totalClaimed'), 3_900n);
  });

  it('refuses the claim-denial attack: checkpoints land minCheckpointInterval apart, so a fetched proof stays claimable that long', async () => {
    await fresh();
    const interval = await readRewards<bigint>(f, 'minCheckpointInterval');
    assert.equal(interval, 3600n, 'the fixture keeps the real networks\' interval');
    const [a, b] = users() as [Address, Address];
    const e = await checkpoint(1n, [{ account: a, cumulativeAmount: 1_000n }, { account: b, cumulativeAmount: 1_000n }]);
    await submit(e.c);
    const landedAt = await f.sys.now();
    assert.equal(await readRewards(f, 'lastCheckpointAt'), landedAt);
    // The user fetches the proof of the current checkpoint E…
    const proof = proofFor(e.tree, a);
    // …and an outsider calls the public release() and lands two more epochs as fast as it can:
    // `landAt` signs at the landing time and mines the checkpoint exactly then.
    const attacker = f.users[8]!;
    const landAt = async (epoch: bigint, cumulative: bigint, time: bigint) => {
      await attacker.send(f.pool, RewardRatePool.abi, 'release');
      const { c } = await checkpoint(epoch, [{ account: a, cumulativeAmount: cumulative }, { account: b, cumulativeAmount: cumulative }]);
      const at = { ...c, signedAt: time };
      await f.sys.setNextTimestamp(time);
      return submit(at);
    };
    await expectRevert(landAt(2n, 2_000n, (await f.sys.now()) + 1n), 'CheckpointTooSoon'); // right after E
    await expectRevert(landAt(2n, 2_000n, landedAt + interval - 1n), 'CheckpointTooSoon');
    await landAt(2n, 2_000n, landedAt + interval); // E+1, the earliest it may land
    const e1At = landedAt + interval;
    const before = await rewardsState();
    await expectRevert(landAt(3n, 3_000n, e1At + 1n), 'CheckpointTooSoon'); // E+2 back to back
    await expectRevert(landAt(3n, 3_000n, e1At + interval - 1n), 'CheckpointTooSoon'); // one second early
    const { balance: _b1, ...kept } = before;
    const { balance: _b2, ...now } = await rewardsState();
    assert.deepEqual(now, kept, 'the refusals changed no checkpoint');
    // The user claims with the proof fetched before E+1: paid.
    const paid = await balanceOf(f, a);
    await f.users[1]!.send(f.rewards, abi, 'claim', [proof.account, proof.cumulativeAmount, proof.proof]);
    assert.equal((await balanceOf(f, a)) - paid, 1_000n);
    assert.ok((await f.sys.now()) >= landedAt + interval, 'claimed at least minCheckpointInterval after fetching');
    // E+2 lands once the interval after E+1 has passed; only then is E's proof two roots old.
    await landAt(3n, 3_000n, e1At + interval);
    await expectRevert(claim(e.tree, b), 'InvalidProof');
  });

  it('refuses a minCheckpointInterval over one day at deployment', async () => {
    const d = f.users[0]!;
    await expectRevert(d.deploy('StakingRewards', [f.token, f.pool, f.staking, 86_401n]), 'CheckpointIntervalTooLong');
  });
});
