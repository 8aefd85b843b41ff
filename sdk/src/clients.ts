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

export function publicClientFor(chainId: number, rpcUrl: string): Clients {
  const chain = chainFor(chainId, rpcUrl);
  // Local chains mine instantly; poll fast so tests and the devnet stay quick.
  const pollingInterval = rpcUrl.includes('127.0.0.1') || rpcUrl.includes('localhost') ? 50 : 4_000;
  return { chain, publicClient: createPublicClient({ chain, transport: http(rpcUrl), pollingInterval }) };
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
  const walletClient = createWalletClient({ chain: clients.chain, transport: http(rpcUrl), account });
  return { ...clients, account, walletClient };
}
