/**
 * Transactions, followed: a review step first (what happens, to whom, when funds come back, the
 * gas), one run at a time (a second click while one is in flight sends nothing), each call
 * simulated (a refusal is explained before anything is signed), sent, then tracked pending →
 * confirmed / failed with the error in plain words, in a per-account history that survives a
 * reload.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatEther, type Abi, type Hash } from 'viem';
import type { Env } from './chain.ts';
import type { Review } from './review/describe.ts';
import { afterReload, historyKey, loadHistory, nextTxId, saveHistory, type TxEntry } from './tx-history.ts';
import type { Wallet } from './wallet.ts';

export type { TxEntry, TxStatus } from './tx-history.ts';
export type ContractCall = { address: `0x${string}`; abi: Abi | readonly unknown[]; functionName: string; args: readonly unknown[] };
export type Step = { label: string; call: ContractCall | (() => Promise<ContractCall>) };
export type Gas = { state: 'estimating' } | { state: 'known'; eth: string; partial: boolean } | { state: 'unknown'; reason: string };
export type PendingReview = { review: Review; steps: readonly Step[]; gas: Gas; confirm: () => void; cancel: () => void };

/** Sends one call from `wallet` and waits for it; throws on failure. */
export async function sendCall(env: Env, wallet: Wallet, call: ContractCall, onHash?: (hash: Hash) => void): Promise<Hash> {
  const { request } = await env.client.simulateContract({ ...call, account: wallet.client.account } as never);
  const hash = await wallet.client.writeContract(request as never);
  onHash?.(hash);
  const receipt = await env.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`the transaction ${hash} reverted`);
  return hash;
}

/** Gas of the steps that can be estimated now (a step after an approval is estimated when it runs). */
async function estimateGas(env: Env, wallet: Wallet, steps: readonly Step[]): Promise<Gas> {
  let total = 0n;
  let partial = false;
  let estimated = 0;
  for (const [i, step] of steps.entries()) {
    if (typeof step.call === 'function') {
      partial = true;
      continue;
    }
    try {
      total += await env.client.estimateContractGas({ ...step.call, account: wallet.client.account } as never);
      estimated += 1;
    } catch (error) {
      if (i === 0) {
        const { plainError } = await import('./errors.ts');
        return { state: 'unknown', reason: plainError(error) };
      }
      partial = true; // e.g. the stake after its approval: the allowance is not there yet
    }
  }
  if (estimated === 0) return { state: 'unknown', reason: 'it is estimated when it is sent (it needs the network’s signature first)' };
  const price = await env.client.getGasPrice();
  const eth = Number(formatEther(total * price));
  return { state: 'known', eth: eth === 0 ? '0' : eth < 0.000001 ? '< 0.000001' : eth.toPrecision(2), partial };
}

/** Extra reloads after a transaction (bounded: three reads per transaction, none while idle). */
const AFTER_TX_REFRESH_MS = [1_500, 5_000];

export function useTransactions(env: Env | undefined, wallet: Wallet | undefined, onDone: () => void) {
  const key = env && wallet ? historyKey(env.chain.id, wallet.address) : undefined;
  const [entries, setEntries] = useState<TxEntry[]>([]);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<PendingReview>();
  const inFlight = useRef(false); // a ref, not state: a double click lands before React re-renders
  const current = useRef(key);
  current.current = key;

  /** Changes the history stored under `forKey` (storage is the truth: a switch of account mid-run is safe). */
  const mutate = useCallback(
    (forKey: { chainId: number; account: string }, fn: (list: TxEntry[]) => TxEntry[]) => {
      const list = fn(loadHistory(localStorage, forKey.chainId, forKey.account));
      saveHistory(localStorage, forKey.chainId, forKey.account, list);
      if (current.current === historyKey(forKey.chainId, forKey.account)) setEntries(list);
    },
    [],
  );

  // Load the account's history; follow up what was pending when the page was last closed.
  useEffect(() => {
    if (!env || !wallet) return setEntries([]);
    const owner = { chainId: env.chain.id, account: wallet.address };
    mutate(owner, afterReload);
    for (const e of loadHistory(localStorage, owner.chainId, owner.account)) {
      if (e.status !== 'pending' || !e.hash) continue;
      env.client.waitForTransactionReceipt({ hash: e.hash, timeout: 120_000 }).then(
        (r) => mutate(owner, (list) => list.map((x) => (x.id === e.id ? { ...x, status: r.status === 'success' ? 'confirmed' : 'failed', message: r.status === 'success' ? undefined : 'The transaction reverted.' } : x))),
        () => {},
      );
    }
  }, [env, wallet, mutate]);

  const dismiss = useCallback(
    (id: number) => env && wallet && mutate({ chainId: env.chain.id, account: wallet.address }, (list) => list.map((e) => (e.id === id ? { ...e, dismissed: true } : e))),
    [env, wallet, mutate],
  );

  /**
   * Shows `review` (when given) and, once confirmed, runs the calls in order (e.g. approve then
   * stake); stops at the first failure. Returns true when all confirmed; false when refused,
   * cancelled, or another run is in flight.
   */
  const run = useCallback(
    async (steps: readonly Step[], review?: Review): Promise<boolean> => {
      if (!env || !wallet || inFlight.current) return false;
      inFlight.current = true;
      setBusy(true);
      const owner = { chainId: env.chain.id, account: wallet.address };
      try {
        if (review) {
          const confirmed = await new Promise<boolean>((resolve) => {
            const base = { review, steps, confirm: () => resolve(true), cancel: () => resolve(false) };
            setPending({ ...base, gas: { state: 'estimating' } });
            void estimateGas(env, wallet, steps)
              .catch((error: Error): Gas => ({ state: 'unknown', reason: error.message }))
              .then((gas) => setPending((p) => (p?.review === review ? { ...base, gas } : p)));
          });
          setPending(undefined);
          if (!confirmed) return false;
        }
        for (const step of steps) {
          const id = nextTxId();
          const patch = (change: Partial<TxEntry>) => mutate(owner, (list) => list.map((e) => (e.id === id ? { ...e, ...change } : e)));
          mutate(owner, (list) => [{ id, label: step.label, status: 'pending', at: Date.now() }, ...list]);
          try {
            const call = typeof step.call === 'function' ? await step.call() : step.call;
            await sendCall(env, wallet, call, (hash) => patch({ hash }));
            patch({ status: 'confirmed' });
          } catch (error) {
            // The error decoder (every contract's error ABI) loads on the first failure only.
            const { plainError } = await import('./errors.ts');
            patch({ status: 'failed', message: plainError(error) });
            return false;
          }
        }
        return true;
      } finally {
        inFlight.current = false;
        setBusy(false);
        // The network index follows the chain a moment behind: read again shortly after, so the
        // page shows the transaction's effect without waiting for the periodic refresh.
        onDone();
        for (const ms of AFTER_TX_REFRESH_MS) setTimeout(onDone, ms);
      }
    },
    [env, wallet, onDone, mutate],
  );
  return { entries, busy, run, pending, dismiss };
}

export type Transactions = ReturnType<typeof useTransactions>;
export type Run = Transactions['run'];
