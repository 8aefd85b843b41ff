/**
 * A local network for real-process tests: a fresh anvil with the contracts, N prepared node
 * identities (keys, ports, data dirs) of which the first `seeded` are registered on chain,
 * a deployments file with their seeds and the given membership/storage rules, and staking
 * started. Spawning the nodes (and a gateway, a ticker) is left to each test, which is where
 * they differ. Written once here instead of in every test's `before`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDeployments } from '../sdk/src/deployments.ts';
import type { MembershipRules } from '../sdk/src/network/rules.ts';
import type { StorageRules } from '../sdk/src/storage/rules.ts';
import { startStaking } from '../contracts/deploy/steps/staking.ts';
import type { Deployer } from '../contracts/deploy/deploy.ts';
import { startLocalSystem, type LocalSystem } from './testkit.ts';
import { prepareNodes, seedPreparedNodes, withMembership, type PreparedNode } from './network.ts';

export type LocalNetwork = {
  sys: LocalSystem;
  admin: Deployer;
  dir: string;
  deploymentsFile: string;
  nodes: PreparedNode[];
  /** Stops the chain and removes the folder (stop the processes first). */
  cleanup: () => Promise<void>;
};

export async function prepareLocalNetwork(o: { count: number; seeded?: number; tmpPrefix: string; rules?: MembershipRules; storage?: StorageRules }): Promise<LocalNetwork> {
  const sys = await startLocalSystem({ startStaking: false });
  const dir = mkdtempSync(join(tmpdir(), o.tmpPrefix));
  const deploymentsFile = join(dir, 'deployments.json');
  const admin = await sys.as(0);
  const nodes = await prepareNodes({ dir, count: o.count, deployments: sys.deployments, operator: admin.account.address });
  writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes, o.rules, o.storage));
  await seedPreparedNodes(admin, sys.deployments, nodes.slice(0, o.seeded ?? o.count));
  const c = sys.deployments.contracts;
  await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
  return {
    sys, admin, dir, deploymentsFile, nodes,
    cleanup: async () => {
      await sys.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
