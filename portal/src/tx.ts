/**
 * Transactions, followed: each is simulated first (a refusal is explained before anything is
 * signed), sent, then tracked pending → confirmed / failed with the error in plain words.
 */
import { useCallback, useState } from 'react';
import type { Abi, Hash } from 'viem';
import type { Env } from './chain.ts';
import type { Wallet } from './wallet.ts';

export type TxStatus = 'pending' | 'confirmed' | 'failed';
export type TxEntry = { id: number; label: string; status: TxStatus; hash?: Hash; message?: string };
export type ContractCall = { address: `0x${string}`; abi: Abi | readonly unknown[]; functionName: string; args: readonly unknown[] };

/** Sends one call from `wallet` and waits for it; throws with a plain sentence on failure. */
export async function sendCall(env: Env, wallet: Wallet, call: ContractCall, onHash?: (hash: Hash) => void): Promise<Hash> {
  const { request } = await env.client.simulateContract({ ...call, account: wallet.client.account } as never);
  const hash = await wallet.client.writeContract(request as never);
  onHash?.(hash);
  const receipt = await env.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`the transaction ${hash} reverted`);
  return hash;
}

let nextId = 1;

export function useTransactions(env: Env | undefined, wallet: Wallet | undefined, onDone: () => void) {
  const [entries, setEntries] = useState<TxEntry[]>([]);
  const update = (id: number, patch: Partial<TxEntry>) => setEntries((list) => list.map((e) => (e.id === id ? { ...e, ...patch } : e)));

  /** Runs the calls in order (e.g. approve then contribute); stops at the first failure. Returns true when all confirmed. */
  const run = useCallback(
    async (steps: readonly { label: string; call: ContractCall | (() => Promise<ContractCall>) }[]): Promise<boolean> => {
      if (!env || !wallet) return false;
      for (const step of steps) {
        const id = nextId++;
        setEntries((list) => [{ id, label: step.label, status: 'pending' as const }, ...list].slice(0, 20));
        try {
          const call = typeof step.call === 'function' ? await step.call() : step.call;
          await sendCall(env, wallet, call, (hash) => update(id, { hash }));
          update(id, { status: 'confirmed' });
        } catch (error) {
          // The error decoder (every contract's error ABI) loads on the first failure only.
          const { plainError } = await import('./errors.ts');
          update(id, { status: 'failed', message: plainError(error) });
          onDone();
          return false;
        }
      }
      onDone();
      return true;
    },
    [env, wallet, onDone],
  );
  return { entries, run };
}

export type Run = ReturnType<typeof useTransactions>['run'];
export type Step = Parameters<Run>[0][number];
