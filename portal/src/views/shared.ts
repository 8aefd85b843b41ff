/** Helpers shared by the staking views. */
import type { Address } from 'viem';
import { approveStakeCall } from '../../../sdk/src/staking/calls.ts';
import { InvalidAmountError, parseSesh } from '../../../sdk/src/units.ts';
import type { Data } from '../data/use-network-data.ts';
import type { Env } from '../chain.ts';
import type { ContractCall, Run, Step } from '../tx.ts';
import type { Wallet } from '../wallet.ts';

export type ViewProps = { env: Env; wallet?: Wallet; data?: Data; run: Run };

/** "approve" first when the staking contract may not yet spend `amount` of the sender's SESH. */
export function withApproval(env: Env, allowance: bigint, amount: bigint, step: Step): Step[] {
  const approve = approveStakeCall(env.contracts.SESH, env.contracts.SessionStaking, amount) as unknown as ContractCall;
  return allowance >= amount ? [step] : [{ label: 'Approve SESH', call: approve }, step];
}

/** Parses a SESH amount typed by a person; returns the amount or a sentence. */
export function readAmount(text: string): bigint | string {
  try {
    const amount = parseSesh(text);
    return amount > 0n ? amount : 'Enter an amount above zero.';
  } catch (error) {
    return error instanceof InvalidAmountError ? 'Enter a SESH amount, e.g. 5000 or 2500.5 (at most 9 decimals).' : (error as Error).message;
  }
}

export const same = (a?: Address, b?: Address) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
