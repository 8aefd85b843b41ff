/** Every transaction of this session: pending, confirmed or failed (with the reason). */
import type { TxEntry } from '../tx.ts';

const LABEL = { pending: 'Pending…', confirmed: 'Confirmed', failed: 'Failed' } as const;

export function TxList({ entries }: { entries: TxEntry[] }) {
  return (
    <aside className="txs" aria-label="Transactions" aria-live="polite">
      {entries.length > 0 && (
        <ol>
          {entries.slice(0, 3).map((e) => (
            <li key={e.id} className={`tx ${e.status}`} data-status={e.status} data-tx-id={e.id}>
              <strong>{e.label}</strong>: {LABEL[e.status]}
              {e.message && <span className="reason"> {e.message}</span>}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
