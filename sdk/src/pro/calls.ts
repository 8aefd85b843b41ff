/**
 * Session Pro: call builders (buy, processor buy, approve) and status reads.
 */
import { erc20Abi, type Abi, type PublicClient } from 'viem';
import { SessionPro } from '../generated/contracts.ts';
import { contractAddress, type Deployments } from '../deployments.ts';
import { parseAccountId } from '../names/accountId.ts';
import { checkMaxPrice, type ContractCall } from '../names/calls.ts';

const pro = (d: Deployments) => contractAddress(d, 'SessionPro');

/**
 * Buys or extends tier `tierId` for `accountId` ("05…"); the sender pays (approve first).
 * `maxPrice` is the most the sender agrees to pay (SESH base units): pass the tier price
 * just read, so a price raised meanwhile reverts PriceAboveMax instead of being charged.
 */
export function buyProCall(d: Deployments, accountId: string, tierId: bigint, maxPrice: bigint): ContractCall {
  return { address: pro(d), abi: SessionPro.abi as Abi, functionName: 'buy', args: [parseAccountId(accountId), tierId, checkMaxPrice(maxPrice)] };
}

/** An authorised processor's purchase, keeping `processorFee` of the price; `maxPrice` bounds the whole price. */
export function buyProForCall(d: Deployments, accountId: string, tierId: bigint, processorFee: bigint, maxPrice: bigint): ContractCall {
  return {
    address: pro(d),
    abi: SessionPro.abi as Abi,
    functionName: 'buyFor',
    args: [parseAccountId(accountId), tierId, processorFee, checkMaxPrice(maxPrice)],
  };
}

export function approveProCall(d: Deployments, amount: bigint): ContractCall {
  return { address: contractAddress(d, 'SESH'), abi: erc20Abi as Abi, functionName: 'approve', args: [pro(d), amount] };
}

export type ProStatus = { accountId: string; expiry: bigint; active: boolean };

export async function proStatus(client: PublicClient, d: Deployments, accountId: string): Promise<ProStatus> {
  const id = parseAccountId(accountId);
  const [expiry, active] = await Promise.all([
    client.readContract({ address: pro(d), abi: SessionPro.abi, functionName: 'expiryOf', args: [id] }),
    client.readContract({ address: pro(d), abi: SessionPro.abi, functionName: 'isActive', args: [id] }),
  ]);
  return { accountId: accountId.trim().toLowerCase(), expiry: BigInt(expiry), active };
}

export type ProTier = { id: bigint; price: bigint; duration: bigint; active: boolean };

export async function proTier(client: PublicClient, d: Deployments, tierId: bigint): Promise<ProTier> {
  const [price, duration, active] = await client.readContract({ address: pro(d), abi: SessionPro.abi, functionName: 'tiers', args: [tierId] });
  return { id: tierId, price, duration: BigInt(duration), active };
}
