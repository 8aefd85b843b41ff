/**
 * The submission lifecycle against a real anvil: a transaction a reorg drops is signed again
 * and lands; a call that would revert is refused with its decoded custom error (even one
 * raised by another contract) and nothing is sent; a stuck one is replaced and the wait is
 * bounded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hex, LocalAccount } from 'viem';
import { RewardRatePool, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { createRpcPool } from '../chain/rpc.ts';
import { createSubmitter, SubmitError, type Submitter } from '../rounds/submit.ts';
import type { Deployer } from '../../contracts/deploy/deploy.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gateway transaction submission (real anvil)', { timeout: 90_000 }, () => {
  let sys: LocalSystem;
  let deployer: Deployer;
  let lines: string[];
  const submitter = (waitMs: number, replaceAfterMs = 15_000): Submitter =>
    createSubmitter({
      rpc: createRpcPool({ urls: [sys.anvil.rpcUrl], timeoutMs: 2_000, maxAttempts: 1 }).request,
      account: deployer.account as LocalAccount,
      chainId: sys.deployments.chainId,
      estimateGas: (call) => deployer.publicClient.estimateContractGas({ address: call.to, abi: call.abi, functionName: call.functionName, args: call.args ?? [], account: call.account } as never),
      confirmations: 1,
      waitMs,
      replaceAfterMs,
      pollMs: 100,
      log: (line) => lines.push(line),
    });
  const nonce = async () => Number(BigInt(await sys.rpc<Hex>('eth_getTransactionCount', [deployer.account.address, 'latest'])));

  before(async () => {
    sys = await startLocalSystem();
    deployer = await sys.as(3);
  });
  after(async () => {
    await sys?.stop();
  });
  it('a transaction dropped by a depth-3 reorg before it is confirmed is signed again and lands', async () => {
    lines = [];
    const pool = sys.deployments.contracts.RewardRatePool!;
    await sys.increaseTime(3_600); // something to release
    const sending = submitter(20_000).submit({ to: pool, abi: RewardRatePool.abi, functionName: 'release' });
    // Automine puts it in a block at once; with no block on top it is not confirmed yet.
    const first = await (async () => {
      for (let i = 0; i < 100; i++) {
        const block = await sys.rpc<{ transactions: Hex[] }>('eth_getBlockByNumber', ['latest', false]);
        if (block.transactions.length > 0) return block.transactions[0]!;
        await sleep(20);
      }
      throw new Error('the release was never mined');
    })();
    await sys.rpc('anvil_reorg', [3, []]);
    assert.equal(await sys.rpc('eth_getTransactionReceipt', [first]), null, 'the reorg dropped it');
    const miner = setInterval(() => void sys.rpc('evm_mine').catch(() => {}), 300);
    try {
      const landed = await sending;
      assert.ok(landed.sends >= 2, `signed again (${landed.sends} sends)`);
      const receipt = await sys.rpc<{ status: Hex; blockHash: Hex; blockNumber: Hex }>('eth_getTransactionReceipt', [landed.hash]);
      assert.equal(receipt.status, '0x1');
      const canonical = await sys.rpc<{ hash: Hex }>('eth_getBlockByNumber', [receipt.blockNumber, false]);
      assert.equal(canonical.hash, receipt.blockHash, 'in the canonical chain');
      assert.ok(lines.some((l) => /was dropped; signing it again/.test(l)), lines.join('\n'));
    } finally {
      clearInterval(miner);
    }
  });

  it('a call that would revert is refused with the decoded error of whichever contract raised it, and nothing is sent', async () => {
    const before = await nonce();
    const now = await sys.now();
    const noSignature = { sigma: { x: 0n, y: 0n }, apkG2: { x: [0n, 0n], y: [0n, 0n] }, nonSigners: [], nonSignerY: [] };
    // No node is registered: the staking contract's check raises NoActiveNodes(), an error
    // StakingRewards' own ABI does not have.
    const error = await submitter(5_000)
      .submit({ to: sys.deployments.contracts.StakingRewards!, abi: StakingRewards.abi, functionName: 'authoriseRewards', args: [1n, `0x${'11'.repeat(32)}`, 0n, 1n, now, noSignature] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof SubmitError, String(error));
    assert.equal(error.kind, 'reverted');
    assert.equal(error.revert, 'NoActiveNodes()');
    assert.match(error.message, /would revert: NoActiveNodes\(\)/);
    assert.equal(await nonce(), before, 'no transaction was sent');
  });

  it('a transaction that stays pending is replaced with higher fees, and the wait ends at its bound', async () => {
    lines = [];
    await sys.rpc('evm_setAutomine', [false]);
    try {
      await sys.increaseTime(60);
      const started = Date.now();
      const error = await submitter(2_500, 800)
        .submit({ to: sys.deployments.contracts.RewardRatePool!, abi: RewardRatePool.abi, functionName: 'release' })
        .then(() => undefined, (e: unknown) => e);
      const took = Date.now() - started;
      assert.ok(error instanceof SubmitError && error.kind === 'timeout', String(error));
      assert.ok(took < 4_500, `bounded wait (${took} ms)`);
      assert.ok(lines.some((l) => /replacing it with higher fees/.test(l)), lines.join('\n'));
      const content = await sys.rpc<{ pending: Record<string, Record<string, { maxFeePerGas: Hex }>> }>('txpool_content');
      const mine = Object.entries(content.pending).find(([a]) => a.toLowerCase() === deployer.account.address.toLowerCase())?.[1];
      assert.equal(Object.keys(mine ?? {}).length, 1, 'one transaction per nonce: replaced, not queued');
    } finally {
      await sys.rpc('evm_setAutomine', [true]);
      await sys.rpc('evm_mine');
    }
  });
});
