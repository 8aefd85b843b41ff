/**
 * Replays a front-run on the local chain: the victim's transaction, built and signed against
 * the state it read, and an attacker's transaction that lands before it in the same block
 * (automine is paused, the attacker's goes to the pool first). Returns
 * both receipts and the custom error the victim's transaction reverted with (read from the
 * block's own trace, not from a later simulation).
 */
import { decodeErrorResult, type Abi, type Address, type Hex, type TransactionReceipt } from 'viem';
import type { LocalSystem } from '../../devnet/testkit.ts';
import type { DecodedRevert } from '../../sdk/src/errors.ts';
import * as artifacts from '../../sdk/src/generated/contracts.ts';

export type Tx = { who: number; call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] } };

const GWEI = 1_000_000_000n;
const allErrors: Abi = Object.values(artifacts).flatMap((a) => (a.abi as Abi).filter((item) => item.type === 'error'));

export async function frontRun(sys: LocalSystem, victim: Tx, attacker: Tx): Promise<{ victim: TransactionReceipt; attacker: TransactionReceipt; victimRevert: DecodedRevert | undefined }> {
  const send = async (tx: Tx) => {
    const s = await sys.as(tx.who);
    // Fixed gas, no estimate: estimating the victim's call against the attacked state would fail.
    return s.walletClient.writeContract({ ...tx.call, account: s.account, chain: s.walletClient.chain, gas: 1_000_000n, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: GWEI } as never);
  };
  await sys.rpc('evm_setAutomine', [false]);
  let hashes: [Hex, Hex];
  try {
    const attackerHash = await send(attacker);
    const victimHash = await send(victim);
    hashes = [victimHash, attackerHash];
    await sys.rpc('evm_mine');
  } finally {
    await sys.rpc('evm_setAutomine', [true]);
  }
  const client = (await sys.as(0)).publicClient;
  const [v, a] = await Promise.all(hashes.map((hash) => client.getTransactionReceipt({ hash })));
  if (v!.blockNumber !== a!.blockNumber || a!.transactionIndex > v!.transactionIndex) throw new Error(`the attacker did not land first in the same block (victim ${v!.blockNumber}#${v!.transactionIndex}, attacker ${a!.blockNumber}#${a!.transactionIndex})`);
  let victimRevert: DecodedRevert | undefined;
  if (v!.status === 'reverted') {
    const trace = await sys.rpc<{ output?: Hex }>('debug_traceTransaction', [hashes[0], { tracer: 'callTracer' }]);
    if (trace.output && trace.output.length >= 10) {
      const decoded = decodeErrorResult({ abi: allErrors, data: trace.output });
      victimRevert = { name: decoded.errorName, args: decoded.args ?? [] };
    }
  }
  return { victim: v!, attacker: a!, victimRevert };
}
