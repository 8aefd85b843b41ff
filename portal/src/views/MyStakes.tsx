/**
 * The connected account's nodes (as operator or contributor, past ones too), each with its
 * state, relative countdowns and every action the state allows (each behind a review), plus
 * rewards explained: earned up to the last checkpoint, claimed, claimable, the estimate of what
 * accrued since, and the 24 h warm-up of a new node.
 */
import { claimRewardsCall, exitWithSignatureCall, exitWithoutSignatureCall, activateCall, cancelPoolCall, releaseDeregisteredStakeCall, requestExitCall, withdrawContributionCall } from '../../../sdk/src/staking/calls.ts';
import { Link } from 'react-router';
import type { Address } from 'viem';
import { exitAllowedAt, withdrawAt, type NodeView } from '../chain.ts';
import { date, relative, seshRounded } from '../format.ts';
import { t } from '../i18n/index.ts';
import { nodeState } from '../state.ts';
import { requestExitSignature } from '../gateway.ts';
import { dailyEstimate, earnsFrom, sinceCheckpoint } from '../rewards.ts';
import { reviewActivate, reviewCancel, reviewClaim, reviewCompleteExit, reviewRelease, reviewRequestExit, reviewWithdraw, type Review } from '../review/describe.ts';
import type { ContractCall, Step } from '../tx.ts';
import { Amount } from './Amount.tsx';
import { same, type ViewProps } from './shared.ts';

/** The nodes `account` operates, contributes to, or ever contributed to. */
export const nodesOf = (nodes: readonly NodeView[], account: Address, history?: Set<bigint>) =>
  nodes.filter((n) => same(n.operator, account) || n.contributors.some((c) => same(c.contributor, account)) || history?.has(n.id));

export function MyStakes(props: ViewProps) {
  const { data, wallet, env, run, busy } = props;
  if (!wallet || !data?.account) {
    return (
      <section aria-labelledby="stakes-title" className="card" id="my-stakes">
        <h2 id="stakes-title">{t('stakes.title')}</h2>
        <p>{wallet ? t('stakes.reading') : t('stakes.connect')}</p>
      </section>
    );
  }
  const me = wallet.address;
  const account = data.account;
  const mine = nodesOf(data.nodes, me, account.history);
  const rewards = data.rewards;
  const claim = rewards && 'claim' in rewards ? rewards.claim : null;
  const now = data.overview.chainTime;
  const network = data.network && !('unavailable' in data.network) ? data.network : undefined;
  const daily = dailyEstimate(mine, me, data.overview.ratePerSecond, now, data.nodes);
  const accrued = sinceCheckpoint(daily, network?.lastCheckpoint?.submittedAt, now);
  const warming = mine.filter((n) => (earnsFrom(n) ?? 0n) > now);

  const claimRewards = () => {
    if (!claim || !rewards || !('claimable' in rewards)) return;
    const call = claimRewardsCall(env.contracts.StakingRewards, { account: me, cumulativeAmount: claim.cumulativeAmount, proof: claim.proof });
    void run([{ label: `Claim ${seshRounded(rewards.claimable)} rewards`, call: call as unknown as ContractCall }], reviewClaim(rewards.claimable));
  };

  return (
    <section aria-labelledby="stakes-title" className="card" id="my-stakes">
      <h2 id="stakes-title">{t('stakes.title')}</h2>
      <div className="rewards" data-testid="rewards">
        <h3>{t('stakes.rewards')}</h3>
        {!rewards ? (
          <p aria-busy="true">…</p>
        ) : 'unavailable' in rewards ? (
          <p className="warning" data-testid="rewards-unavailable">{t('stakes.rewardsUnavailable', { reason: rewards.unavailable })}</p>
        ) : (
          <>
            <div className="row">
              <dl className="facts">
                <div><dt>{t('stakes.earned')}</dt><dd data-testid="rewards-earned"><Amount value={rewards.earned} /></dd></div>
                <div><dt>{t('stakes.claimed')}</dt><dd data-testid="rewards-claimed"><Amount value={account.rewardsClaimed} /></dd></div>
                <div><dt>{t('stakes.claimable')}</dt><dd data-testid="rewards-claimable"><Amount value={rewards.claimable} /></dd></div>
                <div><dt>{t('stakes.sinceCheckpoint')}</dt><dd data-testid="rewards-since"><Amount value={accrued} /></dd></div>
                <div><dt>{t('stakes.daily')}</dt><dd data-testid="rewards-daily"><Amount value={daily} /></dd></div>
              </dl>
              <button type="button" onClick={claimRewards} disabled={busy || !claim || rewards.claimable === 0n}>{t('stakes.claim')}</button>
            </div>
            <p className="hint" data-testid="rewards-explained">
              {t('stakes.explain', { when: network?.lastCheckpoint ? relative(network.lastCheckpoint.submittedAt, now) : t('stakes.noCheckpointYet') })}
            </p>
          </>
        )}
        {warming.map((n) => (
          <p key={String(n.id)} className="warning" data-testid="warm-up">{t('stakes.warmUp', { node: String(n.id), when: relative(earnsFrom(n)!, now) })}</p>
        ))}
      </div>
      {mine.length === 0 ? (
        <p>{t('stakes.none')} <Link to="/nodes">{t('stakes.findNode')}</Link></p>
      ) : (
        <ul className="nodes">
          {mine.map((node) => (
            <MyNode key={String(node.id)} node={node} me={me} {...props} />
          ))}
        </ul>
      )}
    </section>
  );
}

