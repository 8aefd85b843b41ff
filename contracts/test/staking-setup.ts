/** A started staking system with a few seeded nodes and funded users, for the staking tests. */
import { erc20Abi, type Address } from 'viem';
import { SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { sesh } from '../../sdk/src/units.ts';
import { DEFAULT_MIN_CHECKPOINT_INTERVAL } from '../../sdk/src/staking/constants.ts';
import { startStaking } from '../deploy/steps/staking.ts';
import { startLocalSystem, expectRevert } from '../../devnet/testkit.ts';
import { connectDeployer, type Deployer } from '../deploy/deploy.ts';
import { generatePrivateKey } from 'viem/accounts';
import { approveMax, balanceOf, lastNodeId, readNode, readStaking, seedNodes, stakingNet, type StakingNet } from './staking-kit.ts';

export type StakingFixture = StakingNet & {
  users: Deployer[];
  requirement: bigint;
  /** Node ids whose keys are active right now, kept by the tests as they act. */
  active: bigint[];
};

/**
 * Seeds `seeded` nodes (operator account 0), starts staking, gives accounts 1..9 SESH and approvals.
 * StakingRewards keeps the real networks' minCheckpointInterval (3600 s) unless told otherwise:
 * tests landing several checkpoints advance chain time between them.
 */
export async function stakingFixture(seeded = 3, options: { minCheckpointInterval?: number | bigint } = {}): Promise<StakingFixture> {
  const sys = await startLocalSystem({ startStaking: false, minCheckpointInterval: options.minCheckpointInterval ?? DEFAULT_MIN_CHECKPOINT_INTERVAL });
  const net = stakingNet(sys);
  const admin = await sys.as(0);
  const active = await seedNodes(net, seeded);
  await startStaking(admin, { SessionStaking: net.staking, StakingRewards: net.rewards, RewardRatePool: net.pool });
  const users: Deployer[] = [admin];
  for (let i = 1; i < 10; i++) {
    const user = await sys.as(i);
    await admin.send(net.token, erc20Abi, 'transfer', [user.account.address, sesh(1_000_000)]);
    await approveMax(user, net);
    users.push(user);
  }
  return { ...net, users, requirement: await readStaking<bigint>(net, 'stakingRequirement'), active };
}

/** What a refusal must leave untouched: the registry's balance, node count, aggregate key and the given nodes. */
export async function fingerprint(net: StakingNet, nodeIds: readonly bigint[] = []): Promise<string> {
  const parts: unknown[] = [
    await balanceOf(net, net.staking),
    await lastNodeId(net),
    await readStaking(net, 'aggregateKey'),
    await readStaking(net, 'activeNodeCount'),
  ];
  for (const id of nodeIds) parts.push(await readNode(net, id));
  return JSON.stringify(parts, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Expects `promise` to revert with `error` and the fingerprint of `nodeIds` to be unchanged. */
export async function refuses(net: StakingNet, promise: () => Promise<unknown>, error: string, nodeIds: readonly bigint[] = []): Promise<void> {
  const before = await fingerprint(net, nodeIds);
  await expectRevert(promise(), error);
  const after = await fingerprint(net, nodeIds);
  if (before !== after) throw new Error(`state changed although ${error} was raised`);
}

/** A brand-new funded account (beyond the 10 demo accounts), with ETH, SESH and an approval. */
export async function extraUser(f: StakingFixture): Promise<Deployer> {
  const key = generatePrivateKey();
  const d = await connectDeployer(f.sys.anvil.rpcUrl, key, f.chainId);
  await f.sys.rpc('anvil_setBalance', [d.account.address, '0x56BC75E2D63100000']);
  await f.users[0]!.send(f.token, erc20Abi, 'transfer', [d.account.address, sesh(1_000_000)]);
  await approveMax(d, f);
  return d;
}

export const stakingAbi = SessionStaking.abi;
export type { Address };
