import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeFunctionData, toHex, type Address } from 'viem';
import { SESH } from '../../sdk/src/generated/contracts.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { openTracker, type Tracker, type TrackerOptions } from '../src/chain/tracker.ts';
import { createRpcPool, RpcUnavailableError } from '../src/chain/rpc.ts';
import { createTransferLedger, type TransferLedger } from './helpers/transfer-ledger.ts';
import { startRpcProxy } from './helpers/rpc-proxy.ts';

describe('chain tracker on a real anvil', () => {
  let sys: LocalSystem;
  let token: Address;
  const dirs: string[] = [];
  const open: Tracker[] = [];
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-tracker-'));
    dirs.push(dir);
    return dir;
  };
  const track = async (ledger: TransferLedger, extra: Partial<TrackerOptions> = {}) => {
    const tracker = await openTracker({
      rpc: [sys.anvil.rpcUrl],
      chainId: sys.anvil.chainId,
      deployBlock: sys.deployments.deployBlock,
      contracts: [{ address: token, abi: SESH.abi, events: ['Transfer'] }],
      dataDir: newDir(),
      consumer: ledger,
      confirmations: 0,
      ...extra,
    });
    open.push(tracker);
    return tracker;
  };
  /** The state a fresh tracker builds from the current chain: the reference. */
  const reference = async (confirmations = 0) => {
    const ledger = createTransferLedger();
    const tracker = await track(ledger, { confirmations });
    await tracker.syncOnce();
    await tracker.stop();
    return ledger.snapshot();
  };
  const transfer = async (to: number, amount: bigint) =>
    (await sys.as(0)).send(token, SESH.abi, 'transfer', [sys.accounts[to]!.address, amount]);
  const mine = (n: number) => sys.rpc('anvil_mine', [toHex(n)]);
  const head = async () => Number(BigInt(await sys.rpc<string>('eth_blockNumber')));
  /** Every balance the ledger holds equals the token's balanceOf at the ledger's height. */
  const assertMatchesChain = async (ledger: TransferLedger, height: number) => {
    const client = (await sys.as(0)).publicClient;
    for (const [holder, balance] of ledger.balances()) {
      if (/^0x0{40}$/i.test(holder)) continue;
      const onChain = await client.readContract({ address: token, abi: SESH.abi, functionName: 'balanceOf', args: [holder], blockNumber: BigInt(height) });
      assert.equal(balance, onChain, `balance of ${holder} at block ${height}`);
    }
  };

  before(async () => {
    sys = await startLocalSystem();
    token = sys.deployments.contracts.SESH!;
  });
  after(async () => {
    for (const t of open) await t.stop().catch(() => {});
    await sys.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('processes a block only once it has N confirmations, in chunks, matching balanceOf', async () => {
    const ledger = createTransferLedger();
    const tracker = await track(ledger, { confirmations: 2, chunkSize: 3 });
    await mine(2);
    await tracker.syncOnce();
    const before = ledger.eventCount();
    assert.ok(before >= 1, 'the genesis mint is seen');
    await transfer(1, 1_000n);
    const block = await head();
    await tracker.syncOnce();
    assert.equal(tracker.height(), block - 2);
    assert.equal(ledger.eventCount(), before, 'an unconfirmed transfer is not applied');
    await mine(1);
    await tracker.syncOnce();
    assert.equal(ledger.eventCount(), before, 'one confirmation is not enough');
    await mine(1);
    await tracker.syncOnce();
    assert.equal(tracker.height(), block);
    assert.equal(ledger.eventCount(), before + 1);
    await assertMatchesChain(ledger, tracker.height());
    await tracker.stop();
  });

  it('a reorg of depth 3 leaves the consumer exactly as if it had only seen the final chain', async () => {
    const ledger = createTransferLedger();
    const tracker = await track(ledger);
    await transfer(2, 111n);
    await transfer(3, 222n);
    await transfer(4, 333n);
    await tracker.syncOnce();
    const tip = await head();
    assert.equal(tracker.height(), tip);
    const countBefore = ledger.eventCount();
    // Replace the last 3 blocks by a fork that carries different transfers.
    const data = (to: number, amount: bigint) => encodeFunctionData({ abi: SESH.abi, functionName: 'transfer', args: [sys.accounts[to]!.address, amount] });
    const from = sys.accounts[0]!.address;
    await sys.rpc('anvil_reorg', [3, [[{ from, to: token, data: data(5, 555n) }, 0], [{ from, to: token, data: data(6, 666n) }, 2]]]);
    assert.equal(await head(), tip, 'anvil_reorg keeps the height');
    const report = await tracker.syncOnce();
    assert.equal(report.rolledBackTo !== undefined && report.rolledBackTo < tip - 2, true, `rolled back below the fork point (${report.rolledBackTo})`);
    assert.equal(tracker.status().reorgs, 1);
    assert.equal(ledger.eventCount(), countBefore - 3 + 2);
    assert.equal(ledger.balances().get(sys.accounts[2]!.address) ?? 0n, 0n, 'the orphaned transfer is undone');
    assert.equal(ledger.balances().get(sys.accounts[6]!.address), 666n);
    assert.equal(ledger.snapshot(), await reference(), 'same state as a tracker that only saw the final chain');
    await assertMatchesChain(ledger, tracker.height());
    await tracker.stop();
  });
});
