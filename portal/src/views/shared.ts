/** Helpers shared by the staking views. */
import type { Address } from 'viem';
import { approveStakeCall } from '../../../sdk/src/staking/calls.ts';
import { InvalidAmountError } from '../../../sdk/src/units.ts';
import type { Data } from '../data/use-network-data.ts';
import type { Env } from '../chain.ts';
import { parseAmountInput } from '../format.ts';
import type { ContractCall, Run, Step } from '../tx.ts';
import type { Wallet } from '../wallet.ts';

/** `busy`: a transaction is in flight (or under review); every sending button is disabled. */
export type ViewProps = { env: Env; wallet?: Wallet; data?: Data; run: Run; busy: boolean };

/** "approve" first when the staking contract may not yet spend `amount` of the sender's SESH. */
export function withApproval(env: Env, allowance: bigint, amount: bigint, step: Step): Step[] {
  const approve = approveStakeCall(env.contracts.SESH, env.contracts.SessionStaking, amount) as unknown as ContractCall;
  return allowance >= amount ? [step] : [{ label: 'Approve SESH', call: approve }, step];
}

/** Parses a SESH amount typed by a person ("3,000" is fine); returns the amount or a sentence. */
export function readAmount(text: string): bigint | string {
  try {
    const amount = parseAmountInput(text);
    return amount > 0n ? amount : 'Enter an amount above zero.';
  } catch (error) {
    return error instanceof InvalidAmountError ? 'Enter a SESH amount, e.g. 5000, 3,000 or 2500.5 (at most 9 decimals).' : (error as Error).message;
  }
}

export const same = (a?: Address, b?: Address) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
