/**
 * Follows the staking system of a deployments file: SessionStaking, StakingRewards,
 * RewardRatePool and NetworkKeyRegistry (commission) events → the network consumer. Used by the node daemon and the gateway.
 */
import type { Abi, Address } from 'viem';
import { NetworkKeyRegistry, RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { contractAddress, type Deployments } from '../../sdk/src/deployments.ts';
import { openTracker, type Tracker } from '../chain/tracker.ts';
import type { RpcPool } from '../chain/rpc.ts';
import { createNetworkConsumer, type NetworkConsumer } from './consumer.ts';
import type { ContractAddresses } from './network-state.ts';

export function stakingContracts(deployments: Deployments): ContractAddresses & { registry: Address } {
  return {
    staking: contractAddress(deployments, 'SessionStaking'),
    rewards: contractAddress(deployments, 'StakingRewards'),
    pool: contractAddress(deployments, 'RewardRatePool'),
    registry: contractAddress(deployments, 'NetworkKeyRegistry'),
  };
}

export async function followNetwork(options: {
  deployments: Deployments;
  rpc: readonly string[] | RpcPool;
  dataDir: string;
  confirmations: number;
  chunkSize?: number;
  pollIntervalMs?: number;
  log?: (line: string) => void;
}): Promise<{ tracker: Tracker; network: NetworkConsumer; contracts: ContractAddresses }> {
  const contracts = stakingContracts(options.deployments);
  const network = createNetworkConsumer(contracts, { deployBlock: options.deployments.deployBlock, chainId: options.deployments.chainId, log: options.log });
  const tracker = await openTracker({
    rpc: options.rpc,
    chainId: options.deployments.chainId,
    deployBlock: options.deployments.deployBlock,
    contracts: [
      { address: contracts.staking, abi: SessionStaking.abi as Abi },
      { address: contracts.rewards, abi: StakingRewards.abi as Abi },
      { address: contracts.pool, abi: RewardRatePool.abi as Abi },
      { address: contracts.registry, abi: NetworkKeyRegistry.abi as Abi },
    ],
    dataDir: options.dataDir,
    consumer: network,
    confirmations: options.confirmations,
    chunkSize: options.chunkSize,
    pollIntervalMs: options.pollIntervalMs,
    log: options.log,
  });
  return { tracker, network, contracts };
}
