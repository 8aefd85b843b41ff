/**
 * `/nodes`: the nodes looking for contributors (stake from here), then every node with its
 * state, operator, fee, stake and contributors, and the network's view of its health when the
 * data source provides it.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import type { NodeView } from '../chain.ts';
import type { NodeEntry } from '../data/types.ts';
import { percent, relative, short } from '../format.ts';
import { t } from '../i18n/index.ts';
import { nodeState } from '../state.ts';
import { Amount } from '../views/Amount.tsx';
import { OpenNodes } from '../views/OpenNodes.tsx';
import { useNodeList } from '../data/node-hooks.ts';
import { usePortal, viewProps } from './context.ts';

type Health = { lastSeen?: number; decommissioned?: boolean; signing?: boolean };
const PAGE = 50;

/** The network's view of a node, when the data source has one (the gateway's NodeEntry.health, or Data.health). */
export function healthOf(node: NodeView | NodeEntry | undefined, data?: { health?: Map<bigint, Health> }): Health | undefined {
  const h = (node as NodeEntry | undefined)?.health;
  if (h) return { lastSeen: h.lastAnnouncedAt ?? undefined, decommissioned: h.decommissioned, signing: h.signedLastRound ?? undefined };
  return node ? data?.health?.get(node.id) : undefined;
}

export function NodesPage() {
  const portal = usePortal();
  const { data } = portal;
  const [filter, setFilter] = useState<'running' | 'all'>('running');
  // Paged from the gateway's index (the chain's newest records without it): never every node at once.
  const list = useNodeList(portal.env, { status: filter === 'running' ? 'running' : undefined, limit: PAGE });
  const now = data?.overview.chainTime ?? 0n;
  const listed = list.nodes.filter((n) => n.status !== 'AwaitingContributions' || filter === 'all');
  return (
    <>
      <h1>{t('nodes.title')}</h1>
      <OpenNodes {...viewProps(portal)} />
      <section className="card" aria-labelledby="running-title" id="running">
        <h2 id="running-title">{t('nodes.allTitle')}</h2>
        <label className="inline">
          {t('nodes.show')}
          <select value={filter} onChange={(e) => setFilter(e.target.value as 'running' | 'all')}>
            <option value="running">{t('nodes.showRunning')}</option>
            <option value="all">{t('nodes.showAll')}</option>
          </select>
        </label>
        {list.error && <p role="alert" className="error">{list.error}</p>}
        {list.source?.kind === 'chain' && <p className="warning">{t('nodes.fromChain', { reason: list.source.reason })}</p>}
        {list.loading && listed.length === 0 ? (
          <p aria-busy="true">{t('app.reading')}</p>
        ) : listed.length === 0 ? (
          <p>{t('nodes.noneListed')}</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="running-title">
            <table data-testid="node-table">
              <thead>
                <tr>
                  <th scope="col">{t('nodes.node')}</th>
                  <th scope="col">{t('nodes.state')}</th>
                  <th scope="col">{t('nodes.operator')}</th>
                  <th scope="col">{t('nodes.fee')}</th>
                  <th scope="col">{t('nodes.stake')}</th>
                  <th scope="col">{t('nodes.contributors')}</th>
                  <th scope="col">{t('nodes.health')}</th>
                </tr>
              </thead>
              <tbody>
                {listed.map((n) => <Row key={String(n.id)} node={n} now={now} health={healthOf(n, data)} />)}
              </tbody>
            </table>
          </div>
        )}
        {list.total !== undefined && <p className="hint">{t('nodes.shown', { shown: list.nodes.length, count: list.total })}</p>}
        {list.hasMore && (
          <button type="button" className="secondary" disabled={list.loading} onClick={() => void list.loadMore()}>{t('nodes.more', { count: PAGE })}</button>
        )}
      </section>
    </>
  );
}

function Row({ node, now, health }: { node: NodeView; now: bigint; health?: Health }) {
  const state = nodeState(node, now);
  return (
    <tr data-node={String(node.id)}>
      <td><Link to={`/nodes/${node.id}`}>{String(node.id)}</Link></td>
      <td><span className={`badge state-${state.key}`}>{state.label}</span></td>
      <td><Link to={`/address/${node.operator}`}><code title={node.operator}>{short(node.operator)}</code></Link></td>
      <td>{percent(node.feeBps)}</td>
      <td><Amount value={node.stake || node.totalStaked} /></td>
      <td>{node.contributorCount}</td>
      <td>{healthText(health, now)}</td>
    </tr>
  );
}

export function healthText(health: Health | undefined, now: bigint): string {
  if (!health) return t('nodes.healthUnknown');
  if (health.decommissioned) return t('nodes.decommissioned');
  const seen = health.lastSeen === undefined ? t('nodes.neverSeen') : t('nodes.seen', { when: relative(health.lastSeen, now) });
  return health.signing === false ? `${seen} · ${t('nodes.notSigning')}` : seen;
}
