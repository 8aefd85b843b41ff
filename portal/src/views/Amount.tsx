/** A SESH amount rounded for reading, the exact amount on hover (title) and for screen readers. */
import { sesh, seshRounded } from '../format.ts';

export function Amount({ value, testId }: { value: bigint; testId?: string }) {
  const exact = sesh(value);
  const shown = seshRounded(value);
  return (
    <span className="num" title={exact} data-exact={exact} data-testid={testId}>
      {shown}
    </span>
  );
}
