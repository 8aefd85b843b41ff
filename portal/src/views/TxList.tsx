/**
 * Transactions: the newest few as dismissible toasts at the bottom edge (small, so they never
 * cover a phone's page), and the account's full history (hashes, explorer links) on its page.
 */
import { Link } from 'react-router';
import { t } from '../i18n/index.ts';
import { explorerTxUrl, type TxEntry } from '../tx-history.ts';
import { short } from '../format.ts';

/** Toasts show at most this many; the rest are in the history. */
const TOASTS = 2;
/** Toasts are for this visit: after a reload only what is still pending comes back (the history keeps everything). */
const VISIT_STARTED = Date.now();

function Entry({ e, explorerUrl }: { e: TxEntry; explorerUrl?: string }) {
  const link = e.hash && explorerTxUrl(explorerUrl, e.hash);
  return (
    <>
      <strong>{e.label}</strong>: <span data-testid="tx-status">{t(`tx.${e.status}`)}</span>
      {e.message && <span className="reason"> {e.message}</span>}
      {e.hash && (
        <span className="hash">
          {' '}
          {link ? <a href={link} target="_blank" rel="noreferrer" title={e.hash}>{t('tx.explorer')}</a> : <code title={e.hash}>{short(e.hash)}</code>}
        </span>
      )}
    </>
  );
}

export function TxToasts({ entries, dismiss, explorerUrl, historyPath }: { entries: TxEntry[]; dismiss: (id: number) => void; explorerUrl?: string; historyPath?: string }) {
  const live = entries.filter((e) => !e.dismissed && (e.at >= VISIT_STARTED || e.status === 'pending'));
  const shown = live.slice(0, TOASTS);
  return (
    <aside className="txs" aria-label={t('tx.region')} aria-live="polite">
      {shown.length > 0 && (
        <ol>
          {shown.map((e) => (
            <li key={e.id} className={`tx ${e.status}`} data-status={e.status} data-tx-id={e.id}>
              <span className="tx-text"><Entry e={e} explorerUrl={explorerUrl} /></span>
              <button type="button" className="close" onClick={() => dismiss(e.id)} aria-label={t('tx.dismissLabel', { label: e.label })}>×</button>
            </li>
          ))}
          {live.length > TOASTS && historyPath && (
            <li className="more"><Link to={historyPath}>{t('tx.more', { count: live.length - TOASTS })}</Link></li>
          )}
        </ol>
      )}
    </aside>
  );
}

export function TxHistory({ entries, explorerUrl }: { entries: TxEntry[]; explorerUrl?: string }) {
  return (
    <section aria-labelledby="history-title" className="card" data-testid="tx-history">
      <h2 id="history-title">{t('tx.historyTitle')}</h2>
      <p className="hint">{t('tx.historyNote')}</p>
      {entries.length === 0 ? (
        <p>{t('tx.historyEmpty')}</p>
      ) : (
        <ol className="history">
          {entries.map((e) => (
            <li key={e.id} className={`tx-row ${e.status}`} data-status={e.status}>
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time> <Entry e={e} explorerUrl={explorerUrl} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