type Action = { label: string; enabled: boolean; why?: string; onClick: () => void };

export function MyNode({ node, me, env, data, run, busy }: ViewProps & { node: NodeView; me: Address }) {
  const now = data!.overview.chainTime;
  const state = nodeState(node, now, data!.account?.returned.get(node.id));
  const myStake = node.contributors.filter((c) => same(c.contributor, me)).reduce((sum, c) => sum + c.amount, 0n);
  const operator = same(node.operator, me);
  const staking = env.contracts.SessionStaking;
  const act = (label: string, call: Step['call'], review: Review) => void run([{ label: `${label} (node ${node.id})`, call }], review);
  const c = (x: unknown) => x as ContractCall;
  const when = (at: bigint) => `${relative(at, now)} (${date(at)})`;
  const actions: Action[] = [];

  if (node.status === 'AwaitingContributions') {
    if (operator) {
      if (!node.autoActivate) actions.push({ label: 'Activate', enabled: node.totalStaked === node.stakeRequired, why: t('stakes.notFull'), onClick: () => act('Activate', c(activateCall(staking, node.id)), reviewActivate(node, me)) });
      actions.push({ label: 'Cancel node', enabled: true, onClick: () => act('Cancel', c(cancelPoolCall(staking, node.id)), reviewCancel(node, me)) });
    } else if (myStake > 0n) {
      const at = withdrawAt(node, me) ?? 0n;
      actions.push({ label: 'Withdraw', enabled: now >= at, why: t('stakes.withdrawFrom', { when: when(at) }), onClick: () => act('Withdraw', c(withdrawContributionCall(staking, node.id)), reviewWithdraw(node, myStake)) });
    }
  }
  if (node.status === 'Active' && myStake > 0n) {
    const at = exitAllowedAt(node, me);
    actions.push({ label: 'Request exit', enabled: now >= at, why: t('stakes.exitFrom', { when: when(at) }), onClick: () => act('Request exit', c(requestExitCall(staking, node.id)), reviewRequestExit(node, me)) });
  }
  if (node.status === 'ExitRequested') {
    actions.push({
      label: 'Complete exit',
      enabled: now >= node.unlockAt,
      why: t('stakes.unlocks', { when: when(node.unlockAt) }),
      onClick: () =>
        act(
          'Complete exit',
          async () => {
            const { signedAt, signature } = await requestExitSignature(env.config.gatewayUrl, node.id).catch((error: Error) => {
              throw new Error(t('stakes.noSignature', { reason: error.message, when: date(node.fallbackAt) }));
            });
            return c(exitWithSignatureCall(staking, { nodeId: node.id, signedAt, sig: signature }));
          },
          reviewCompleteExit(node, me, false),
        ),
    });
    if (now >= node.unlockAt) {
      actions.push({ label: 'Complete exit without signature', enabled: now >= node.fallbackAt, why: t('stakes.possibleFrom', { when: when(node.fallbackAt) }), onClick: () => act('Complete exit without signature', c(exitWithoutSignatureCall(staking, node.id)), reviewCompleteExit(node, me, true)) });
    }
  }
  if (node.status === 'Deregistered') {
    actions.push({ label: 'Release stake', enabled: now >= node.releaseAt, why: t('stakes.possibleFrom', { when: when(node.releaseAt) }), onClick: () => act('Release stake', c(releaseDeregisteredStakeCall(staking, node.id)), reviewRelease(node, me)) });
  }

  return (
    <li className="node" data-node={String(node.id)} data-state={state.key}>
      <h3>
        <Link to={`/nodes/${node.id}`}>Node {String(node.id)}</Link> <span className={`badge state-${state.key}`} data-testid="state">{state.label}</span>
        {operator && <span className="badge">{t('stakes.operatorBadge')}</span>}
      </h3>
      {state.detail && <p data-testid="state-detail">{state.detail}</p>}
      {myStake > 0n && <p>{t('stakes.yourStake')} <strong data-testid="my-stake"><Amount value={myStake} /></strong></p>}
      {actions.length > 0 && (
        <div className="row actions">
          {actions.map((a) => (
            <span key={a.label} className="action">
              <button type="button" onClick={a.onClick} disabled={busy || !a.enabled}>{a.label}</button>
              {!a.enabled && a.why && <small className="hint"> {a.why}</small>}
            </span>
          ))}
        </div>
      )}
    </li>
  );
}
