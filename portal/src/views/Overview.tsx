/** The network at a glance: active nodes, stake, the reward pool and an APR estimate. */
import type { Data } from '../data/use-network-data.ts';
import { percent, sesh, seshRounded } from '../format.ts';

export function OverviewPanel({ data }: { data?: Data }) {
  const o = data?.overview;
  const gatewayApr = data?.network && 'estimatedAprBps' in data.network ? data.network.estimatedAprBps : null;
  const items: [string, string, string][] = o
    ? [
        ['Active nodes', String(o.activeNodes), 'active-nodes'],
        ['Total staked', sesh(o.totalStaked), 'total-staked'],
        ['Reward pool balance', seshRounded(o.poolBalance), 'pool-balance'],
        ['Release rate', `${seshRounded(o.ratePerYear)} / year`, 'release-rate'],
        ['Estimated APR', `${percent(gatewayApr ?? o.aprBps)}${gatewayApr === null ? ' (before operator fees)' : ''}`, 'apr'],
        ['Node stake', sesh(o.stakingRequirement), 'requirement'],
      ]
    : [];
  return (
    <section aria-labelledby="network-title" className="card" id="network">
      <h2 id="network-title">Network</h2>
      {!o ? (
        <p aria-busy="true">Reading the chain…</p>
      ) : (
        <dl className="stats">
          {items.map(([label, value, id]) => (
            <div key={id}>
              <dt>{label}</dt>
              <dd data-testid={id}>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
