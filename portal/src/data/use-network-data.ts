/**
 * The portal's data source, in one hook: what the pages draw (network figures, nodes, the
 * connected account) and when it is refreshed. Pages never read the chain or the gateway
 * themselves, so how the data is loaded (chain reads, an indexed API, paging) can change here
 * alone.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { readAccount, readNodes, readOverview, type AccountState, type Env, type NodeView, type Overview } from '../chain.ts';
import { fetchNetwork, fetchRewards, type AccountRewards, type NetworkInfo } from '../gateway.ts';
import type { Wallet } from '../wallet.ts';
import type { DataSource, OverviewExtras } from './types.ts';

export type Data = {
  overview: Overview & Partial<OverviewExtras>;
  /**
   * The nodes the pages act on: every open pool plus every node of the connected account (not
   * every node ever registered: the all-nodes page pages through useNodeList).
   */
  nodes: NodeView[];
  /** Where this refresh came from (the gateway's index, or bounded chain reads and why). */
  source?: DataSource;
  account?: AccountState;
  /** Gateway-backed: a value, or the reason it is unavailable. */
  rewards?: AccountRewards | { unavailable: string };
  network?: NetworkInfo | { unavailable: string };
};

export type NetworkData = { data?: Data; loadError?: string; refresh: () => Promise<void> };

const unavailable = (error: unknown) => ({ unavailable: (error as Error).message });

export function useNetworkData(env: Env | undefined, wallet: Wallet | undefined): NetworkData {
  const [data, setData] = useState<Data>();
  const [loadError, setLoadError] = useState<string>();
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    if (!env) return;
    const mine = ++generation.current;
    try {
      // Every read starts now (one RPC batch); only the totals wait for the node list.
      const nodesLoading = readNodes(env);
      const [nodes, overview, account, rewards, network] = await Promise.all([
        nodesLoading,
        readOverview(env, nodesLoading),
        wallet ? readAccount(env, wallet.address, nodesLoading) : undefined,
        wallet ? fetchRewards(env.config.gatewayUrl, wallet.address).catch(unavailable) : undefined,
        fetchNetwork(env.config.gatewayUrl).catch(unavailable),
      ]);
      if (mine !== generation.current) return; // a newer refresh started meanwhile
      setData({ overview, nodes, account, rewards, network });
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
    // Reload whenever a block is mined (and at least every 15 s for countdowns). On a real chain
    // blocks come several times a second: reload at most every 4 s there.
    const minInterval = /127\.0\.0\.1|localhost/.test(env.config.rpcUrl) ? 0 : 4_000;
    let last = -1n;
    let lastAt = 0;
    const unwatch = env.client.watchBlockNumber({
      emitOnBegin: false,
      onBlockNumber: (n) => {
        if (n !== last && Date.now() - lastAt >= minInterval) {
          last = n;
          lastAt = Date.now();
          void refresh();
        }
      },
      onError: () => {},
    });
    const timer = setInterval(() => void refresh(), 15_000);
    return () => {
      unwatch();
      clearInterval(timer);
    };
  }, [env, refresh]);

  return { data, loadError, refresh };
}
