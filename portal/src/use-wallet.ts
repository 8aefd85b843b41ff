/**
 * The connected wallet as app state: the injected wallets on offer (EIP-6963), the remembered
 * choice reconnected on reload, and the injected wallet's account and chain changes followed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Env } from './chain.ts';
import { connectInjected, reconnect, remember, watchInjectedWallets, type InjectedWallet, type Wallet } from './wallet.ts';

export function useWallet(env: Env | undefined) {
  const [wallet, setWalletState] = useState<Wallet>();
  const [injected, setInjected] = useState<InjectedWallet[]>([]);
  const [restoring, setRestoring] = useState(true);
  const list = useRef<InjectedWallet[]>([]);

  const setWallet = useCallback((w?: Wallet) => {
    remember(w);
    setWalletState(w);
  }, []);

  useEffect(() => watchInjectedWallets((wallets) => { list.current = wallets; setInjected(wallets); }), []);

  useEffect(() => {
    if (!env) return;
    reconnect(env.chain, () => list.current)
      .then((w) => w && setWalletState(w), () => {})
      .finally(() => setRestoring(false));
  }, [env]);

  // Follow the injected wallet: another account, another chain, or disconnected.
  useEffect(() => {
    const provider = wallet?.provider;
    const source = list.current.find((w) => w.provider === provider);
    if (!env || !provider || !source) return;
    const follow = () => void connectInjected(env.chain, source, true).then((w) => setWallet(w), () => setWallet(undefined));
    provider.on('accountsChanged', follow);
    provider.on('chainChanged', follow);
    return () => {
      provider.removeListener('accountsChanged', follow);
      provider.removeListener('chainChanged', follow);
    };
  }, [env, wallet?.provider, setWallet]);

  return { wallet, setWallet, injected, restoring };
}
