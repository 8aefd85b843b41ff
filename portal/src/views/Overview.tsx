/** The network at a glance: active nodes, stake, the reward pool, an APR with its basis, the last checkpoint. */
import type { Data } from '../data/use-network-data.ts';
import { percent, relative, date } from '../format.ts';
import { t } from '../i18n/index.ts';
import { nodeDaily } from '../rewards.ts';
import { Amount } from './Amount.tsx';

export function OverviewPanel({ data }: { data?: Data }) {
  const o = data?.overview;
  const network = data?.network && !('unavailable' in data.network) ? data.network : undefined;
  const gatewayApr = network?.estimatedAprBps ?? null;
  const lastCheckpointAt = o?.lastCheckpointAt ?? network?.lastCheckpoint?.submittedAt ?? undefined;
  const nextAt = o?.nextCheckpointAt ?? undefined;
  const perNode = o && data ? nodeDaily(data.nodes, o.ratePerSecond, o.chainTime) : 0n;
  return (
    <section aria-labelledby="network-title" className="card" id="network">
      <h2 id="network-title">{t('overview.network')}</h2>
      {!o ? (
        <p aria-busy="true">{t('app.reading')}</p>
      ) : (
        <>
          <dl className="stats">
            <div><dt>{t('overview.activeNodes')}</dt><dd data-testid="active-nodes">{String(o.activeNodes)}</dd></div>
            <div><dt>{t('overview.totalStaked')}</dt><dd data-testid="total-staked"><Amount value={o.totalStaked} /></dd></div>
            <div><dt>{t('overview.pool')}</dt><dd data-testid="pool-balance"><Amount value={o.poolBalance} /></dd></div>
            <div><dt>{t('overview.rate')}</dt><dd data-testid="release-rate"><Amount value={o.ratePerYear} /> {t('overview.perYear')}</dd></div>
            <div><dt>{t('overview.apr')}</dt><dd data-testid="apr">{percent(gatewayApr ?? o.aprBps)}</dd></div>
            <div><dt>{t('overview.perNodeDaily')}</dt><dd data-testid="per-node-daily"><Amount value={perNode} /></dd></div>
            <div><dt>{t('overview.requirement')}</dt><dd data-testid="requirement"><Amount value={o.stakingRequirement} /></dd></div>
            <div>
              <dt>{t('overview.lastCheckpoint')}</dt>
              <dd data-testid="last-checkpoint" title={lastCheckpointAt ? date(lastCheckpointAt) : undefined}>
                {lastCheckpointAt ? relative(lastCheckpointAt, o.chainTime) : t('overview.noCheckpoint')}
              </dd>
            </div>
            {nextAt ? (
              <div><dt>{t('overview.nextCheckpoint')}</dt><dd data-testid="next-checkpoint" title={o.nextCheckpointBasis ?? date(nextAt)}>{relative(nextAt, o.chainTime)}</dd></div>
            ) : null}
          </dl>
          <p className="hint" data-testid="apr-basis">{o.aprBasis ? t('overview.aprBasisFrom', { basis: o.aprBasis }) : t(gatewayApr === null ? 'overview.aprBasisChain' : 'overview.aprBasisGateway')}</p>
          {o.nextCheckpointBasis && <p className="hint">{o.nextCheckpointBasis}</p>}
          {o.chainRate !== undefined && o.chainRate > 1.5 && <p className="hint" data-testid="chain-rate">{t('overview.chainFast', { rate: Math.round(o.chainRate) })}</p>}
        </>
      )}
    </section>
  );
}
