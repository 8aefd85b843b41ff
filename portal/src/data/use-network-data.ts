/**
 * The portal's data source, in one hook: what the pages draw (network figures, the nodes they act
 * on, the connected account) and when it is refreshed. Pages never read the chain or the gateway
 * themselves, so how the data is loaded can change here alone (see load.ts for what one refresh
 * reads; node-hooks.ts for the paged node list, one node and one address).
 *
 * Refresh: on load, after each transaction (pages call refresh), and every REFRESH_MS while the
 * tab is visible; not on every block: an idle tab stays within a few requests a minute.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountState, Env, NodeView, Overview } from '../chain.ts';
import type { AccountRewards, NetworkInfo } from '../gateway.ts';
import type { Wallet } from '../wallet.ts';
import { loadNetworkData, type Loaded } from './load.ts';
import type { DataSource, NodeEntry, OverviewExtras } from './types.ts';

/** What the pages draw: one refresh (load.ts), plus the network's view of each node. */
export type Data = Omit<Loaded, 'source' | 'indexedHeight'> & {
  /** Where this refresh came from (the gateway's index, or bounded chain reads and why). */
  source?: DataSource;
  /** The network's view of each node in `nodes` (gateway only): last announcement, decommissioned, signed the last round. */
  health?: Map<bigint, { lastSeen?: number; decommissioned?: boolean; signing?: boolean }>;
};

/** `refresh(afterBlock)`: after a transaction mined in `afterBlock`, waits (bounded) until the gateway's index has reached it. */
export type NetworkData = { data?: Data; loadError?: string; refresh: (afterBlock?: bigint) => Promise<void> };

/** Idle refresh period: 2 refreshes a minute × (1 chain batch + 3 gateway requests) = 8 requests. */
export const REFRESH_MS = 30_000;

export function useNetworkData(env: Env | undefined, wallet: Wallet | undefined): NetworkData {
  const [data, setData] = useState<Data>();
  const [loadError, setLoadError] = useState<string>();
  const generation = useRef(0);
  const lastClock = useRef<{ chainTime: bigint; at: number }>(undefined);

  const refresh = useCallback(async (afterBlock?: bigint) => {
    if (!env) return;
    const mine = ++generation.current;
    try {
      const loaded = await loadNetworkData(env, wallet?.address, typeof afterBlock === 'bigint' ? afterBlock : undefined);
      if (mine !== generation.current) return; // a newer refresh started meanwhile
      const at = Date.now();
      // Chain seconds per real second (a devnet clock runs fast): countdowns extrapolate with it.
      const prev = lastClock.current;
      const rate = prev && at - prev.at > 1_000 && loaded.overview.chainTime >= prev.chainTime ? Number(loaded.overview.chainTime - prev.chainTime) / ((at - prev.at) / 1000) : 1;
      lastClock.current = { chainTime: loaded.overview.chainTime, at };
      const health = new Map(
        loaded.nodes.flatMap((n) => {
          const h = (n as NodeEntry).health;
          return h ? [[n.id, { lastSeen: h.lastAnnouncedAt ?? undefined, decommissioned: h.decommissioned, signing: h.signedLastRound ?? undefined }] as const] : [];
        }),
      );
      setData({ ...loaded, health: loaded.source.kind === 'gateway' ? health : undefined, overview: { ...loaded.overview, chainTimeReadAt: at, chainRate: rate } });
      setLoadError(undefined);
      if (!document.body.dataset.ready) {
        performance.mark('portal-ready');
        document.body.dataset.ready = 'true';
      }
    } catch (error) {
      if (mine === generation.current) setLoadError(`Could not read the chain at ${env.config.rpcUrl}: ${(error as Error).message}`);
    }
  }, [env, wallet]);

  useEffect(() => {
    if (!env) return;
    void refresh();
    const timer = setInterval(() => {
      if (!document.hidden) void refresh();
    }, REFRESH_MS);
    // Back to a hidden tab: catch up at once.
    const onVisible = () => {
      if (!document.hidden) void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [env, refresh]);

  return { data, loadError, refresh };
}
