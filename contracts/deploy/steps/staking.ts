/**
 * Deploy step for node staking: SessionStaking (node registry, holds every stake; its
 * constructor deploys the NetworkKeyRegistry, the active BLS keys and the signature checks)
 * and StakingRewards (the reward pool's beneficiary, pays out network-signed checkpoints,
 * verified by the key registry).
 */
import { getAddress, type Address } from 'viem';
import { RewardRatePool, SessionStaking } from '../../../sdk/src/generated/contracts.ts';
import { DEFAULT_MIN_CHECKPOINT_INTERVAL, DEFAULT_STAKING_REQUIREMENT } from '../../../sdk/src/staking/constants.ts';
import type { Deployer } from '../deploy.ts';

export type StakingAddresses = { SessionStaking: Address; NetworkKeyRegistry: Address; StakingRewards: Address };

export type StakingStepOptions = {
  /**
   * Open registrations and start the reward pool at once (the default). Pass false to seed
   * migrated nodes first (SessionStaking.seedNodes), then call {@link startStaking}.
   */
  start?: boolean;
  stakingRequirement?: bigint;
  /**
   * StakingRewards.minCheckpointInterval in seconds (immutable): default 3600 for real networks.
   * 0 only for tests (it voids the claim guarantee, see StakingRewards).
   */
  minCheckpointInterval?: number | bigint;
  log?: (line: string) => void;
};

export async function deployStaking(
  d: Deployer,
  { token, pool }: { token: Address; pool: Address },
  options: StakingStepOptions = {},
): Promise<StakingAddresses> {
  const log = options.log ?? (() => {});
  const staking = await d.deploy('SessionStaking', [token, pool, options.stakingRequirement ?? DEFAULT_STAKING_REQUIREMENT]);
  log(`SessionStaking  ${staking}`);
  const registry = getAddress((await d.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'keyRegistry' })) as Address);
  log(`NetworkKeyRegistry ${registry}`);
  const interval = BigInt(options.minCheckpointInterval ?? DEFAULT_MIN_CHECKPOINT_INTERVAL);
  const rewards = await d.deploy('StakingRewards', [token, pool, registry, interval]);
  log(`StakingRewards  ${rewards} (checkpoints ≥ ${interval} s apart)`);
  const addresses = { SessionStaking: staking, NetworkKeyRegistry: registry, StakingRewards: rewards };
  if (options.start ?? true) await startStaking(d, { ...addresses, RewardRatePool: pool });
  return addresses;
}

/** Opens registrations and points the reward pool at StakingRewards (both once, by the deployer). */
export async function startStaking(
  d: Deployer,
  contracts: { SessionStaking: Address; StakingRewards: Address; RewardRatePool: Address },
): Promise<void> {
  await d.send(contracts.SessionStaking, SessionStaking.abi, 'start');
  await d.send(contracts.RewardRatePool, RewardRatePool.abi, 'start', [contracts.StakingRewards]);
}
