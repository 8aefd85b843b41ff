/**
 * The gateway's transactions, with a real lifecycle instead of "send and wait up to 180 s":
 *   simulate (a revert is decoded against every contract's errors and never sent) →
 *   sign locally with an explicit nonce and fees → broadcast → poll until the receipt is
 *   `confirmations` deep AND its block is still the canonical one at that height.
 * While waiting: a transaction the RPC node no longer knows (dropped, or mined in a block a
 * reorg removed) is signed again at the account's current nonce and re-sent; one pending for
 * longer than `replaceAfterMs` is replaced (same nonce, fees +25%). The whole wait is
 * bounded by `waitMs`. One submission at a time, so nonces never collide.
 */
import { encodeFunctionData, keccak256, type Abi, type Address, type Hex, type LocalAccount } from 'viem';
import { decodeRevert } from '../../sdk/src/errors.ts';
import type { RpcRequest } from '../chain/rpc.ts';

export type SubmitFailure = 'reverted' | 'timeout' | 'unavailable';

export class SubmitError extends Error {
  override name = 'SubmitError';
  constructor(
    readonly kind: SubmitFailure,
    message: string,
    /** For 'reverted': the decoded custom error, e.g. "NodeKeyNotActive(5)". */
    readonly revert?: string,
  ) {
    super(message);
  }
}

/** "Name(arg, …)" of the custom error a call reverted with, or the error's first line. */
export function describeRevert(error: unknown): string {
  const decoded = decodeRevert(error);
  if (decoded) return `${decoded.name}(${decoded.args.map((a) => String(a)).join(', ')})`;
  return ((error as Error)?.message ?? String(error)).split('\n')[0]!;
}

export type ContractCall = { to: Address; abi: Abi; functionName: string; args?: readonly unknown[] };
export type Submitted = { hash: Hex; blockNumber: number; sends: number; ms: number };

export type Submitter = {
  submit: (call: ContractCall, options?: { waitMs?: number; what?: string }) => Promise<Submitted>;
};

