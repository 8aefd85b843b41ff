/**
 * The portal: loads the network from /config.json, keeps chain data fresh (useNetworkData), and
 * routes (browser history, so every page has a link that survives a reload). The header, the
 * wallet, the transaction toasts and the review dialog are on every page.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Link, NavLink, Route, Routes, useLocation } from 'react-router';
import { connectChain, type Env } from './chain.ts';
import { loadConfig } from './config.ts';
import { useNetworkData } from './data/use-network-data.ts';
import { t } from './i18n/index.ts';
import { ReviewDialog } from './review/ReviewDialog.tsx';
import { PortalContext, type Portal } from './routes/context.ts';
import { NodePage } from './routes/NodePage.tsx';
import { NodesPage } from './routes/NodesPage.tsx';
import { AddressPage } from './routes/AddressPage.tsx';
import { OverviewPage } from './routes/OverviewPage.tsx';
import { StakesPage } from './routes/StakesPage.tsx';
import { useTransactions } from './tx.ts';
import { useWallet } from './use-wallet.ts';
import { ConnectPanel } from './views/Connect.tsx';
import { Freshness } from './views/Freshness.tsx';
import { TxToasts } from './views/TxList.tsx';
import { DEVNET_CHAIN_ID } from './wallet.ts';
// Pages that most visits never open load as their own chunks.
const RegisterPage = lazy(() => import('./routes/RegisterPage.tsx').then((m) => ({ default: m.RegisterPage })));
const NamesPage = lazy(() => import('./routes/NamesPage.tsx').then((m) => ({ default: m.NamesPage })));
const ProPage = lazy(() => import('./routes/NamesPage.tsx').then((m) => ({ default: m.ProPage })));

type Links = { leaderboardUrl?: string; faucetUrl?: string; explorerUrl?: string };

export function App() {
  const [env, setEnv] = useState<Env>();
  const [fatal, setFatal] = useState<string>();
  const { wallet, setWallet, injected } = useWallet(env);
  const { data, loadError, refresh } = useNetworkData(env, wallet);
  const tx = useTransactions(env, wallet, refresh);

  useEffect(() => {
    loadConfig()
      .then((config) => setEnv(connectChain(config)))
      .catch((error: Error) => setFatal(error.message));
  }, []);

  const links = (env?.config ?? {}) as Links;
  const portal = useMemo<Portal | undefined>(
    () => env && { env, wallet, setWallet, injected, data, tx, refresh, explorerUrl: links.explorerUrl },
    [env, wallet, setWallet, injected, data, tx, refresh, links.explorerUrl],
  );

  if (fatal) return <main className="shell"><p role="alert" className="error">{t('app.cannotStart', { reason: fatal })}</p></main>;
  if (!portal || !env) return <main className="shell"><p aria-busy="true">{t('app.loading')}</p></main>;
  return (
    <PortalContext.Provider value={portal}>
      <BrowserRouter>
        <a className="skip" href="#main">{t('app.skip')}</a>
        <header className="top">
          <div className="shell bar">
            <p className="brand"><Link to="/">{t('app.title')}</Link></p>
            <nav aria-label={t('nav.label')}>
              <NavLink to="/" end>{t('nav.overview')}</NavLink>
              <NavLink to="/nodes">{t('nav.nodes')}</NavLink>
              <NavLink to="/stakes">{t('nav.stakes')}</NavLink>
              <NavLink to="/register">{t('nav.register')}</NavLink>
              {env.contracts.SessionNameRegistrar && <NavLink to="/names">{t('nav.names')}</NavLink>}
              {env.contracts.SessionPro && <NavLink to="/pro">{t('nav.pro')}</NavLink>}
              {links.leaderboardUrl && <a href={links.leaderboardUrl}>{t('nav.leaderboard')}</a>}
              {links.faucetUrl && <a href={links.faucetUrl}>{t('nav.faucet')}</a>}
            </nav>
          </div>
        </header>
        <main className="shell" id="main" tabIndex={-1}>
          {loadError && <p role="alert" className="error">{loadError}</p>}
          <Freshness />
          <ConnectPanel env={env} wallet={wallet} setWallet={setWallet} injected={injected} balance={data?.account?.balance} />
          <Suspense fallback={<p aria-busy="true">{t('app.loading')}</p>}>
            <Routes>
              <Route path="/" element={<OverviewPage />} />
              <Route path="/nodes" element={<NodesPage />} />
              <Route path="/nodes/:id" element={<NodePage />} />
              <Route path="/address/:address" element={<AddressPage />} />
              <Route path="/stakes" element={<StakesPage />} />
              <Route path="/register" element={<RegisterPage />} />
              <Route path="/names" element={<NamesPage />} />
              <Route path="/pro" element={<ProPage />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
          {env.chain.id === DEVNET_CHAIN_ID && <p className="hint" data-testid="chain-time-note">{t('app.chainTimeNote')}</p>}
        </main>
        <TxToasts entries={tx.entries} dismiss={tx.dismiss} explorerUrl={links.explorerUrl} historyPath={wallet ? `/address/${wallet.address}` : undefined} />
        {tx.pending && <ReviewDialog key={tx.pending.review.title} pending={tx.pending} />}
        <TitleAndFocus />
      </BrowserRouter>
    </PortalContext.Provider>
  );
}

/** After a route change: the page title follows and focus moves to the content (for screen readers and keyboards). */
function TitleAndFocus() {
  const { pathname } = useLocation();
  const [first, setFirst] = useState(true);
  useEffect(() => {
    const heading = document.querySelector('main h1')?.textContent;
    document.title = heading ? `${heading} · ${t('app.title')}` : t('app.title');
    if (first) return setFirst(false);
    document.getElementById('main')?.focus({ preventScroll: false });
  }, [pathname]);
  return null;
}

function NotFound() {
  const { pathname } = useLocation();
  return (
    <section className="card">
      <h1>{t('app.notFound', { path: pathname })}</h1>
      <Link to="/">{t('app.home')}</Link>
    </section>
  );
}
