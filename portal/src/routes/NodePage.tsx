/**
 * `/nodes/:id`: one node, shareable: its state, operator, fee, stake and every contributor, the
 * stake form while it fills, and the connected account's actions when it is theirs.
 */
import { Link, useParams } from 'react-router';
import { percent, relative, short, date } from '../format.ts';
import { t } from '../i18n/index.ts';
import { earnsFrom } from '../rewards.ts';
import { nodeState } from '../state.ts';
import { Amount } from '../views/Amount.tsx';
import { MyNode } from '../views/MyStakes.tsx';
import { OpenNode } from '../views/OpenNodes.tsx';
import { same } from '../views/shared.ts';
import { useNode } from '../data/node-hooks.ts';
import { usePortal, viewProps } from './context.ts';
import { healthOf, healthText } from './NodesPage.tsx';

export function NodePage() {
  const portal = usePortal();
  const { data, wallet } = portal;
  const { id } = useParams();
  const nodeId = /^\d+$/.test(id ?? '') ? BigInt(id!) : undefined;
  // Any node (the page data has only open pools and the account's nodes): from the index, or the chain.
  const fetched = useNode(portal.env, nodeId);
  if (nodeId === undefined) return <NotANode text={t('node.badId', { id })} />;
  const node = data?.nodes.find((n) => n.id === nodeId) ?? fetched.value;
  if (!data || (!node && fetched.loading) || (!node && !fetched.error)) return <p aria-busy="true">{t('app.reading')}</p>;
  if (!node) return <NotANode text={t('node.unknown', { id: String(nodeId) })} />;
  const now = data.overview.chainTime;
  const state = nodeState(node, now);
  const mine = !!wallet && (same(node.operator, wallet.address) || node.contributors.some((c) => same(c.contributor, wallet.address)));
  const earns = earnsFrom(node);
  return (
    <>
      <h1>{t('node.title', { id: String(node.id) })}</h1>
      <section className="card" aria-labelledby="node-facts" data-testid="node-page" data-node-page={String(node.id)}>
        <h2 id="node-facts">
          <span className={`badge state-${state.key}`} data-testid="node-state">{state.label}</span>
        </h2>
        {state.detail && <p>{state.detail}</p>}
        {earns !== undefined && earns > now && <p className="warning" data-testid="warm-up">{t('node.warmUp', { when: relative(earns, now) })}</p>}
        <dl className="facts">
          <div><dt>{t('nodes.operator')}</dt><dd><Link to={`/address/${node.operator}`}><code title={node.operator}>{short(node.operator)}</code></Link></dd></div>
          <div><dt>{t('nodes.fee')}</dt><dd>{percent(node.feeBps)}</dd></div>
          <div><dt>{t('nodes.stake')}</dt><dd><Amount value={node.totalStaked} /> / <Amount value={node.stakeRequired} /></dd></div>
          {node.activatedAt > 0n && <div><dt>{t('node.activated')}</dt><dd title={date(node.activatedAt)}>{relative(node.activatedAt, now)}</dd></div>}
          <div><dt>{t('nodes.health')}</dt><dd>{healthText(healthOf(fetched.value ?? node, data), now)}</dd></div>
        </dl>
        <h3>{t('node.contributors', { count: node.contributors.length })}</h3>
        <ul className="contributors" data-testid="node-contributors">
          {node.contributors.map((c) => (
            <li key={c.contributor}>
              <Link to={`/address/${c.contributor}`}><code title={c.contributor}>{short(c.contributor)}</code></Link>
              {same(c.contributor, node.operator) ? ` (${t('review.operator')})` : ''}: <Amount value={c.amount} />
            </li>
          ))}
        </ul>
      </section>
      {node.status === 'AwaitingContributions' && (
        <ul className="nodes">
          <OpenNode {...viewProps(portal)} node={node} reserved={data.account?.reservations.get(node.id)} mine={node.contributors.some((c) => same(c.contributor, wallet?.address))} />
        </ul>
      )}
      {mine && wallet && (
        <ul className="nodes" id="my-stakes" aria-label={t('node.yourActions')}>
          <MyNode {...viewProps(portal)} node={node} me={wallet.address} />
        </ul>
      )}
    </>
  );
}

function NotANode({ text }: { text: string }) {
  return (
    <section className="card">
      <h1>{text}</h1>
      <Link to="/nodes">{t('node.allNodes')}</Link>
    </section>
  );
}
