/**
 * Wallets: every injected wallet the browser announces (EIP-6963; the legacy window.ethereum
 * when none does) through viem's custom transport, or — on the devnet only (chain 31337) — a
 * demo account whose well-known test key signs locally. The choice is remembered, so a reload
 * reconnects without asking again (an injected wallet is asked with eth_accounts, no prompt).
 */
import { createWalletClient, custom, getAddress, http, numberToHex, type Account, type Address, type Chain, type EIP1193Provider, type Transport, type WalletClient } from 'viem';

export const DEVNET_CHAIN_ID = 31337;

export type InjectedWallet = { id: string; name: string; icon?: string; provider: EIP1193Provider };

export type Wallet = {
  kind: 'injected' | 'demo';
  label: string;
  address: Address;
  /** The chain the wallet is on (a demo account is always on the portal's chain). */
  chainId: number;
  client: WalletClient<Transport, Chain, Account>;
  /** The injected wallet's provider (its events are followed), or the demo account's index. */
  provider?: EIP1193Provider;
  remember: Remembered;
};

type Remembered = { kind: 'injected'; id: string } | { kind: 'demo'; index: number };

declare global {
  interface Window {
    ethereum?: EIP1193Provider;
  }
}

export class WalletError extends Error {
  override name = 'WalletError';
}

type Announce = CustomEvent<{ info: { uuid: string; name: string; icon?: string; rdns?: string }; provider: EIP1193Provider }>;
export const LEGACY_ID = 'window.ethereum';

/**
 * Calls `onChange` with every injected wallet found so far (EIP-6963 announcements, plus
 * window.ethereum when no announced wallet is the same object). Returns a stop function.
 */
export function watchInjectedWallets(onChange: (wallets: InjectedWallet[]) => void): () => void {
  if (typeof window === 'undefined') return () => {};
  const found = new Map<string, InjectedWallet>();
  const publish = () => {
    const list = [...found.values()];
    const legacy = window.ethereum;
    if (legacy && !list.some((w) => w.provider === legacy)) list.push({ id: LEGACY_ID, name: 'Browser wallet', provider: legacy });
    onChange(list);
  };
  const onAnnounce = (event: Event) => {
    const { info, provider } = (event as Announce).detail ?? {};
    if (!info?.uuid || !provider) return;
    found.set(info.rdns || info.uuid, { id: info.rdns || info.uuid, name: info.name, icon: info.icon, provider });
    publish();
  };
  window.addEventListener('eip6963:announceProvider', onAnnounce);
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  publish();
  return () => window.removeEventListener('eip6963:announceProvider', onAnnounce);
}

const REMEMBER_KEY = 'sesh-portal:wallet';
export const rememberedWallet = (): Remembered | undefined => {
  try {
    return JSON.parse(localStorage.getItem(REMEMBER_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
};
export const remember = (w?: Wallet) => (w ? localStorage.setItem(REMEMBER_KEY, JSON.stringify(w.remember)) : localStorage.removeItem(REMEMBER_KEY));

/** Connects `injected`; `silent` asks only for accounts already shared (reconnect on reload, no prompt). */
export async function connectInjected(chain: Chain, injected: InjectedWallet, silent = false): Promise<Wallet | undefined> {
  const { provider } = injected;
  const accounts = (await provider.request({ method: silent ? 'eth_accounts' : 'eth_requestAccounts' } as never)) as string[];
  if (!accounts[0]) {
    if (silent) return undefined;
    throw new WalletError(`${injected.name} shared no account. Unlock it and try again.`);
  }
  const address = getAddress(accounts[0]);
  const chainId = Number(await provider.request({ method: 'eth_chainId' }));
  const client = createWalletClient({ account: address as unknown as Account, chain, transport: custom(provider) }) as unknown as WalletClient<Transport, Chain, Account>;
  return { kind: 'injected', label: injected.name, address, chainId, client, provider, remember: { kind: 'injected', id: injected.id } };
}

/** Demo account `index` of the devnet (the anvil test mnemonic). Never on a real network. */
export async function connectDemo(chain: Chain, index: number): Promise<Wallet> {
  if (chain.id !== DEVNET_CHAIN_ID) throw new WalletError('Demo accounts exist only on the devnet (chain 31337).');
  const { demoKeys, localAccount } = await import('./demo.ts'); // a separate chunk, loaded on the devnet only
  const key = (await demoKeys())[index];
  if (!key) throw new WalletError(`There is no demo account #${index}.`);
  const account = localAccount(key.privateKey);
  const client = createWalletClient({ account, chain, transport: http(chain.rpcUrls.default.http[0]) });
  return { kind: 'demo', label: `Demo account #${index}`, address: account.address, chainId: chain.id, client, remember: { kind: 'demo', index } };
}

export async function demoAddresses(count: number): Promise<Address[]> {
  const { demoKeys } = await import('./demo.ts');
  return (await demoKeys(count)).map((a) => a.address);
}

/** The remembered wallet, reconnected without a prompt (undefined when it is gone or no longer shares an account). */
export async function reconnect(chain: Chain, wallets: () => InjectedWallet[]): Promise<Wallet | undefined> {
  const saved = rememberedWallet();
  if (!saved) return undefined;
  if (saved.kind === 'demo') return chain.id === DEVNET_CHAIN_ID ? connectDemo(chain, saved.index) : undefined;
  // Wallets announce themselves right after the page asks: give them a moment.
  for (let i = 0; i < 10; i++) {
    const injected = wallets().find((w) => w.id === saved.id);
    if (injected) return connectInjected(chain, injected, true);
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/** Asks the injected wallet to switch to (or first add) the portal's chain. */
export async function switchNetwork(provider: EIP1193Provider | undefined, chain: Chain): Promise<void> {
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
