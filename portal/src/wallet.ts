/**
 * Wallets: any EIP-1193 injected provider (window.ethereum) through viem's custom transport,
 * or — on the devnet only (chain 31337) — a demo account whose well-known test key signs
 * locally through a viem local account.
 */
import { createWalletClient, custom, getAddress, http, numberToHex, type Account, type Address, type Chain, type EIP1193Provider, type Transport, type WalletClient } from 'viem';

export const DEVNET_CHAIN_ID = 31337;

export type Wallet = {
  kind: 'injected' | 'demo';
  label: string;
  address: Address;
  /** The chain the wallet is on (a demo account is always on the portal's chain). */
  chainId: number;
  client: WalletClient<Transport, Chain, Account>;
};

declare global {
  interface Window {
    ethereum?: EIP1193Provider;
  }
}

export const injectedProvider = (): EIP1193Provider | undefined => (typeof window === 'undefined' ? undefined : window.ethereum);

export class WalletError extends Error {
  override name = 'WalletError';
}

export async function connectInjected(chain: Chain): Promise<Wallet> {
  const provider = injectedProvider();
  if (!provider) throw new WalletError('No browser wallet found. Install one (any EIP-1193 wallet) or use a devnet demo account.');
  const accounts = (await provider.request({ method: 'eth_requestAccounts' })) as string[];
  if (!accounts[0]) throw new WalletError('The wallet shared no account. Unlock it and try again.');
  const address = getAddress(accounts[0]);
  const chainId = Number(await provider.request({ method: 'eth_chainId' }));
  const client = createWalletClient({ account: address as unknown as Account, chain, transport: custom(provider) }) as unknown as WalletClient<Transport, Chain, Account>;
  return { kind: 'injected', label: 'Browser wallet', address, chainId, client };
}

/** Demo account `index` of the devnet (the anvil test mnemonic). Never on a real network. */
export async function connectDemo(chain: Chain, index: number): Promise<Wallet> {
  if (chain.id !== DEVNET_CHAIN_ID) throw new WalletError('Demo accounts exist only on the devnet (chain 31337).');
  const { demoKeys, localAccount } = await import('./demo.ts'); // a separate chunk, loaded on the devnet only
  const key = (await demoKeys())[index];
  if (!key) throw new WalletError(`There is no demo account #${index}.`);
  const account = localAccount(key.privateKey);
  const client = createWalletClient({ account, chain, transport: http(chain.rpcUrls.default.http[0]) });
  return { kind: 'demo', label: `Demo account #${index}`, address: account.address, chainId: chain.id, client };
}

export async function demoAddresses(count: number): Promise<Address[]> {
  const { demoKeys } = await import('./demo.ts');
  return (await demoKeys(count)).map((a) => a.address);
}

/** Asks the injected wallet to switch to (or first add) the portal's chain. */
export async function switchNetwork(chain: Chain): Promise<void> {
  const provider = injectedProvider();
  if (!provider) throw new WalletError('No browser wallet to switch.');
  const chainId = numberToHex(chain.id);
  try {
    await provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
  } catch (error) {
    if ((error as { code?: number }).code !== 4902) throw error;
    await provider.request({
      method: 'wallet_addEthereumChain',
      params: [{ chainId, chainName: chain.name, nativeCurrency: chain.nativeCurrency, rpcUrls: [...chain.rpcUrls.default.http] }],
    });
  }
}
