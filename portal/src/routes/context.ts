/** What every page reads: the network, the wallet, the data and the transaction runner. */
import { createContext, useContext } from 'react';
import type { Env } from '../chain.ts';
import type { Data } from '../data/use-network-data.ts';
import type { Transactions } from '../tx.ts';
import type { InjectedWallet, Wallet } from '../wallet.ts';

export type Portal = {
  env: Env;
  wallet?: Wallet;
  setWallet: (w?: Wallet) => void;
  injected: InjectedWallet[];
  data?: Data;
  tx: Transactions;
  /** Reloads the data now (after a transaction it happens by itself). */
  refresh: () => Promise<void>;
  /** The explorer named in the deployments file, if any. */
  explorerUrl?: string;
};

export const PortalContext = createContext<Portal | undefined>(undefined);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal outside the portal');
  return portal;
}

/** The props the staking views take (kept so a view can be used on more than one page). */
export const viewProps = (p: Portal) => ({ env: p.env, wallet: p.wallet, data: p.data, run: p.tx.run, busy: p.tx.busy });
