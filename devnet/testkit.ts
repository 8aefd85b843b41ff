/**
 * Test kit: a fresh anvil chain with the whole system deployed, plus the few chain
 * controls tests need (time travel, snapshots) and a reader for custom-error reverts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { erc20Abi, type Hex } from 'viem';
import { RewardRatePool } from '../sdk/src/generated/contracts.ts';
import { decodeRevert } from '../sdk/src/errors.ts';
import { publicClientFor } from '../sdk/src/clients.ts';
import { connectDeployer, deploySystem, type Deployer } from '../contracts/deploy/deploy.ts';
import type { Deployments } from '../sdk/src/deployments.ts';
import { startAnvil, type Anvil, type AnvilOptions } from './anvil.ts';
import { demoAccounts, type DemoAccount } from './accounts.ts';

export type LocalSystem = {
  anvil: Anvil;
  deployments: Deployments;
  accounts: DemoAccount[];
  /** Connected clients for demo account `index` (0 is the deployer). */
  as: (index: number) => Promise<Deployer>;
  rpc: <T = unknown>(method: string, params?: unknown[]) => Promise<T>;
  /** Moves chain time forward and mines a block. */
  increaseTime: (seconds: number | bigint) => Promise<void>;
  /** Fixes the timestamp of the next mined block. */
  setNextTimestamp: (timestamp: number | bigint) => Promise<void>;
  /** Timestamp of the latest block. */
  now: () => Promise<bigint>;
  /**
   * Pool balance + everything it has released: deposits raise it by exactly their amount,
   * and releases (the pool is started at deploy) leave it unchanged. Use it to check how
   * much reached the pool.
   */
  poolInflow: () => Promise<bigint>;
  snapshot: () => Promise<Hex>;
  revert: (id: Hex) => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * `startStaking: false` deploys staking without starting it (to seed nodes first).
 * `minCheckpointInterval` (seconds, StakingRewards) defaults to 0 here, so tests may land
 * checkpoints back to back; pass a value to exercise the spacing (real networks use 3600).
 */
export async function startLocalSystem(options: AnvilOptions & { startStaking?: boolean; minCheckpointInterval?: number | bigint } = {}): Promise<LocalSystem> {
  const anvil = await startAnvil({ accounts: 10, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'sesh-test-'));
  const accounts = demoAccounts(options.accounts ?? 10);
  try {
    const deployments = await deploySystem({
      rpcUrl: anvil.rpcUrl,
      deployerKey: accounts[0]!.privateKey,
      network: 'test',
      outFile: join(dir, 'test.json'),
      startStaking: options.startStaking,
      minCheckpointInterval: options.minCheckpointInterval ?? 0,
    });
    const cache = new Map<number, Deployer>();
    const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
      const response = await fetch(anvil.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      });
      const body = (await response.json()) as { result?: T; error?: { message: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message}`);
      return body.result as T;
    };
    return {
      anvil,
      deployments,
      accounts,
      async as(index) {
        if (!cache.has(index)) cache.set(index, await connectDeployer(anvil.rpcUrl, accounts[index]!.privateKey, anvil.chainId));
        return cache.get(index)!;
      },
      rpc,
      async increaseTime(seconds) {
        await rpc('evm_increaseTime', [Number(seconds)]);
        await rpc('evm_mine');
      },
      async setNextTimestamp(timestamp) {
        await rpc('evm_setNextBlockTimestamp', [Number(timestamp)]);
      },
      async now() {
        const block = await rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
        return BigInt(block.timestamp);
      },
      async poolInflow() {
        const { publicClient: client } = publicClientFor(anvil.chainId, anvil.rpcUrl);
        const address = deployments.contracts.RewardRatePool!;
        const [balance, released] = await Promise.all([
          client.readContract({ address: deployments.contracts.SESH!, abi: erc20Abi, functionName: 'balanceOf', args: [address] }),
          client.readContract({ address, abi: RewardRatePool.abi, functionName: 'totalReleased' }),
        ]);
        return balance + released;
      },
      snapshot: () => rpc<Hex>('evm_snapshot'),
      async revert(id) {
        const ok = await rpc<boolean>('evm_revert', [id]);
        if (!ok) throw new Error(`evm_revert ${id} failed`);
      },
      async stop() {
        await anvil.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

/** The custom error name a failed contract call reverted with, or undefined. */
export function revertName(error: unknown): string | undefined {
  return decodeRevert(error)?.name;
}

/** Awaits `promise` and returns the custom error it reverted with; fails if it did not revert. */
export async function expectRevert(promise: Promise<unknown>, errorName: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const name = revertName(error);
    if (name === errorName) return;
    throw new Error(`expected revert ${errorName}, got ${name ?? (error as Error).message}`);
  }
  throw new Error(`expected revert ${errorName}, but the call succeeded`);
}
