/**
 * The portal: loads the network from /config.json, keeps chain data fresh (a new block
 * triggers a reload), and lays out the sections.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { connectChain, readAccount, readNodes, readOverview, type AccountState, type Env, type NodeView, type Overview } from './chain.ts';
import { loadConfig } from './config.ts';
import { fetchNetwork, fetchRewards, type AccountRewards, type NetworkInfo } from './gateway.ts';
import { useTransactions } from './tx.ts';
import type { Wallet } from './wallet.ts';
import { ConnectPanel } from './views/Connect.tsx';
import { OverviewPanel } from './views/Overview.tsx';
import { OpenNodes } from './views/OpenNodes.tsx';
import { RegisterNode } from './views/Register.tsx';
import { MyStakes } from './views/MyStakes.tsx';
import { TxList } from './views/TxList.tsx';
// Names and Pro load as their own chunk (the staking pages do not need their code).
const NamesAndPro = lazy(() => import('./views/Names.tsx').then((m) => ({ default: m.NamesAndPro })));

export type Data = {
  overview: Overview;
  nodes: NodeView[];
  account?: AccountState;
  /** Gateway-backed: a value, or the reason it is unavailable. */
  rewards?: AccountRewards | { unavailable: string };
  network?: NetworkInfo | { unavailable: string };
};

const unavailable = (error: unknown) => ({ unavailable: (error as Error).message });

export function App() {
  const [env, setEnv] = useState<Env>();
  const [fatal, setFatal] = useState<string>();
  const [wallet, setWallet] = useState<Wallet>();
  const [data, setData] = useState<Data>();
  const [loadError, setLoadError] = useState<string>();
  const generation = useRef(0);

  useEffect(() => {
    loadConfig()
      .then((config) => setEnv(connectChain(config)))
      .catch((error: Error) => setFatal(error.message));
  }, []);

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

  const tx = useTransactions(env, wallet, refresh);

  if (fatal) return <main className="shell"><p role="alert" className="error">The portal cannot start: {fatal}</p></main>;
  if (!env) return <main className="shell"><p aria-busy="true">Loading the network…</p></main>;
  return (
    <>
      <header className="top">
        <div className="shell bar">
          <h1>Session staking</h1>
          <nav aria-label="Sections">
            <a href="#network">Network</a>
            <a href="#open-nodes">Open nodes</a>
            <a href="#my-stakes">My stakes</a>
            <a href="#register">Register</a>
            <a href="#names">Names</a>
          </nav>
        </div>
      </header>
      <main className="shell">
        {loadError && <p role="alert" className="error">{loadError}</p>}
        <ConnectPanel env={env} wallet={wallet} setWallet={setWallet} balance={data?.account?.balance} />
        <OverviewPanel data={data} />
        <OpenNodes env={env} wallet={wallet} data={data} run={tx.run} />
        <MyStakes env={env} wallet={wallet} data={data} run={tx.run} />
        <RegisterNode env={env} wallet={wallet} data={data} run={tx.run} />
        {env.contracts.SessionNameRegistrar && (
          <Suspense fallback={<p aria-busy="true">Loading names…</p>}>
            <NamesAndPro env={env} wallet={wallet} data={data} run={tx.run} />
          </Suspense>
        )}
      </main>
      <TxList entries={tx.entries} />
    </>
  );
}
