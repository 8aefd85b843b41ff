/**
 * Call builders for the name contracts: each returns { address, abi, functionName, args },
 * ready for walletClient.writeContract or a Deployer's send. Inputs are validated here so a
 * bad name or account ID fails before any transaction is sent.
 */
import { erc20Abi, type Abi, type Address, type Hex } from 'viem';
import { SessionNameRegistrar, SessionNameRegistry } from '../generated/contracts.ts';
import { contractAddress, type Deployments } from '../deployments.ts';
import { parseAccountId } from './accountId.ts';
import { makeCommitment } from './commitment.ts';
import { nameId } from './hash.ts';
import { normaliseName } from './rules.ts';

export type ContractCall = { address: Address; abi: Abi; functionName: string; args: readonly unknown[] };

const registrar = (d: Deployments) => contractAddress(d, 'SessionNameRegistrar');
const registry = (d: Deployments) => contractAddress(d, 'SessionNameRegistry');
const call = (address: Address, abi: Abi, functionName: string, args: readonly unknown[]): ContractCall => ({ address, abi, functionName, args });

export type RegistrationRequest = { name: string; owner: Address; accountId: string; secret: Hex; years?: number };

/** Step 1: commit. Returns the call and the commitment. */
export function commitCall(d: Deployments, r: RegistrationRequest): { call: ContractCall; commitment: Hex } {
  const commitment = makeCommitment({ registrar: registrar(d), name: r.name, owner: r.owner, accountId: parseAccountId(r.accountId), secret: r.secret });
  return { call: call(registrar(d), SessionNameRegistrar.abi as Abi, 'commit', [commitment]), commitment };
}

/** A price limit must be a non-negative whole number of SESH base units. */
export class InvalidMaxPriceError extends Error {
  override name = 'InvalidMaxPriceError';
  constructor(readonly maxPrice: unknown) {
    super(`maxPrice must be a whole, non-negative number of SESH base units (bigint), not ${String(maxPrice)}`);
  }
}

/** Checks a maxPrice before it goes into a call (the contract would only see a uint256). */
export function checkMaxPrice(maxPrice: bigint): bigint {
  if (typeof maxPrice !== 'bigint' || maxPrice < 0n || maxPrice >= 2n ** 256n) throw new InvalidMaxPriceError(maxPrice);
  return maxPrice;
}

/**
 * Step 2 (60 s to 24 h after the commit): register. The sender pays (approve first).
 * `maxPrice` is the most the sender agrees to pay, premium included (SESH base units):
 * pass the registrationPrice just read, so a price raised meanwhile reverts PriceAboveMax.
 */
export function registerCall(d: Deployments, r: RegistrationRequest, maxPrice: bigint): ContractCall {
  return call(registrar(d), SessionNameRegistrar.abi as Abi, 'register', [
    normaliseName(r.name),
    r.owner,
    parseAccountId(r.accountId),
    r.secret,
    BigInt(r.years ?? 1),
    checkMaxPrice(maxPrice),
  ]);
}

/** Renews `name` for `years` years; refused (PriceAboveMax) if the price exceeds `maxPrice`. */
export function renewCall(d: Deployments, name: string, years: number, maxPrice: bigint): ContractCall {
  return call(registrar(d), SessionNameRegistrar.abi as Abi, 'renew', [normaliseName(name), BigInt(years), checkMaxPrice(maxPrice)]);
}

/** Approves the registrar to take `amount` SESH from the sender. */
export function approveRegistrarCall(d: Deployments, amount: bigint): ContractCall {
  return call(contractAddress(d, 'SESH'), erc20Abi as Abi, 'approve', [registrar(d), amount]);
}

/** Transfers name `name` from `from` to `to` (wipes its records). */
export function transferCall(d: Deployments, name: string, from: Address, to: Address): ContractCall {
  return call(registry(d), SessionNameRegistry.abi as Abi, 'safeTransferFrom', [from, to, nameId(name)]);
}

export function setAccountIdCall(d: Deployments, name: string, accountId: string): ContractCall {
  return call(registry(d), SessionNameRegistry.abi as Abi, 'setAccountId', [nameId(name), parseAccountId(accountId)]);
}

export function setTextCall(d: Deployments, name: string, key: string, value: string): ContractCall {
  return call(registry(d), SessionNameRegistry.abi as Abi, 'setText', [nameId(name), key, value]);
}

/** Makes `name` the primary name of the account it points to. */
export function setPrimaryNameCall(d: Deployments, name: string): ContractCall {
  return call(registry(d), SessionNameRegistry.abi as Abi, 'setPrimaryName', [nameId(name)]);
}