type Receipt = { status: Hex; blockNumber: Hex; blockHash: Hex };
type Sent = { hash: Hex; nonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint; at: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createSubmitter(options: {
  rpc: RpcRequest;
  account: LocalAccount;
  chainId: number;
  /** Simulation with decoded reverts (viem's estimateContractGas); must reject on a revert. */
  estimateGas: (call: ContractCall & { account: Address }) => Promise<bigint>;
  confirmations: number;
  waitMs: number;
  replaceAfterMs?: number;
  pollMs?: number;
  log?: (line: string) => void;
}): Submitter {
  const { rpc, account } = options;
  const log = options.log ?? (() => {});
  const replaceAfterMs = options.replaceAfterMs ?? 15_000;
  const pollMs = options.pollMs ?? 250;
  /** Fees last used per nonce: a replacement must outbid them. */
  const feesAt = new Map<number, { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }>();
  let queue: Promise<unknown> = Promise.resolve();

  /** Fees for `nonce`: the chain's, but +25% over what we last offered at this nonce (a replacement must outbid it). */
  const fees = async (nonce: number) => {
    const [block, tipHex] = await Promise.all([
      rpc<{ baseFeePerGas?: Hex }>('eth_getBlockByNumber', ['latest', false]),
      rpc<Hex>('eth_maxPriorityFeePerGas').catch(() => '0x3b9aca00' as Hex), // 1 gwei
    ]);
    const previous = feesAt.get(nonce);
    const outbid = (value: bigint, before?: bigint) => (before === undefined || value > (before * 5n) / 4n ? value : (before * 5n) / 4n + 1n);
    const maxPriorityFeePerGas = outbid(BigInt(tipHex), previous?.maxPriorityFeePerGas);
    const maxFeePerGas = outbid(2n * BigInt(block.baseFeePerGas ?? '0x0') + maxPriorityFeePerGas, previous?.maxFeePerGas);
    return { maxFeePerGas, maxPriorityFeePerGas };
  };

  async function signAndSend(data: Hex, to: Address, gas: bigint): Promise<Sent> {
    for (let attempt = 0; ; attempt++) {
      const nonce = Number(BigInt(await rpc<Hex>('eth_getTransactionCount', [account.address, 'latest'])));
      const fee = await fees(nonce);
      const raw = await account.signTransaction({ chainId: options.chainId, type: 'eip1559', to, data, gas, nonce, ...fee });
      const hash = keccak256(raw);
      feesAt.set(nonce, fee);
      if (feesAt.size > 64) feesAt.delete(feesAt.keys().next().value!);
      try {
        await rpc<Hex>('eth_sendRawTransaction', [raw]);
      } catch (error) {
        const message = (error as Error).message;
        // Our earlier transaction just took this nonce, or a pending one outbids us: sign again.
        if (attempt < 4 && /nonce too low|underpriced|already imported|replacement/i.test(message)) continue;
        if (!/already known/i.test(message)) throw error;
      }
      return { hash, nonce, ...fee, at: Date.now() };
    }
  }

  async function run(call: ContractCall, waitMs: number, what: string): Promise<Submitted> {
    const started = Date.now();
    const deadline = started + waitMs;
    const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args ?? [] } as never);
    let estimate: bigint;
    try {
      estimate = await options.estimateGas({ ...call, account: account.address });
    } catch (error) {
      const revert = describeRevert(error);
      throw new SubmitError(decodeRevert(error) || /revert/i.test(revert) ? 'reverted' : 'unavailable', `${what} would revert: ${revert}`, revert);
    }
    // Headroom for time-dependent paths (see deploy.ts send); only the gas used is paid.
    const gas = estimate + (estimate / 2n > 80_000n ? estimate / 2n : 80_000n);
    const sent: Sent[] = [await signAndSend(data, call.to, gas)];
    let lastPollError: string | undefined;
    while (Date.now() < deadline) {
      await sleep(pollMs);
      try {
        const landed = await poll(sent, data, call, gas, what);
        if (landed) return { ...landed, sends: sent.length, ms: Date.now() - started };
        lastPollError = undefined;
      } catch (error) {
        if (error instanceof SubmitError) throw error;
        // The RPC hiccuped: keep polling until the deadline (the transaction is out there).
        lastPollError = (error as Error).message.split('\n')[0];
      }
    }
    throw new SubmitError('timeout', `${what} was not confirmed within ${waitMs} ms (last tx ${sent.at(-1)!.hash}, ${sent.length} sent${lastPollError ? `; last RPC error: ${lastPollError}` : ''})`);
  }

  /** One look at the chain: the confirmed version of our transaction, if any; re-sends or replaces on the way. */
  async function poll(sent: Sent[], data: Hex, call: ContractCall, gas: bigint, what: string): Promise<{ hash: Hex; blockNumber: number } | undefined> {
    const current = sent.at(-1)!;
    let currentStale = false;
    // Any of our versions may be the one that was mined.
    for (const s of sent) {
      const receipt = await rpc<Receipt | null>('eth_getTransactionReceipt', [s.hash]);
      if (!receipt) continue;
      const mined = Number(BigInt(receipt.blockNumber));
      const head = Number(BigInt(await rpc<Hex>('eth_blockNumber')));
      if (head - mined < options.confirmations) break; // wait for depth, then check again
      const canonical = await rpc<{ hash: Hex } | null>('eth_getBlockByNumber', [receipt.blockNumber, false]);
      if (canonical?.hash !== receipt.blockHash) {
        currentStale ||= s === current; // a receipt from a block a reorg removed
        continue;
      }
      if (receipt.status !== '0x1') {
        let revert = 'reverted on chain';
        try {
          await options.estimateGas({ ...call, account: account.address });
        } catch (error) {
          revert = describeRevert(error);
        }
        throw new SubmitError('reverted', `${what} reverted on chain (tx ${s.hash}): ${revert}`, revert);
      }
      return { hash: s.hash, blockNumber: mined };
    }
    const known = await rpc<{ blockHash: Hex | null } | null>('eth_getTransactionByHash', [current.hash]);
    if (!known || currentStale) {
      log(`gateway: ${what} tx ${current.hash} (nonce ${current.nonce}) was dropped; signing it again`);
      sent.push(await signAndSend(data, call.to, gas));
    } else if (known.blockHash === null && Date.now() - current.at > replaceAfterMs) {
      log(`gateway: ${what} tx ${current.hash} pending for ${Date.now() - current.at} ms; replacing it with higher fees`);
      sent.push(await signAndSend(data, call.to, gas));
    }
    return undefined;
  }

  return {
    submit(call, submitOptions = {}) {
      const what = submitOptions.what ?? call.functionName;
      const next = queue.then(() =>
        run(call, submitOptions.waitMs ?? options.waitMs, what).catch((error: unknown) => {
          if (error instanceof SubmitError) throw error;
          throw new SubmitError('unavailable', `${what}: ${(error as Error).message.split('\n')[0]}`);
        }),
      );
      queue = next.catch(() => {});
      return next;
    },
  };
}
