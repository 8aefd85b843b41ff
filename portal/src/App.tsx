/**
 * The portal: loads the network from /config.json, keeps chain data fresh (a new block
 * triggers a reload), and lays out the sections.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { connectChain, type Env } from './chain.ts';
import { loadConfig } from './config.ts';
import { useNetworkData } from './data/use-network-data.ts';
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

export function App() {
  const [env, setEnv] = useState<Env>();
  const [fatal, setFatal] = useState<string>();
  const [wallet, setWallet] = useState<Wallet>();
  const { data, loadError, refresh } = useNetworkData(env, wallet);

  useEffect(() => {
    loadConfig()
      .then((config) => setEnv(connectChain(config)))
      .catch((error: Error) => setFatal(error.message));
  }, []);

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
