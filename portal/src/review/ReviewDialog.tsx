/**
 * The review step: a modal dialog (the browser's <dialog>: focus stays inside, Escape cancels)
 * that says what the transaction does, who else it touches, when funds come back and the gas,
 * before the wallet is asked to sign anything.
 */
import { useEffect, useRef } from 'react';
import { t } from '../i18n/index.ts';
import type { Gas, PendingReview } from '../tx.ts';

const gasText = (gas: Gas) =>
  gas.state === 'estimating' ? t('review.gasEstimating') : gas.state === 'unknown' ? t('review.gasUnknown', { reason: gas.reason }) : t(gas.partial ? 'review.gasPartial' : 'review.gasKnown', { eth: gas.eth });

export function ReviewDialog({ pending }: { pending: PendingReview }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { review, steps, gas } = pending;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // showModal focuses the first button (Cancel): move to the intended one (confirm, unless the step is irreversible).
    dialog.querySelector<HTMLButtonElement>('[data-initial-focus]')?.focus();
  }, []);

  return (
    <dialog ref={ref} className="review" aria-labelledby="review-title" data-testid="review" onCancel={(e) => { e.preventDefault(); pending.cancel(); }}>
      <h2 id="review-title">{review.title}</h2>
      <p data-testid="review-summary">{review.summary}</p>
      {review.warning && <p className="warning" data-testid="review-warning"><strong>{review.warning}</strong></p>}
      {review.affected && (
        <div data-testid="review-affected">
          <h3>{review.affected.heading}</h3>
          <ul>{review.affected.lines.map((line) => <li key={line}>{line}</li>)}</ul>
        </div>
      )}
      <dl className="facts">
        {review.returns && (
          <div className="wide"><dt>{t('review.fundsBack')}</dt><dd data-testid="review-returns">{review.returns}</dd></div>
        )}
        <div className="wide"><dt>{t('review.gas')}</dt><dd data-testid="review-gas" data-state={gas.state}>{gasText(gas)}</dd></div>
      </dl>
      <p>{t('review.steps', { count: steps.length })}</p>
      <ol data-testid="review-steps">{steps.map((s) => <li key={s.label}>{s.label}</li>)}</ol>
      <div className="row end">
        <button type="button" className="secondary" onClick={pending.cancel} data-initial-focus={review.warning ? '' : undefined}>{t('review.cancel')}</button>
        <button type="button" className={review.warning ? 'danger' : undefined} onClick={pending.confirm} data-initial-focus={review.warning ? undefined : ''}>{review.confirm}</button>
      </div>
    </dialog>
  );
}
