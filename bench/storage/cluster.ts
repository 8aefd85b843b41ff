/**
 * The storage bench's network: a local anvil chain with the contracts, `count` registered
 * session-node processes (seeded at genesis, the devnet's rules: 5 nodes make one swarm), and
 * one more node prepared to join mid-run (registered with registerSoloNode, then started), so
 * the bench can time how long a newcomer takes to hold its swarm's messages.
 *
 * Also what the bench reads from the processes: each node's resident memory (/proc) and its
 * database's bytes on disk (the file plus its WAL).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { erc20Abi } from 'viem';
import { SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { registerSoloNodeCall } from '../../sdk/src/staking/calls.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { prepareNodes, seedPreparedNodes, spawnNode, withMembership, type PreparedNode } from '../../devnet/network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { STORAGE_RPC_PATH } from '../../sdk/src/storage/client.ts';
import { nodeDbPath } from './dataset.ts';

export type StorageCluster = {
  sys: LocalSystem;
  nodes: PreparedNode[];
  procs: Supervised[];
  /** The node prepared to join (not registered until join()). */
  joiner: PreparedNode;
  /** Registers the joiner on chain and starts its process; resolves with the time of registration (ms). */
  join: () => Promise<number>;
  stop: () => Promise<void>;
};

export async function startStorageCluster(options: { dir: string; count: number; beforeStart?: (node: PreparedNode) => void; log: (line: string) => void }): Promise<StorageCluster> {
  const sys = await startLocalSystem({ startStaking: false });
  const procs: Supervised[] = [];
  let stopTicker = () => {};
  const stop = async () => {
    stopTicker();
    await Promise.all(procs.map((p) => p.stop()));
    await sys.stop();
  };
  try {
    const admin = await sys.as(0);
    const prepared = await prepareNodes({ dir: options.dir, count: options.count + 1, deployments: sys.deployments, operator: admin.account.address });
    const nodes = prepared.slice(0, options.count);
    const joiner = prepared[options.count]!;
    const deploymentsFile = join(options.dir, 'deployments.json');
    writeDeployments(deploymentsFile, withMembership(sys.deployments, nodes));
    await seedPreparedNodes(admin, sys.deployments, nodes);
    const c = sys.deployments.contracts;
    await startStaking(admin, { SessionStaking: c.SessionStaking!, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
    stopTicker = startTicker(sys.rpc, 1);
    for (const node of nodes) options.beforeStart?.(node);
    options.log(`starting ${nodes.length} session-node processes…`);
    for (const node of nodes) procs.push(spawnNode(node, { deploymentsFile, logFile: join(node.dataDir, 'node.log') }));
    await Promise.all(procs.map((p) => p.ready));

    const joinNode = async () => {
      const staking = c.SessionStaking!;
      const requirement = (await admin.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
      await admin.send(c.SESH!, erc20Abi, 'approve', [staking, requirement]);
      procs.push(spawnNode(joiner, { deploymentsFile, logFile: join(joiner.dataDir, 'node.log') }));
      await procs.at(-1)!.ready;
      const call = registerSoloNodeCall(staking, { keys: joiner.keys, amount: requirement });
      const at = Date.now();
      await admin.send(call.address, call.abi, call.functionName, call.args as unknown as readonly unknown[]);
      return at;
    };
    return { sys, nodes, procs, joiner, join: joinNode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Whether a node serves the storage RPC at all (main.ts wires it), and what it said. */
export async function storageServed(url: string): Promise<{ ok: boolean; status: number; text: string }> {
  const response = await fetch(`${url}${STORAGE_RPC_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'info', params: {} }), signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { ok: response.status === 200, status: response.status, text: text.slice(0, 300) };
}

/** Resident memory of a process in MB (Linux /proc), or undefined if it is gone. */
export function rssMB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, ms) a process has used so far (Linux /proc), or undefined if it is gone. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name: state is 3rd, utime 14th and stime 15th of the whole line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

/** Bytes a node's database occupies on disk: the file, its WAL and shared-memory index. */
export function dbDiskBytes(dataDir: string): number {
  const base = nodeDbPath(dataDir);
  return [base, `${base}-wal`, `${base}-shm`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
}
