/**
 * StakingRewards.minCheckpointInterval: the chain time that must pass between two
 * checkpoints. It is immutable, so the node reads it once and keeps it. A contract without
 * the function (a deployment older than it) reverts: that reads as 0, no interval, which is
 * what such a contract enforces. A transport failure is not an answer: the next signing
 * request asks again, and until the chain answers the node refuses with 503.
 */
import { decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import { RpcResponseError, type RpcRequest } from '../../../core/chain/rpc.ts';
import { unavailable } from '../../../core/http/errors.ts';

const ABI = parseAbi(['function minCheckpointInterval() view returns (uint256)']);

/** Seconds, or 0 if the contract has no such function (the call reverts or returns nothing). */
export async function readMinCheckpointInterval(rpc: RpcRequest, rewards: Address): Promise<number> {
  let result: Hex;
  try {
    result = await rpc<Hex>('eth_call', [{ to: rewards, data: encodeFunctionData({ abi: ABI, functionName: 'minCheckpointInterval' }) }, 'latest']);
  } catch (error) {
    if (error instanceof RpcResponseError) return 0;
    throw error;
  }
  if (!result || result === '0x') return 0;
  const seconds = decodeFunctionResult({ abi: ABI, functionName: 'minCheckpointInterval', data: result });
  if (seconds > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`minCheckpointInterval ${seconds} is not a usable number of seconds`);
  return Number(seconds);
}

/** Reads once on success; a failed read is retried by the next caller. */
export function minCheckpointIntervalSource(rpc: RpcRequest, rewards: Address, log: (line: string) => void = () => {}): () => Promise<number> {
  let known: number | undefined;
  let pending: Promise<number> | undefined;
  return async () => {
    if (known !== undefined) return known;
    pending ??= readMinCheckpointInterval(rpc, rewards)
      .then((seconds) => {
        known = seconds;
        log(`signing: minimum checkpoint interval ${seconds} s`);
        return seconds;
      })
      .finally(() => (pending = undefined));
    try {
      return await pending;
    } catch (error) {
      throw unavailable(`cannot read StakingRewards.minCheckpointInterval from the chain yet (${(error as Error).message}); retry shortly`);
    }
  };
}
