/**
 * The bench's chain: a fresh anvil with the whole system deployed and `nodes` real nodes
 * seeded through SessionStaking.seedNodes (real BLS proofs of possession, real ed25519
 * registration signatures), staking started and 25 h passed so every node is active and
 * earning. Workers follow THIS chain with followNetwork: who is a node, and with which
 * ed25519 key, comes from the chain's events, never from the bench.
 *
 * Identity i's ed25519 secret is derived from (run seed, i), so a worker can rebuild the
 * secrets of the identities it hosts without them crossing a process boundary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAbiParameters, keccak256, toBytes } from 'viem';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { approveMax, bulkNodeKeys, readStaking, stakingNet } from '../../contracts/test/staking-kit.ts';
import { seedNodesCall, type SeedNodeInput } from '../../sdk/src/staking/calls.ts';
import { writeDeployments, type Deployments } from '../../sdk/src/deployments.ts';
import { ed25519Identity, type Ed25519Identity } from '../../core/keys/ed25519.ts';
import type { MembershipRules } from '../../sdk/src/network/rules.ts';

/** Identity `index`'s ed25519 key for run `seed`. */
export function benchIdentity(seed: string, index: number): Ed25519Identity {
  return ed25519Identity(toBytes(keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'string' }, { type: 'uint256' }], ['sesh-bench-membership', seed, BigInt(index)]))));
}

export type BenchChain = {
  sys: LocalSystem;
  deployments: Deployments;
  deploymentsFile: string;
  seedMs: number;
  stop: () => Promise<void>;
};

export async function startBenchChain(options: { nodes: number; seed: string; rules: MembershipRules; log: (line: string) => void }): Promise<BenchChain> {
  const sys = await startLocalSystem({ startStaking: false });
  const dir = mkdtempSync(join(tmpdir(), 'sesh-bench-membership-'));
  const stop = async () => {
    await sys.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = performance.now();
    const net = stakingNet(sys);
    const admin = await sys.as(0);
    const operator = admin.account.address;
    await approveMax(admin, net);
    const requirement = await readStaking<bigint>(net, 'stakingRequirement');
    const batch = 50;
    for (let start = 0; start < options.nodes; start += batch) {
      const seeds: SeedNodeInput[] = [];
      for (let i = start; i < Math.min(options.nodes, start + batch); i++) {
        const { keys } = bulkNodeKeys(net, operator, benchIdentity(options.seed, i).secretKey);
        seeds.push({ keys, operator, feeBps: 500, contributors: [{ contributor: operator, amount: requirement }] });
      }
      // Explicit gas: estimating a batch re-executes every proof-of-possession check.
      const gas = 400_000n * BigInt(seeds.length) + 200_000n;
      const hash = await admin.walletClient.writeContract({ ...seedNodesCall(net.staking, seeds), gas } as never);
      const receipt = await admin.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`seedNodes batch at ${start} reverted`);
      if ((start / batch) % 10 === 9) options.log(`seeded ${start + seeds.length}/${options.nodes} nodes`);
    }
    await startStaking(admin, { SessionStaking: net.staking, StakingRewards: net.rewards, RewardRatePool: net.pool });
    await sys.increaseTime(25 * 3600);
    const deployments: Deployments = { ...sys.deployments, membership: { ...options.rules } };
    const deploymentsFile = join(dir, 'deployments.json');
    writeDeployments(deploymentsFile, deployments);
    return { sys, deployments, deploymentsFile, seedMs: performance.now() - started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
