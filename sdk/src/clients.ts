/**
 * viem clients for a chain known only by its RPC URL and chain id (from a deployments file).
 */
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

export type Clients = {
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
};

export type SignerClients = Clients & {
  account: Account;
  walletClient: WalletClient<Transport, Chain, Account>;
};

export class InvalidPrivateKeyError extends Error {
  override name = 'InvalidPrivateKeyError';
}

export function chainFor(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? 'Session devnet' : `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

function isLocal(rpcUrl: string): boolean {
  return rpcUrl.includes('127.0.0.1') || rpcUrl.includes('localhost');
}

/** Local chains mine instantly: poll fast so tests and the devnet stay quick. */
function pollingIntervalFor(rpcUrl: string): number {
  return isLocal(rpcUrl) ? 50 : 4_000;
}

/**
 * A local anvil on a loaded 2-core machine can take longer than viem's 10 s default to
 * answer a large transaction (seeding thousands of nodes); give it a minute.
 */
function transportFor(rpcUrl: string): Transport {
  return http(rpcUrl, isLocal(rpcUrl) ? { timeout: 60_000 } : {});
}

export function publicClientFor(chainId: number, rpcUrl: string): Clients {
  const chain = chainFor(chainId, rpcUrl);
  return { chain, publicClient: createPublicClient({ chain, transport: transportFor(rpcUrl), pollingInterval: pollingIntervalFor(rpcUrl) }) };
}

/** Parses a 0x-prefixed 32-byte private key, with an error that says what is wrong. */
export function accountFromKey(key: string): Account {
  const trimmed = key.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(trimmed)) {
    throw new InvalidPrivateKeyError('the private key must be 0x followed by 64 hex digits (32 bytes)');
  }
  try {
    return privateKeyToAccount(trimmed as Hex);
  } catch (error) {
    throw new InvalidPrivateKeyError(`the private key is not a valid secp256k1 key: ${(error as Error).message}`);
  }
}

export function signerClientsFor(chainId: number, rpcUrl: string, account: Account): SignerClients {
  const clients = publicClientFor(chainId, rpcUrl);
  const walletClient = createWalletClient({ chain: clients.chain, transport: transportFor(rpcUrl), account });
  return { ...clients, account, walletClient };
}
