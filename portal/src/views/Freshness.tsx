/**
 * How fresh the page's data is and where it came from, with a Refresh button: data reloads by
 * itself every half minute and after each transaction, not per block (so an idle tab stays
 * light), so a person who waits for something can ask for it now.
 */
import { useEffect, useState } from 'react';
import { t } from '../i18n/index.ts';
import { usePortal } from '../routes/context.ts';

export function Freshness() {
  const { data, refresh } = usePortal();
  const [loadedAt, setLoadedAt] = useState(Date.now());
  const [, tick] = useState(0);
  const [busy, setBusy] = useState(false);
  useEffect(() => setLoadedAt(Date.now()), [data]);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 10_000);
    return () => clearInterval(timer);
  }, []);
  if (!data) return null;
  const seconds = Math.round((Date.now() - loadedAt) / 1000);
  const when = seconds < 5 ? t('fresh.justNow') : t('fresh.ago', { count: seconds });
  const source = data.source;
  const text = !source ? t('fresh.plain', { when }) : source.kind === 'gateway' ? t('fresh.gateway', { when }) : t('fresh.chain', { when, reason: source.reason });
  return (
    <p className="hint fresh row" data-testid="freshness">
      <span>{text}</span>
      <button type="button" className="secondary small" data-testid="refresh" disabled={busy} onClick={() => { setBusy(true); void refresh().finally(() => setBusy(false)); }}>
        {t('fresh.refresh')}
      </button>
    </p>
  );
}
