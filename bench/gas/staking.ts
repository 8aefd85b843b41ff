/**
 * Gas of node staking and rewards with a realistic network: STAKING_BENCH_NODES seeded active
 * nodes (default 2,000; keys generated in memory, real proofs of possession checked on-chain),
 * real BN254 aggregate signatures. Every row is the receipt's gasUsed of the real call.
 */
import { erc20Abi, type Hex } from 'viem';
import { SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { sesh } from '../../sdk/src/units.ts';
import { DEFAULT_MIN_CHECKPOINT_INTERVAL } from '../../sdk/src/staking/constants.ts';
import {
  DEREGISTER_PURPOSE,
  EXIT_PURPOSE,
  REWARDS_PURPOSE,
  buildRewardsTree,
  contributeCall,
  deregisterPayloadHash,
  exitPayloadHash,
  openPoolCall,
  proofFor,
  registerSoloNodeCall,
  rewardsPayloadHash,
  rewardsTotal,
  type RewardsEntry,
} from '../../sdk/src/staking/index.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { DAY, approveMax, balanceOf, lastNodeId, networkSignature, nodeKeysFor, readStaking, seedNodes, stakingNet } from '../../contracts/test/staking-kit.ts';
import { gasUsed, type GasSuite } from './types.ts';
import { measureCommission } from './commission.ts';

const NODES = Number(process.env.STAKING_BENCH_NODES ?? 2000);

export const stakingGas: GasSuite = {
  name: `staking (${NODES} nodes)`,
  system: { startStaking: false, minCheckpointInterval: DEFAULT_MIN_CHECKPOINT_INTERVAL }, // checkpoints an hour apart, as on real networks
  async measure(sys) {
    const started = Date.now();
    const net = stakingNet(sys);
    const admin = await sys.as(0);
    const gasOf = (hash: Hex) => gasUsed(admin.publicClient, hash);
    const progress = (done: number) => process.stderr.write(`\r  seeded ${done}/${NODES} nodes (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    const active = await seedNodes(net, NODES, { log: progress });
    process.stderr.write('\n');
    await startStaking(admin, { SessionStaking: net.staking, StakingRewards: net.rewards, RewardRatePool: net.pool });
    // A fixed clock for the signed steps: their digests (so the hash-to-curve tries) and the
    // pool's release schedule are then the same on every run, and so is the gas.
    const T0 = 3_000_000_000n;
    const at = async (time: bigint) => {
      await sys.setNextTimestamp(time);
      return time;
    };
    await at(T0);
    await sys.rpc('evm_mine');

    // Users hold SESH already (steady state: their balance slot is warm-able, not fresh).
    const users = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => sys.as(i)));
    for (const user of users) {
      await admin.send(net.token, erc20Abi, 'transfer', [user.account.address, sesh(100_000)]);
      await approveMax(user, net);
    }
    const [soloOp, poolOp, contributor, manualOp, claimer, liquidator] = users as [typeof admin, typeof admin, typeof admin, typeof admin, typeof admin, typeof admin];
    const requirement = await readStaking<bigint>(net, 'stakingRequirement');

    const solo = nodeKeysFor(net, soloOp.account.address);
    const soloCall = registerSoloNodeCall(net.staking, { keys: solo.keys, amount: requirement });
    const registerSoloNode = await gasOf(await soloOp.send(net.staking, SessionStaking.abi, soloCall.functionName, soloCall.args));
    const soloId = await lastNodeId(net);
    net.keyPairs.set(soloId, solo.keyPair);
    active.push(soloId);

    const pool = nodeKeysFor(net, poolOp.account.address);
    const openCall = openPoolCall(net.staking, { keys: pool.keys, feeBps: 1000, autoActivate: true, operatorAmount: requirement / 4n });
    const openMultiContributorNode = await gasOf(await poolOp.send(net.staking, SessionStaking.abi, openCall.functionName, openCall.args));
    const poolId = await lastNodeId(net);
    // A new contributor's minimum: remaining ÷ 9 open slots.
    const minimum = (requirement - requirement / 4n) / 9n;
    const contribCall = contributeCall(net.staking, { nodeId: poolId, amount: minimum });
    const contribute = await gasOf(await contributor.send(net.staking, SessionStaking.abi, contribCall.functionName, contribCall.args));

    const manual = nodeKeysFor(net, manualOp.account.address);
    const manualOpen = openPoolCall(net.staking, { keys: manual.keys, feeBps: 500, autoActivate: false, operatorAmount: requirement / 2n });
    await manualOp.send(net.staking, SessionStaking.abi, manualOpen.functionName, manualOpen.args);
    const manualId = await lastNodeId(net);
    await contributor.send(net.staking, SessionStaking.abi, 'contribute', [manualId, requirement / 2n, contributor.account.address]);
    const activateMultiContributorNode = await gasOf(await manualOp.send(net.staking, SessionStaking.abi, 'activate', [manualId]));
    net.keyPairs.set(manualId, manual.keyPair);
    active.push(manualId);

    // Rewards: checkpoints over NODES + 1 accounts (a realistic tree depth for the claim proof).
    await at(T0 + DAY);
    await sys.rpc('evm_mine');
    const entries: RewardsEntry[] = Array.from({ length: NODES }, (_, i) => ({
      account: `0x${(0x1000 + i).toString(16).padStart(40, '0')}` as Hex,
      cumulativeAmount: sesh(1) + BigInt(i), // fixed amounts: the same root (and gas) on every run
    }));
    entries.push({ account: claimer.account.address, cumulativeAmount: sesh(1) });
    let epoch = 0n;
    let clock = T0 + DAY;
    const authorise = async (nonSigners: bigint[]) => {
      epoch += 1n;
      const tree = buildRewardsTree(entries);
      clock += 3600n; // an hour of pool release before each checkpoint
      const now = await at(clock);
      const checkpoint = { stakingRewards: net.rewards, epoch, root: tree.root as Hex, cumulativeTotal: rewardsTotal(entries), ledgerBlock: 1n, signedAt: now };
      const sig = networkSignature(net, active, REWARDS_PURPOSE, rewardsPayloadHash(checkpoint), nonSigners);
      const hash = await admin.send(net.rewards, StakingRewards.abi, 'authoriseRewards', [epoch, checkpoint.root, checkpoint.cumulativeTotal, 1n, now, sig]);
      return { gas: await gasOf(hash), tree };
    };
    // The first two checkpoints fill empty slots (current, then previous root); every later
    // epoch costs what the third does: that steady state is the row.
    await authorise([]);
    await authorise([]);
    const authoriseRewards = (await authorise([])).gas;
    const nonSigners = (n: number) => active.slice(0, n);
    // Same conditions for both (an hour of pool release each), so only the non-signers differ.
    const with10 = (await authorise(nonSigners(10))).gas;
    const with100 = await authorise(nonSigners(100));
    const perNonSigner = (with100.gas - with10) / 90n;

    const claimBefore = await balanceOf(net, claimer.account.address);
    const proof = proofFor(with100.tree, claimer.account.address);
    const claimRewards = await gasOf(await liquidator.send(net.rewards, StakingRewards.abi, 'claim', [proof.account, proof.cumulativeAmount, proof.proof]));
    if ((await balanceOf(net, claimer.account.address)) - claimBefore !== sesh(1)) throw new Error('claim paid the wrong amount');

    // Exit and deregistration of seeded nodes (operator: account 0).
    const exiting = active[active.length - 3]!; // a seeded node
    await at(clock + 3n * 3600n);
    const requestExit = await gasOf(await admin.send(net.staking, SessionStaking.abi, 'requestExit', [exiting]));
    let now = await at(clock + 3n * 3600n + 15n * DAY + 60n);
    const exitSig = networkSignature(net, active, EXIT_PURPOSE, exitPayloadHash(exiting, now));
    const exitWithSignature = await gasOf(await liquidator.send(net.staking, SessionStaking.abi, 'exitWithSignature', [exiting, now, exitSig]));
    active.splice(active.indexOf(exiting), 1);

    const bad = active[5]!;
    now = await at(now + 60n);
    const deregSig = networkSignature(net, active, DEREGISTER_PURPOSE, deregisterPayloadHash(bad, now));
    const deregisterWithSignature = await gasOf(await liquidator.send(net.staking, SessionStaking.abi, 'deregisterWithSignature', [bad, now, deregSig]));
    active.splice(active.indexOf(bad), 1);
    const commissionRows = await measureCommission(sys, net, active, now + 60n);

    process.stderr.write(`  staking bench with ${NODES} nodes took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return [
      { operation: 'registerSoloNode', gas: registerSoloNode },
      { operation: 'openMultiContributorNode', gas: openMultiContributorNode },
      { operation: 'contribute', gas: contribute },
      { operation: 'activateMultiContributorNode', gas: activateMultiContributorNode },
      { operation: 'authoriseRewards', gas: authoriseRewards },
      {
        operation: 'authoriseRewardsPerNonSigner',
        gas: perNonSigner,
        note: 'per non-signer: cold SLOAD of its key 2,100 + ecAdd 150 + checks + calldata (id, y); since RewardsAuthorised names the non-signers (public evidence of who did not sign), ~430 more for its 32-byte log word and the copy to memory (3,518 before).',
      },
      { operation: 'claimRewards', gas: claimRewards },
      { operation: 'requestExit', gas: requestExit },
      { operation: 'exitWithSignature', gas: exitWithSignature },
      { operation: 'deregisterWithSignature', gas: deregisterWithSignature },
      ...commissionRows,
    ];
  },
};
