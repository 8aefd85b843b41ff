/**
 * Multi-contributor nodes still filling: filter, sort, and stake (review, then approve and
 * contribute). The Min / Max a card shows are the viewer's own limits, as the contract applies
 * them: a reserved slot takes at least its reservation and at most the reservation plus the
 * unreserved room; an existing contributor tops up any amount that fits; anyone else puts in at
 * least the room divided by the free slots.
 */
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { contributeCall } from '../../../sdk/src/staking/calls.ts';
import type { NodeView } from '../chain.ts';
import { inputAmount, percent, sesh, short } from '../format.ts';
import { t } from '../i18n/index.ts';
import { reviewContribute } from '../review/describe.ts';
import type { ContractCall } from '../tx.ts';
import { Amount } from './Amount.tsx';
import { readAmount, same, withApproval, type ViewProps } from './shared.ts';

const SORTS = {
  fee: { label: 'Lowest fee', compare: (a: NodeView, b: NodeView) => a.feeBps - b.feeBps },
  room: { label: 'Most room left', compare: (a: NodeView, b: NodeView) => (b.room > a.room ? 1 : b.room < a.room ? -1 : 0) },
  min: { label: 'Lowest minimum', compare: (a: NodeView, b: NodeView) => (a.minContribution > b.minContribution ? 1 : a.minContribution < b.minContribution ? -1 : 0) },
  slots: { label: 'Most free slots', compare: (a: NodeView, b: NodeView) => b.freeSlots - a.freeSlots },
  newest: { label: 'Newest', compare: (a: NodeView, b: NodeView) => (b.id > a.id ? 1 : -1) },
} as const;

export function OpenNodes(props: ViewProps) {
  const { data, wallet } = props;
  const [maxFee, setMaxFee] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<keyof typeof SORTS>('fee');
  const reservations = data?.account?.reservations;

  const open = useMemo(() => {
    const feeCap = maxFee.trim() === '' ? Infinity : Number(maxFee) * 100;
    const text = search.trim().toLowerCase();
    return (data?.nodes ?? [])
      .filter((n) => n.status === 'AwaitingContributions')
      .filter((n) => n.feeBps <= feeCap)
      .filter((n) => !text || String(n.id) === text || n.operator.toLowerCase().includes(text))
      .sort(SORTS[sort].compare);
  }, [data?.nodes, maxFee, search, sort]);

  return (
    <section aria-labelledby="open-title" className="card" id="open-nodes">
      <h2 id="open-title">Open nodes</h2>
      <div className="filters">
        <label>
          Max fee (%)
          <input inputMode="decimal" value={maxFee} onChange={(e) => setMaxFee(e.target.value)} placeholder="any" />
        </label>
        <label>
          Node id or operator
          <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="search" />
        </label>
        <label>
          Sort by
          <select value={sort} onChange={(e) => setSort(e.target.value as keyof typeof SORTS)}>
            {Object.entries(SORTS).map(([key, s]) => (
              <option key={key} value={key}>{s.label}</option>
            ))}
          </select>
        </label>
      </div>
      {!data ? (
        <p aria-busy="true">Reading the chain…</p>
      ) : open.length === 0 ? (
        <p>{maxFee || search ? t('nodes.noneFiltered') : t('nodes.noneOpen')}</p>
      ) : (
        <ul className="nodes">
          {open.map((node) => (
            <OpenNode key={String(node.id)} node={node} reserved={reservations?.get(node.id)} {...props} mine={node.contributors.some((c) => same(c.contributor, wallet?.address))} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** What `viewer` may put into `node` now (see the top of this file). */
export function contributionLimits(node: NodeView, reserved: bigint | undefined, mine: boolean): { min: bigint; max: bigint } {
  if (mine) return { min: 1n, max: node.room };
  if (reserved) return { min: reserved, max: reserved + node.room };
  return { min: node.minContribution, max: node.room };
}

export function OpenNode({ node, reserved, mine, env, wallet, data, run, busy }: ViewProps & { node: NodeView; reserved?: bigint; mine: boolean }) {
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string>();
  const { min, max } = contributionLimits(node, reserved, mine);
  const full = node.room === 0n && !reserved;
  const isOperator = same(node.operator, wallet?.address);
  const inputId = `amount-${node.id}`;

  const stake = async () => {
    setError(undefined);
    const value = readAmount(amount);
    if (typeof value === 'string') return setError(value);
    if (value < min) return setError(`The minimum here is ${sesh(min)}.`);
    if (value > max) return setError(`At most ${sesh(max)} fits in this node.`);
    if (data?.account && value > data.account.balance) return setError(`Your balance is ${sesh(data.account.balance)}.`);
    const call = contributeCall(env.contracts.SessionStaking, { nodeId: node.id, amount: value }) as unknown as ContractCall;
    const steps = withApproval(env, data?.account?.allowance ?? 0n, value, { label: `${mine ? 'Top up' : 'Stake'} ${sesh(value)} to node ${node.id}`, call });
    const ok = await run(steps, reviewContribute(node, value, mine));
    if (ok) setAmount('');
  };

  return (
    <li className="node" data-node={String(node.id)}>
      <h3><Link to={`/nodes/${node.id}`}>Node {String(node.id)}</Link> {reserved ? <span className="badge">slot reserved for you</span> : null}{mine ? <span className="badge">you contribute</span> : null}</h3>
      <dl className="facts">
        <div><dt>Operator</dt><dd><code title={node.operator}>{short(node.operator)}</code></dd></div>
        <div><dt>Fee</dt><dd data-testid="fee">{percent(node.feeBps)}</dd></div>
        <div><dt>Staked</dt><dd><Amount value={node.totalStaked} /> of <Amount value={node.stakeRequired} /></dd></div>
        <div><dt>{reserved ? 'Your reserved minimum' : 'Min contribution'}</dt><dd data-testid="min"><Amount value={min} /></dd></div>
        <div><dt>{reserved ? 'Your maximum' : 'Max contribution'}</dt><dd data-testid="max"><Amount value={max} /></dd></div>
        <div><dt>Free slots</dt><dd data-testid="slots">{node.freeSlots}</dd></div>
        <div><dt>Activation</dt><dd>{node.autoActivate ? 'automatic when full' : 'by the operator'}</dd></div>
      </dl>
      <progress max={Number(node.stakeRequired / 1_000_000_000n)} value={Number(node.totalStaked / 1_000_000_000n)} aria-label={`Node ${node.id} filled`} />
      {wallet && !isOperator && !full && (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void stake(); }}>
          <label htmlFor={inputId}>Amount (SESH)</label>
          <input id={inputId} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder={inputAmount(min)} aria-describedby={error ? `${inputId}-error` : undefined} />
          <button type="button" className="secondary" onClick={() => setAmount(inputAmount(max))}>Max</button>
          <button type="submit" disabled={busy} aria-disabled={busy}>{mine ? 'Top up' : 'Stake'}</button>
        </form>
      )}
      {!wallet && <p className="hint">Connect a wallet to stake.</p>}
      {error && <p role="alert" id={`${inputId}-error`} className="error">{error}</p>}
    </li>
  );
}
