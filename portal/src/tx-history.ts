/**
 * The transaction history of one account on one chain, kept in localStorage so it survives a
 * reload and a person sees only their own transactions after switching accounts. Pure
 * functions over a Storage, so they are tested without a browser.
 */
import type { Hash } from 'viem';

export type TxStatus = 'pending' | 'confirmed' | 'failed' | 'interrupted';
export type TxEntry = {
  /** Unique and increasing across reloads (milliseconds since 1970 × 1000 + a counter). */
  id: number;
  label: string;
  status: TxStatus;
  at: number;
  hash?: Hash;
  message?: string;
  /** Dismissed from the toasts (it stays in the history). */
  dismissed?: boolean;
};

/** At most this many entries are kept per account and chain (the oldest go first). */
export const HISTORY_LIMIT = 100;

export const historyKey = (chainId: number, account: string) => `sesh-portal:tx:${chainId}:${account.toLowerCase()}`;

export function loadHistory(storage: Pick<Storage, 'getItem'>, chainId: number, account: string): TxEntry[] {
  try {
    const list = JSON.parse(storage.getItem(historyKey(chainId, account)) ?? '[]') as TxEntry[];
    return Array.isArray(list) ? list.filter((e) => typeof e?.id === 'number' && typeof e.label === 'string') : [];
  } catch {
    return [];
  }
}

export function saveHistory(storage: Pick<Storage, 'setItem'>, chainId: number, account: string, entries: readonly TxEntry[]): void {
  try {
    storage.setItem(historyKey(chainId, account), JSON.stringify(entries.slice(0, HISTORY_LIMIT)));
  } catch {
    // A full or disabled storage only costs the history, never the transaction.
  }
}

let counter = 0;
export const nextTxId = (): number => Date.now() * 1000 + (counter++ % 1000);

/**
 * After a reload, a transaction that was still pending is either being mined (it has a hash:
 * its receipt is looked up again) or was never sent (no hash: marked interrupted).
 */
export function afterReload(entries: readonly TxEntry[]): TxEntry[] {
  return entries.map((e) => (e.status === 'pending' && !e.hash ? { ...e, status: 'interrupted' as const, message: 'The page was closed before this was sent; nothing was sent.' } : e));
}

/** The explorer page of a transaction, when the deployments file names an explorer. */
export function explorerTxUrl(explorerUrl: string | undefined, hash: string): string | undefined {
  if (!explorerUrl) return undefined;
  return `${explorerUrl.replace(/\/+$/, '')}/tx/${hash}`;
}

export function explorerAddressUrl(explorerUrl: string | undefined, address: string): string | undefined {
  if (!explorerUrl) return undefined;
  return `${explorerUrl.replace(/\/+$/, '')}/address/${address}`;
}
