/** `/`: the network at a glance, and where a first-time visitor can go next. */
import { Link } from 'react-router';
import { t } from '../i18n/index.ts';
import { OverviewPanel } from '../views/Overview.tsx';
import { usePortal } from './context.ts';

export function OverviewPage() {
  const { data } = usePortal();
  const open = data?.nodes.filter((n) => n.status === 'AwaitingContributions').length ?? 0;
  const running = data?.nodes.filter((n) => n.status === 'Active' || n.status === 'ExitRequested').length ?? 0;
  return (
    <>
      <h1>{t('overview.title')}</h1>
      <OverviewPanel data={data} />
      <section className="card" aria-labelledby="start-title">
        <h2 id="start-title">{t('overview.startTitle')}</h2>
        <ul className="links">
          <li><Link to="/nodes">{open > 0 ? t('overview.openNodes', { count: open }) : t('overview.noOpenNodes')}</Link></li>
          <li><Link to="/nodes#running">{t('overview.runningNodes', { count: running })}</Link></li>
          <li><Link to="/register">{t('overview.register')}</Link></li>
        </ul>
      </section>
    </>
  );
}
