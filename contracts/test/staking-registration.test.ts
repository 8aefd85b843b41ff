import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEventLogs, type Hex } from 'viem';
import { sesh } from '../../sdk/src/units.ts';
import { g1ToSolidity } from '../../sdk/src/bls/index.ts';
import { openPoolCall, registerSoloNodeCall, verifyEd25519Registration, type Reservation } from '../../sdk/src/staking/index.ts';
import { expectRevert, startLocalSystem } from '../../devnet/testkit.ts';
import { aggregateOf, approveMax, balanceOf, DAY, lastNodeId, nodeKeysFor, readNode, readStaking, seedNodes, stakingNet } from './staking-kit.ts';
import { extraUser, refuses, stakingAbi, stakingFixture, type StakingFixture } from './staking-setup.ts';
import type { Deployer } from '../deploy/deploy.ts';

describe('SessionStaking registration and contribution pools', () => {
  let f: StakingFixture;
  let clean: `0x${string}`;
  before(async () => {
    f = await stakingFixture(3);
    clean = await f.sys.snapshot();
  });
  after(() => f.sys.stop());
  const fresh = async () => {
    await f.sys.revert(clean);
    clean = await f.sys.snapshot();
  };

  const solo = async (user: Deployer, keys = nodeKeysFor(f, user.account.address), amount = f.requirement) => {
    const call = registerSoloNodeCall(f.staking, { keys: keys.keys, amount });
    await user.send(f.staking, stakingAbi, call.functionName, call.args);
    const id = await lastNodeId(f);
    f.keyPairs.set(id, keys.keyPair);
    return id;
  };
  const open = async (
    user: Deployer,
    a: { operatorAmount?: bigint; feeBps?: number; reserved?: Reservation[]; autoActivate?: boolean } = {},
    keys = nodeKeysFor(f, user.account.address),
  ) => {
    const call = openPoolCall(f.staking, {
      keys: keys.keys,
      feeBps: a.feeBps ?? 1000,
      reserved: a.reserved,
      autoActivate: a.autoActivate ?? true,
      operatorAmount: a.operatorAmount ?? f.requirement / 4n,
    });
    await user.send(f.staking, stakingAbi, call.functionName, call.args);
    const id = await lastNodeId(f);
    f.keyPairs.set(id, keys.keyPair);
    return id;
  };
  const contribute = (user: Deployer, nodeId: bigint, amount: bigint) =>
    user.send(f.staking, stakingAbi, 'contribute', [nodeId, amount, user.account.address]);

  it('registers a solo node: stake pulled, key in the aggregate, node active', async () => {
    await fresh();
    const user = f.users[1]!;
    const before = await balanceOf(f, user.account.address);
    const id = await solo(user);
    const node = await readNode(f, id);
    assert.equal(node.status, 'Active');
    assert.equal(node.operator, user.account.address);
    assert.deepEqual(node.contributors.map((c) => [c.contributor, c.amount]), [[user.account.address, f.requirement]]);
    assert.equal(before - (await balanceOf(f, user.account.address)), f.requirement);
    assert.deepEqual(await readStaking(f, 'aggregateKey'), aggregateOf(f, [...f.active, id]));
    assert.equal(await readStaking(f, 'activeNodeCount'), BigInt(f.active.length + 1));
  });

  it('refuses a wrong proof of possession, one for another operator, chain or contract, and a duplicate key', async () => {
    await fresh();
    const [, a, b] = f.users as [Deployer, Deployer, Deployer];
    // PoP made for operator b, sent by a (the anchor's key-reuse incident).
    const forB = nodeKeysFor(f, b.account.address);
    await refuses(f, () => solo(a, forB), 'InvalidProofOfPossession');
    const otherChain = nodeKeysFor({ ...f, chainId: 1 }, a.account.address);
    await refuses(f, () => solo(a, otherChain), 'InvalidProofOfPossession');
    const otherContract = nodeKeysFor({ ...f, staking: f.rewards }, a.account.address);
    await refuses(f, () => solo(a, otherContract), 'InvalidProofOfPossession');
    // A PoP that signs a different key's digest.
    const k1 = nodeKeysFor(f, a.account.address);
    const k2 = nodeKeysFor(f, a.account.address);
    await refuses(f, () => solo(a, { ...k1, keys: { ...k1.keys, proofOfPossession: k2.keys.proofOfPossession } }), 'InvalidProofOfPossession');
    // Off-curve key.
    await refuses(f, () => solo(a, { ...k1, keys: { ...k1.keys, blsKey: { x: 1n, y: 3n } } }), 'InvalidBlsKey');
    // Duplicate: b registers a key, then a (with its own valid PoP for the same key) tries again.
    const keyPair = k1.keyPair;
    await solo(b, nodeKeysFor(f, b.account.address, keyPair));
    await refuses(f, () => solo(a, nodeKeysFor(f, a.account.address, keyPair)), 'DuplicateBlsKey');
    await refuses(f, () => open(a, {}, nodeKeysFor(f, a.account.address, keyPair)), 'DuplicateBlsKey');
  });

  it('refuses a solo stake that is not the requirement, and registrations while paused or before start', async () => {
    await fresh();
    const a = f.users[1]!;
    await refuses(f, () => solo(a, undefined, f.requirement - 1n), 'WrongStakeAmount');
    await refuses(f, () => solo(a, undefined, f.requirement + 1n), 'WrongStakeAmount');
    await f.users[0]!.send(f.staking, stakingAbi, 'setRegistrationsPaused', [true]);
    await refuses(f, () => solo(a), 'RegistrationsArePaused');
    await refuses(f, () => open(a), 'RegistrationsArePaused');
    await f.users[0]!.send(f.staking, stakingAbi, 'setRegistrationsPaused', [false]);
    await solo(a);
    await refuses(f, () => f.users[0]!.send(f.staking, stakingAbi, 'seedNodes', [[]]), 'AlreadyStarted');
    await refuses(f, () => f.users[0]!.send(f.staking, stakingAbi, 'start'), 'AlreadyStarted');
  });

  it('opens a pool with the PoP checked at open time, and refuses bad openings', async () => {
    await fresh();
    const op = f.users[1]!;
    const quarter = f.requirement / 4n;
    await refuses(f, () => open(op, { operatorAmount: quarter - 1n }), 'OperatorStakeTooLow');
    await refuses(f, () => open(op, { feeBps: 10_001 }), 'FeeTooHigh');
    await refuses(f, () => open(op, {}, nodeKeysFor(f, f.users[2]!.account.address)), 'InvalidProofOfPossession');
    const nine = Array.from({ length: 9 }, (_, i) => ({ account: f.users[(i % 8) + 2]!.account.address, amount: 1n }));
    const ten = [...nine, { account: f.users[0]!.account.address, amount: 1n }];
    await refuses(f, () => open(op, { reserved: ten }), 'TooManyContributors');
    await refuses(f, () => open(op, { reserved: [{ account: op.account.address, amount: sesh(1) }] }), 'InvalidReservation');
    const twice = f.users[2]!.account.address;
    await refuses(f, () => open(op, { reserved: [{ account: twice, amount: sesh(1) }, { account: twice, amount: sesh(1) }] }), 'InvalidReservation');
    await refuses(f, () => open(op, { reserved: [{ account: twice, amount: f.requirement }] }), 'ContributionTooHigh');
    const id = await open(op, { feeBps: 1234 });
    const node = await readNode(f, id);
    assert.equal(node.status, 'AwaitingContributions');
    assert.equal(node.feeBps, 1234);
    assert.equal(node.totalStaked, quarter);
    assert.equal(await readStaking(f, 'activeNodeCount'), BigInt(f.active.length), 'a filling node is not in the network key');
  });

  it('enforces the minimum contribution, reservations and the 10-contributor limit; auto-activates when full', async () => {
    await fresh();
    const [op, r1, u2, u3] = [f.users[1]!, f.users[2]!, f.users[3]!, f.users[4]!];
    const R = f.requirement;
    const quarter = R / 4n;
    const reserve = sesh(5_000);
    const id = await open(op, { reserved: [{ account: r1.account.address, amount: reserve }] });
    // Unreserved room = R − R/4 − 5,000 over 8 open unreserved slots.
    const room = R - quarter - reserve;
    const minimum = room / 8n;
    await refuses(f, () => contribute(u2, id, minimum - 1n), 'ContributionTooLow', [id]);
    await refuses(f, () => contribute(r1, id, reserve - 1n), 'ContributionTooLow', [id]);
    await refuses(f, () => contribute(u2, id, room + 1n), 'ContributionTooHigh', [id]); // would eat reserved room
    await contribute(u2, id, minimum);
    await contribute(r1, id, reserve);
    assert.equal(await readStaking(f, 'reservationOf', [id, r1.account.address]), 0n);
    // Top-ups by existing contributors need no minimum.
    await contribute(u2, id, 1n);
    let node = await readNode(f, id);
    assert.equal(node.totalStaked, quarter + reserve + minimum + 1n);
    assert.equal(node.contributorCount, 3);
    // Fill slots 4..9 with minimum contributions from fresh accounts (7 open slots remain).
    const helpers = [u3, f.users[5]!, f.users[6]!, f.users[7]!, f.users[8]!, f.users[9]!];
    for (const h of helpers) {
      node = await readNode(f, id);
      const open = 10n - BigInt(node.contributorCount);
      await contribute(h, id, (R - node.totalStaked) / open);
    }
    node = await readNode(f, id);
    assert.equal(node.contributorCount, 9);
    // The 10th contributor must take exactly the rest; an 11th is refused.
    const admin = f.users[0]!;
    await refuses(f, () => contribute(admin, id, R - node.totalStaked - 1n), 'ContributionTooLow', [id]); // the last slot fills the node
    await contribute(admin, id, R - node.totalStaked);
    node = await readNode(f, id);
    assert.equal(node.status, 'Active', 'auto-activated when full');
    assert.equal(node.contributorCount, 10);
    assert.deepEqual(await readStaking(f, 'aggregateKey'), aggregateOf(f, [...f.active, id]));
  });

  it('refuses an 11th contributor: reservations count as slots', async () => {
    await fresh();
    const op = f.users[1]!;
    const others = [0, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => f.users[i]!.account.address);
    const id = await open(op, { reserved: others.map((account) => ({ account, amount: sesh(100) })), autoActivate: false });
    const newcomer = await extraUser(f);
    await refuses(f, () => contribute(newcomer, id, sesh(1_000)), 'TooManyContributors', [id]);
    assert.equal((await readNode(f, id)).reservedCount, 9);
    // The reserved accounts can still fill it.
    for (const i of [0, 2, 3, 4, 5, 6, 7, 8]) await contribute(f.users[i]!, id, sesh(100));
    const node = await readNode(f, id);
    await contribute(f.users[9]!, id, f.requirement - node.totalStaked);
    assert.equal((await readNode(f, id)).totalStaked, f.requirement);
  });

  it('lets contributors withdraw only 1 day after their last contribution, and the operator cancel', async () => {
    await fresh();
    const [op, u2, u3] = [f.users[1]!, f.users[2]!, f.users[3]!];
    const id = await open(op);
    const amount = (f.requirement - f.requirement / 4n) / 9n;
    await contribute(u2, id, amount);
    await refuses(f, () => u2.send(f.staking, stakingAbi, 'withdrawContribution', [id]), 'WithdrawalTooEarly', [id]);
    await refuses(f, () => op.send(f.staking, stakingAbi, 'withdrawContribution', [id]), 'OperatorCannotWithdraw', [id]);
    await refuses(f, () => u3.send(f.staking, stakingAbi, 'withdrawContribution', [id]), 'NotContributor', [id]);
    await f.sys.increaseTime(DAY - 10n);
    await contribute(u2, id, 1n); // a top-up restarts the clock
    await f.sys.increaseTime(DAY - 5n);
    await refuses(f, () => u2.send(f.staking, stakingAbi, 'withdrawContribution', [id]), 'WithdrawalTooEarly', [id]);
    await f.sys.increaseTime(10);
    const before = await balanceOf(f, u2.account.address);
    await u2.send(f.staking, stakingAbi, 'withdrawContribution', [id]);
    assert.equal((await balanceOf(f, u2.account.address)) - before, amount + 1n);
    assert.equal((await readNode(f, id)).contributorCount, 1);

    await contribute(u3, id, amount);
    await refuses(f, () => u3.send(f.staking, stakingAbi, 'cancelPool', [id]), 'NotOperator', [id]);
    const opBefore = await balanceOf(f, op.account.address);
    const u3Before = await balanceOf(f, u3.account.address);
    await op.send(f.staking, stakingAbi, 'cancelPool', [id]);
    assert.equal((await balanceOf(f, op.account.address)) - opBefore, f.requirement / 4n);
    assert.equal((await balanceOf(f, u3.account.address)) - u3Before, amount);
    assert.equal((await readNode(f, id)).status, 'Cancelled');
    await refuses(f, () => contribute(u3, id, amount), 'WrongNodeStatus');
  });

  it('activates a full manual pool only by its operator, and refuses activating an unfilled one', async () => {
    await fresh();
    const [op, u2] = [f.users[1]!, f.users[2]!];
    const id = await open(op, { operatorAmount: f.requirement / 2n, autoActivate: false });
    await refuses(f, () => op.send(f.staking, stakingAbi, 'activate', [id]), 'PoolNotFull', [id]);
    await contribute(u2, id, f.requirement / 2n);
    assert.equal((await readNode(f, id)).status, 'AwaitingContributions');
    await refuses(f, () => u2.send(f.staking, stakingAbi, 'activate', [id]), 'NotOperator', [id]);
    await op.send(f.staking, stakingAbi, 'activate', [id]);
    assert.equal((await readNode(f, id)).status, 'Active');
    assert.deepEqual(await readStaking(f, 'aggregateKey'), aggregateOf(f, [...f.active, id]));
    await expectRevert(op.send(f.staking, stakingAbi, 'activate', [id]), 'WrongNodeStatus');
    await expectRevert(op.send(f.staking, stakingAbi, 'activate', [999n]), 'UnknownNode');
  });

  it('bounds every admin parameter, and a new requirement applies only to nodes opened afterwards', async () => {
    await fresh();
    const admin = f.users[0]!;
    const op = f.users[1]!;
    const id = await open(op, { autoActivate: true });
    await refuses(f, () => admin.send(f.staking, stakingAbi, 'setParameters', [sesh(999), 100, 10]), 'StakingRequirementOutOfBounds');
    await refuses(f, () => admin.send(f.staking, stakingAbi, 'setParameters', [sesh(1_000_001), 100, 10]), 'StakingRequirementOutOfBounds');
    await refuses(f, () => admin.send(f.staking, stakingAbi, 'setParameters', [f.requirement, 1001, 10]), 'PenaltyOutOfBounds');
    await refuses(f, () => admin.send(f.staking, stakingAbi, 'setParameters', [f.requirement, 100, 101]), 'PenaltyOutOfBounds');
    await refuses(f, () => op.send(f.staking, stakingAbi, 'setParameters', [f.requirement, 100, 10]), 'OwnableUnauthorizedAccount');
    await refuses(f, () => op.send(f.staking, stakingAbi, 'setRegistrationsPaused', [true]), 'OwnableUnauthorizedAccount');
    await admin.send(f.staking, stakingAbi, 'setParameters', [sesh(50_000), 500, 50]);
    assert.equal(await readStaking(f, 'stakingRequirement'), sesh(50_000));
    assert.equal(await readStaking(f, 'penaltyBps'), 500);
    // The pool opened before keeps its 25,000 requirement.
    assert.equal((await readNode(f, id)).stakeRequired, f.requirement);
    await refuses(f, () => contribute(f.users[2]!, id, f.requirement), 'ContributionTooHigh', [id]);
    await contribute(f.users[2]!, id, f.requirement - f.requirement / 4n);
    assert.equal((await readNode(f, id)).status, 'Active', 'filled at its own 25,000 requirement');
    const fresh50 = nodeKeysFor(f, op.account.address);
    await refuses(f, () => solo(op, fresh50, f.requirement), 'WrongStakeAmount');
    await solo(op, fresh50, sesh(50_000));
  });

  it('refuses registrations before start (while migrated nodes are seeded)', async () => {
    const sys = await startLocalSystem({ startStaking: false });
    try {
      const net = stakingNet(sys);
      const admin = await sys.as(0);
      await approveMax(admin, net);
      const keys = nodeKeysFor(net, admin.account.address);
      await expectRevert(admin.send(net.staking, stakingAbi, 'registerSoloNode', [keys.keys, f.requirement, admin.account.address]), 'NotStarted');
      const ids = await seedNodes(net, 2, { contributors: (_, r) => [{ contributor: admin.account.address, amount: r / 2n }, { contributor: sys.accounts[3]!.address, amount: r / 2n }] });
      assert.deepEqual(ids, [1n, 2n]);
      const node = await readNode(net, 2n);
      assert.equal(node.status, 'Active');
      assert.deepEqual(node.contributors.map((c) => c.amount), [f.requirement / 2n, f.requirement / 2n]);
      await expectRevert(
        admin.send(net.staking, stakingAbi, 'seedNodes', [[{ keys: nodeKeysFor(net, admin.account.address).keys, operator: admin.account.address, feeBps: 0, contributors: [{ contributor: admin.account.address, beneficiary: admin.account.address, amount: 1n }] }]]),
        'SeedStakeMismatch',
      );
      await expectRevert(
        admin.send(net.staking, stakingAbi, 'seedNodes', [[{ keys: nodeKeysFor(net, sys.accounts[2]!.address).keys, operator: admin.account.address, feeBps: 0, contributors: [{ contributor: admin.account.address, beneficiary: admin.account.address, amount: f.requirement }] }]]),
        'InvalidProofOfPossession',
      );
      await expectRevert((await sys.as(1)).send(net.staking, stakingAbi, 'seedNodes', [[]]), 'OwnableUnauthorizedAccount');
    } finally {
      await sys.stop();
    }
  });

  it('the registration payload keys are the ones the contract stores', async () => {
    await fresh();
    const user = f.users[1]!;
    const keys = nodeKeysFor(f, user.account.address);
    const id = await solo(user, keys);
    assert.deepEqual(await readStaking(f, 'nodeKey', [id]), g1ToSolidity(keys.keyPair.publicKeyG1));
  });

  it('emits NodeOpened before every SlotReserved and Contributed of the node (nodes follow the chain by events)', async () => {
    await fresh();
    const op = f.users[1]!;
    const reserved = [2, 3, 4].map((i) => ({ account: f.users[i]!.account.address, amount: sesh(1_000) }));
    const keys = nodeKeysFor(f, op.account.address);
    const call = openPoolCall(f.staking, { keys: keys.keys, feeBps: 500, reserved, autoActivate: true, operatorAmount: f.requirement / 4n });
    const hash = await op.send(f.staking, stakingAbi, call.functionName, call.args);
    const id = await lastNodeId(f);
    f.keyPairs.set(id, keys.keyPair);
    const receipt = await op.publicClient.getTransactionReceipt({ hash: hash as Hex });
    const names = parseEventLogs({ abi: stakingAbi, logs: receipt.logs.filter((l) => l.address.toLowerCase() === f.staking.toLowerCase()) })
      .filter((l) => (l.args as { nodeId?: bigint }).nodeId === id)
      .map((l) => l.eventName);
    assert.deepEqual(names, ['NodeOpened', 'SlotReserved', 'SlotReserved', 'SlotReserved', 'Contributed']);
    // The same rule over the whole chain so far (seeded nodes, solo registrations, pools).
    const d = f.users[0]!;
    await solo(f.users[5]!);
    const all = parseEventLogs({ abi: stakingAbi, logs: await d.publicClient.getLogs({ address: f.staking, fromBlock: 0n, toBlock: 'latest' }) });
    const opened = new Set<bigint>();
    for (const log of all) {
      const nodeId = (log.args as { nodeId?: bigint } | undefined)?.nodeId;
      if (nodeId === undefined) continue;
      if (log.eventName === 'NodeOpened') opened.add(nodeId);
      else assert.ok(opened.has(nodeId), `${log.eventName} of node ${nodeId} before its NodeOpened`);
    }
    assert.ok(opened.has(id) && opened.size >= f.active.length + 2);
  });

  it('NodeOpened carries the ed25519 key and its registration signature (not verified on-chain; nodes verify it)', async () => {
    await fresh();
    const op = f.users[1]!;
    const keys = nodeKeysFor(f, op.account.address);
    await solo(op, keys);
    const pool = nodeKeysFor(f, op.account.address);
    await open(op, {}, pool);
    // A signature for another operator still registers (the contract only emits it): the
    // network, verifying it from the event, ignores that node.
    const forged = nodeKeysFor(f, op.account.address);
    const wrong = nodeKeysFor(f, f.users[2]!.account.address, forged.keyPair);
    await solo(op, { ...forged, keys: { ...forged.keys, ed25519Signature: wrong.keys.ed25519Signature } });
    const d = f.users[0]!;
    const opened = parseEventLogs({ abi: stakingAbi, eventName: 'NodeOpened', logs: await d.publicClient.getLogs({ address: f.staking, fromBlock: 0n, toBlock: 'latest' }) });
    const verified = opened.map(({ args }) =>
      verifyEd25519Registration({ chainId: f.chainId, contract: f.staking, operator: args.operator, blsKey: args.blsKey, ed25519Key: args.ed25519Key, signature: args.ed25519Signature }),
    );
    const [soloEvent, poolEvent] = opened.slice(-3).map((l) => l.args);
    assert.deepEqual(soloEvent!.ed25519Signature, keys.keys.ed25519Signature);
    assert.equal(soloEvent!.ed25519Key, keys.keys.ed25519Key);
    assert.deepEqual(poolEvent!.ed25519Signature, pool.keys.ed25519Signature);
    // Seeded nodes, the solo node and the pool verify; the forged one does not.
    assert.deepEqual(verified, [...verified.slice(0, -1).map(() => true), false]);
    assert.equal(verified.length, f.active.length + 3);
  });
});
