/**
 * The rehearsal's chain: its own anvil whose genesis is the Lighthouse date (so every phase
 * lies ahead and time only moves forward), or a running devnet given by --rpc-url.
 * Time is accelerated with evm_setNextBlockTimestamp + evm_mine.
 */
import type { Hex } from 'viem';
import { startAnvil, type Anvil } from '../../devnet/anvil.ts';
import { MigrationError } from './errors.ts';
import { iso } from './config.ts';

export type RehearsalChain = {
  rpcUrl: string;
  anvil?: Anvil;
  rpc: <T = unknown>(method: string, params?: unknown[]) => Promise<T>;
  now: () => Promise<number>;
  /** Mines a block at `at` (refused if the chain is already past it). */
  warpTo: (at: number, what: string) => Promise<void>;
  stop: () => Promise<void>;
};

export async function openChain(options: { rpcUrl?: string; genesis: number }): Promise<RehearsalChain> {
  const anvil = options.rpcUrl ? undefined : await startAnvil({ accounts: 2, args: ['--timestamp', String(options.genesis)] });
  const rpcUrl = options.rpcUrl ?? anvil!.rpcUrl;
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    let body: { result?: T; error?: { message: string } };
    try {
      const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new MigrationError(`${rpcUrl} does not answer (${(error as Error).message}); start the devnet (npm run devnet) or drop --rpc-url`);
    }
    if (body.error) throw new MigrationError(`${method} on ${rpcUrl}: ${body.error.message} (the rehearsal needs an anvil devnet: it moves time)`);
    return body.result as T;
  };
  const now = async () => Number(BigInt((await rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false])).timestamp));
  return {
    rpcUrl,
    anvil,
    rpc,
    now,
    async warpTo(at, what) {
      const current = await now();
      if (current >= at) {
        throw new MigrationError(`the chain is already at ${iso(current)}, after ${what} (${iso(at)}); time cannot go back: rehearse on a fresh chain (drop --rpc-url)`);
      }
      await rpc('evm_setNextBlockTimestamp', [at]);
      await rpc('evm_mine');
    },
    stop: async () => {
      await anvil?.stop();
    },
  };
}
