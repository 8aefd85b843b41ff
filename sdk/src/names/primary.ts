/**
 * Verified primary (reverse) names: the account signs, with its Session ed25519 key, which
 * name is its primary name (SessionNameRegistry.setVerifiedPrimaryName). Unverified primary
 * names are only asserted by a name's owner; verified ones cannot be replaced by others.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, encodeAbiParameters, hexToBytes, keccak256, type Abi, type Address, type Hex, type PublicClient } from 'viem';
import { SessionNameRegistry } from '../generated/contracts.ts';
import { contractAddress, type Deployments } from '../deployments.ts';
import { parseAccountId } from './accountId.ts';
import type { ContractCall } from './calls.ts';
import { nameId } from './hash.ts';

export const PRIMARY_DOMAIN = keccak256(new TextEncoder().encode('SESH/SNS-primary/v2'));

/**
 * The message SessionNameRegistry.primaryNameMessage(accountId, id): bound to the account's
 * nonce and to the name's version (bumped when it changes hands), so a signature made for
 * one holding of the name is void once the name is transferred or re-registered.
 */
export function primaryNameMessage(chainId: number, registry: Address, accountId: string, name: string, version: number, nonce: bigint): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }, { type: 'uint256' }, { type: 'uint32' }, { type: 'uint256' }],
      [PRIMARY_DOMAIN, BigInt(chainId), registry, parseAccountId(accountId), nameId(name), version, nonce],
    ),
  );
}

/**
 * Builds the setVerifiedPrimaryName call: reads the account's nonce and the name's version
 * and signs with the account's Session ed25519 secret key. The sender must own `name`,
 * which must point to the account.
 */
export async function setVerifiedPrimaryNameCall(client: PublicClient, d: Deployments, name: string, accountId: string, sessionSecretKey: Uint8Array): Promise<ContractCall> {
  const registry = contractAddress(d, 'SessionNameRegistry');
  const [nonce, [entry]] = await Promise.all([
    client.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'primaryNonce', args: [parseAccountId(accountId)] }),
    client.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId(name)] }),
  ]);
  const message = primaryNameMessage(d.chainId, registry, accountId, name, entry.version, nonce);
  const sig = ed25519.sign(hexToBytes(message), sessionSecretKey);
  return {
    address: registry,
    abi: SessionNameRegistry.abi as Abi,
    functionName: 'setVerifiedPrimaryName',
    args: [nameId(name), bytesToHex(ed25519.getPublicKey(sessionSecretKey)), bytesToHex(sig.slice(0, 32)), bytesToHex(sig.slice(32))],
  };
}

/** The primary name of an account and whether the account itself signed the choice. */
export async function primaryNameInfo(client: PublicClient, d: Deployments, accountId: string): Promise<{ name: string | undefined; verified: boolean }> {
  const [name, verified] = await client.readContract({
    address: contractAddress(d, 'SessionNameRegistry'),
    abi: SessionNameRegistry.abi,
    functionName: 'primaryNameOf',
    args: [parseAccountId(accountId)],
  });
  return { name: name === '' ? undefined : name, verified };
}
