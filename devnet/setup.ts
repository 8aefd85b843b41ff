/**
 * Deploys the system to a running local chain, funds the demo accounts and prints a summary.
 */
import { erc20Abi } from 'viem';
import { deploySystem, connectDeployer } from '../contracts/deploy/deploy.ts';
import type { Deployments } from '../sdk/src/deployments.ts';
import { formatSesh, sesh } from '../sdk/src/units.ts';
import { startStaking } from '../contracts/deploy/steps/staking.ts';
import type { Anvil } from './anvil.ts';
import type { DemoAccount } from './accounts.ts';
import { prepareNodes, seedPreparedNodes, withMembership, type PreparedNode } from './network.ts';
import { DEVNET_RULES } from '../sdk/src/network/rules.ts';
import { writeDeployments } from '../sdk/src/deployments.ts';

export const DEVNET_DEPLOYMENTS_FILE = 'deployments/local.json';
/** SESH given to each demo account (index ≥ 1) from the treasury. */
export const DEMO_FUNDING = sesh(200_000);
/**
 * StakingRewards.minCheckpointInterval on the devnet (chain seconds): the gateway checkpoints
 * every 15 real seconds at 120× chain speed (1,800 chain seconds), well above it.
 */
export const DEVNET_MIN_CHECKPOINT_INTERVAL = 600;

export type DevnetContext = {
  anvil: Anvil;
  accounts: DemoAccount[];
  nodes: number;
  dir: string;
  /** Default DEVNET_DEPLOYMENTS_FILE. */
  deploymentsFile?: string;
  /** Demo accounts #1..#n co-stake the genesis nodes (default 3). */
  genesisCoStakers?: number;
  /** StakingRewards.minCheckpointInterval, chain seconds (default DEVNET_MIN_CHECKPOINT_INTERVAL). */
  minCheckpointInterval?: number;
  /** Chain seconds per real second (the ticker's); scales the downtime credit, default 1. */
  timeScale?: number;
};

/**
 * Deploys, registers `nodes` Session nodes at genesis (seedNodes, then start), funds the
 * demo accounts. The nodes' keys live in `<dir>/node-<i>/keys`.
 */
export async function setUpDevnet({ anvil, accounts, nodes: nodeCount, dir, deploymentsFile = DEVNET_DEPLOYMENTS_FILE, genesisCoStakers = 3, minCheckpointInterval = DEVNET_MIN_CHECKPOINT_INTERVAL, timeScale = 1 }: DevnetContext): Promise<{ deployments: Deployments; nodes: PreparedNode[] }> {
  const [deployer, ...demo] = accounts;
  const deployed = await deploySystem({
    rpcUrl: anvil.rpcUrl,
    deployerKey: deployer!.privateKey,
    network: 'local',
    outFile: deploymentsFile,
    replace: true, // the local chain is new on every start, so its old file is stale
    startStaking: false,
    minCheckpointInterval,
  });
  const d = await connectDeployer(anvil.rpcUrl, deployer!.privateKey, anvil.chainId);
  const prepared = await prepareNodes({ dir, count: nodeCount, deployments: deployed, operator: d.account.address });
  // Before any node starts: where to bootstrap from, and the devnet's short membership rules.
  // Downtime credit is chain time, and the devnet's chain runs timeScale× fast: scale it, so a
  // devnet node also has its real 2 h (wall clock) before it can be deregistered.
  const deployments = withMembership(deployed, prepared, {
    ...DEVNET_RULES,
    creditInitialSec: DEVNET_RULES.creditInitialSec * timeScale,
    creditMaxSec: DEVNET_RULES.creditMaxSec * timeScale,
  });
  writeDeployments(deploymentsFile, deployments);
  const nodes = prepared;
  await seedPreparedNodes(d, deployments, nodes, demo.slice(0, genesisCoStakers).map((a) => a.address));
  const c = deployments.contracts;
  await startStaking(d, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
  for (const account of demo) {
    await d.send(deployments.contracts.SESH!, erc20Abi, 'transfer', [account.address, DEMO_FUNDING]);
  }

  console.log(`\nSession devnet — chain ${deployments.chainId}`);
  console.log(`  RPC URL      ${anvil.rpcUrl}`);
  console.log(`  deployments  ${deploymentsFile}`);
  for (const [name, address] of Object.entries(deployments.contracts)) console.log(`  ${name.padEnd(22)} ${address}`);
  if (deployments.gatewayUrl) console.log(`  gateway      ${deployments.gatewayUrl}`);
  if (deployments.portalUrl) console.log(`  portal       ${deployments.portalUrl}`);
  console.log(`\nDemo accounts (public test keys — never use them on a real network):`);
  for (const account of accounts) {
    const balance = await d.publicClient.readContract({
      address: deployments.contracts.SESH!,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [account.address],
    });
    const role = account.index === 0 ? 'deployer/treasury' : 'demo';
    console.log(`  #${account.index} ${account.address} ${account.privateKey}  ${formatSesh(balance)} SESH (${role})`);
  }
  console.log(`\n${nodes.length} Session nodes registered at genesis (operator #0${genesisCoStakers > 0 ? `, co-staked by demo #1–#${genesisCoStakers}` : ''})`);
  return { deployments, nodes };
}
