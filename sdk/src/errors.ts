/**
 * Turns a failed contract call into the custom error it reverted with, whichever contract
 * raised it, so callers can show "StakeBelowMinimum(…)" instead of raw revert bytes.
 */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from 'viem';
import * as artifacts from './generated/contracts.ts';

/** Every custom error of every contract, for decoding reverts from any of them. */
const allErrors: Abi = Object.values(artifacts).flatMap((artifact) =>
  (artifact.abi as Abi).filter((item) => item.type === 'error'),
);

export type DecodedRevert = { name: string; args: readonly unknown[] };

function revertData(error: BaseError): Hex | undefined {
  let data: Hex | undefined;
  error.walk((e) => {
    const candidate = (e as { data?: unknown }).data;
    if (typeof candidate === 'string' && candidate.startsWith('0x') && candidate.length >= 10) data = candidate as Hex;
    else if (candidate && typeof candidate === 'object' && typeof (candidate as { data?: unknown }).data === 'string') {
      data = (candidate as { data: Hex }).data;
    }
    return false;
  });
  if (data) return data;
  // Some paths (contract creation) only carry the revert data in the message text.
  const match = /custom error (0x[0-9a-fA-F]{8}):\s*([0-9a-fA-F]*)/.exec(error.message);
  return match ? (`${match[1]}${match[2]}` as Hex) : undefined;
}

/** The decoded custom error a call reverted with, or undefined if it is not one of ours. */
export function decodeRevert(error: unknown): DecodedRevert | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
    return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
  }
  const data = revertData(error);
  if (!data) return undefined;
  try {
    const decoded = decodeErrorResult({ abi: allErrors, data });
    return { name: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return undefined;
  }
}
