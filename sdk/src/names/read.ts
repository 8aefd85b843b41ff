/**
 * On-chain reads of the name service: resolve name → account ID, reverse lookup, price,
 * availability.
 */
import type { Hex, PublicClient } from 'viem';
import { SessionNameRegistrar, SessionNameRegistry } from '../generated/contracts.ts';
import { contractAddress, type Deployments } from '../deployments.ts';
import { formatAccountId, parseAccountId } from './accountId.ts';
import { nameId } from './hash.ts';
import { normaliseName } from './rules.ts';

export type NameInfo = {
  name: string;
  id: bigint;
  /** Session account ID ("05…"), undefined if the name is unknown or expired. */
  accountId: string | undefined;
  /** Unix seconds; 0 if the name never existed. */
  expiry: bigint;
  available: boolean;
  /** Owner of the ERC-721 token; undefined for unclaimed Oxen imports or unregistered names. */
  owner: Hex | undefined;
  /** Set for an imported Oxen name its old owner has not claimed yet. */
  imported: boolean;
};

export async function lookupName(client: PublicClient, d: Deployments, name: string): Promise<NameInfo> {
  const normal = normaliseName(name);
  const id = nameId(normal);
  const address = contractAddress(d, 'SessionNameRegistry');
  const abi = SessionNameRegistry.abi;
  const [[entry], resolved, available] = await Promise.all([
    client.readContract({ address, abi, functionName: 'entryOf', args: [id] }),
    client.readContract({ address, abi, functionName: 'resolveId', args: [id] }),
    client.readContract({ address, abi, functionName: 'available', args: [id] }),
  ]);
  let owner: Hex | undefined;
  if (!available && !entry.imported) {
    try {
      owner = await client.readContract({ address, abi, functionName: 'ownerOf', args: [id] });
    } catch {
      owner = undefined;
    }
  }
  return { name: normal, id, accountId: formatAccountId(resolved[0]), expiry: BigInt(entry.expiry), available, owner, imported: entry.imported };
}

/** The account ID `name` points to, or undefined if it does not resolve (unknown or expired). */
export async function resolveName(client: PublicClient, d: Deployments, name: string): Promise<string | undefined> {
  const [accountId] = await client.readContract({
    address: contractAddress(d, 'SessionNameRegistry'),
    abi: SessionNameRegistry.abi,
    functionName: 'resolveId',
    args: [nameId(name)],
  });
  return formatAccountId(accountId);
}

/** The primary name of a Session account ID, or undefined. */
export async function reverseLookup(client: PublicClient, d: Deployments, accountId: string): Promise<string | undefined> {
  const name = await client.readContract({
    address: contractAddress(d, 'SessionNameRegistry'),
    abi: SessionNameRegistry.abi,
    functionName: 'primaryName',
    args: [parseAccountId(accountId)],
  });
  return name === '' ? undefined : name;
}

/** SESH base units to register `name` now for `years` years (premium included). */
export async function registrationPrice(client: PublicClient, d: Deployments, name: string, years = 1): Promise<bigint> {
  return client.readContract({
    address: contractAddress(d, 'SessionNameRegistrar'),
    abi: SessionNameRegistrar.abi,
    functionName: 'registrationPrice',
    args: [normaliseName(name), BigInt(years)],
  });
}

/** SESH base units to renew `name` for `years` years. */
export async function renewalPrice(client: PublicClient, d: Deployments, name: string, years = 1): Promise<bigint> {
  return client.readContract({
    address: contractAddress(d, 'SessionNameRegistrar'),
    abi: SessionNameRegistrar.abi,
    functionName: 'price',
    args: [BigInt(new TextEncoder().encode(normaliseName(name)).length), BigInt(years)],
  });
}
