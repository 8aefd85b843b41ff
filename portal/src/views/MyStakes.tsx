/**
 * The connected account's nodes (as operator or contributor, past ones too), each with its
 * state and countdowns, plus rewards and every action the state allows.
 */
import { claimRewardsCall, exitWithSignatureCall, exitWithoutSignatureCall, activateCall, cancelPoolCall, releaseDeregisteredStakeCall, requestExitCall, withdrawContributionCall } from '../../../sdk/src/staking/calls.ts';
import type { Address } from 'viem';
import { exitAllowedAt, withdrawAt, type NodeView } from '../chain.ts';
import { date, sesh } from '../format.ts';
import { nodeState } from '../state.ts';
import { requestExitSignature } from '../gateway.ts';
import type { ContractCall, Step } from '../tx.ts';
import { same, type ViewProps } from './shared.ts';

export function MyStakes(props: ViewProps) {
  const { data, wallet, env, run } = props;
  if (!wallet || !data?.account) {
    return (
      <section aria-labelledby="stakes-title" className="card" id="my-stakes">
        <h2 id="stakes-title">My stakes</h2>
        <p>{wallet ? 'Reading your stakes…' : 'Connect a wallet to see your stakes.'}</p>
      </section>
    );
  }
  const me = wallet.address;
  const account = data.account;
  const mine = data.nodes.filter((n) => same(n.operator, me) || n.contributors.some((c) => same(c.contributor, me)) || account.history.has(n.id));
  const rewards = data.rewards;
  const claim = rewards && 'claim' in rewards ? rewards.claim : null;

  const claimRewards = () => {
    if (!claim) return;
    const call = claimRewardsCall(env.contracts.StakingRewards, { account: me, cumulativeAmount: claim.cumulativeAmount, proof: claim.proof });
    void run([{ label: `Claim ${sesh(rewards && 'claimable' in rewards ? rewards.claimable : 0n)} rewards`, call: call as unknown as ContractCall }]);
  };

  return (
    <section aria-labelledby="stakes-title" className="card" id="my-stakes">
      <h2 id="stakes-title">My stakes</h2>
      <div className="rewards" data-testid="rewards">
        <h3>Rewards</h3>
        {!rewards ? (
          <p aria-busy="true">…</p>
        ) : 'unavailable' in rewards ? (
          <p className="warning" data-testid="rewards-unavailable">Rewards unavailable: {rewards.unavailable}. Stakes and balances below come from the chain and stay correct.</p>
        ) : (
          <div className="row">
            <dl className="facts">
              <div><dt>Earned</dt><dd data-testid="rewards-earned">{sesh(rewards.earned)}</dd></div>
              <div><dt>Claimed</dt><dd data-testid="rewards-claimed">{sesh(account.rewardsClaimed)}</dd></div>
              <div><dt>Claimable</dt><dd data-testid="rewards-claimable">{sesh(rewards.claimable)}</dd></div>
            </dl>
            <button type="button" onClick={claimRewards} disabled={!claim || rewards.claimable === 0n}>Claim rewards</button>
          </div>
        )}
        <p className="hint">Rewards are paid per account across all your nodes, at each network checkpoint.</p>
      </div>
      {mine.length === 0 ? (
        <p>You have no stakes yet. Stake to an open node or register your own.</p>
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

function MyNode({ node, me, env, data, run }: ViewProps & { node: NodeView; me: Address }) {
  const now = data!.overview.chainTime;
  const state = nodeState(node, now, data!.account!.returned.get(node.id));
  const myStake = node.contributors.find((c) => same(c.contributor, me))?.amount ?? 0n;
  const operator = same(node.operator, me);
  const staking = env.contracts.SessionStaking;
  const act = (label: string, call: Step['call']) => void run([{ label: `${label} (node ${node.id})`, call }]);
  const c = (x: unknown) => x as ContractCall;
  const actions: { label: string; enabled: boolean; why?: string; onClick: () => void }[] = [];

  if (node.status === 'AwaitingContributions') {
    if (operator) {
      if (!node.autoActivate) actions.push({ label: 'Activate', enabled: node.totalStaked === node.stakeRequired, why: 'the node is not full yet', onClick: () => act('Activate', c(activateCall(staking, node.id))) });
      actions.push({ label: 'Cancel node', enabled: true, onClick: () => act('Cancel', c(cancelPoolCall(staking, node.id))) });
    } else {
      const at = withdrawAt(node, me) ?? 0n;
      actions.push({ label: 'Withdraw', enabled: now >= at, why: `possible from ${date(at)} (1 day after your last contribution)`, onClick: () => act('Withdraw', c(withdrawContributionCall(staking, node.id))) });
    }
  }
  if (node.status === 'Active') {
    const at = exitAllowedAt(node, me);
    actions.push({ label: 'Request exit', enabled: now >= at, why: `possible from ${date(at)}`, onClick: () => act('Request exit', c(requestExitCall(staking, node.id))) });
  }
  if (node.status === 'ExitRequested') {
    actions.push({
      label: 'Complete exit',
      enabled: now >= node.unlockAt,
      why: `unlocks ${date(node.unlockAt)}`,
      onClick: () =>
        act('Complete exit', async () => {
          const { signedAt, signature } = await requestExitSignature(env.config.gatewayUrl, node.id).catch((error: Error) => {
            throw new Error(`the network signature is unavailable (${error.message}); without it the exit can be completed from ${date(node.fallbackAt)}`);
          });
          return c(exitWithSignatureCall(staking, { nodeId: node.id, signedAt, sig: signature }));
        }),
    });
    if (now >= node.unlockAt) {
      actions.push({ label: 'Complete exit without signature', enabled: now >= node.fallbackAt, why: `possible from ${date(node.fallbackAt)}`, onClick: () => act('Complete exit without signature', c(exitWithoutSignatureCall(staking, node.id))) });
    }
  }
  if (node.status === 'Deregistered') {
    actions.push({ label: 'Release stake', enabled: now >= node.releaseAt, why: `possible from ${date(node.releaseAt)}`, onClick: () => act('Release stake', c(releaseDeregisteredStakeCall(staking, node.id))) });
  }

  return (
    <li className="node" data-node={String(node.id)} data-state={state.key}>
      <h3>
        Node {String(node.id)} <span className={`badge state-${state.key}`} data-testid="state">{state.label}</span>
        {operator && <span className="badge">operator</span>}
      </h3>
      {state.detail && <p data-testid="state-detail">{state.detail}</p>}
      {myStake > 0n && <p>Your stake: <strong data-testid="my-stake">{sesh(myStake)}</strong></p>}
      {actions.length > 0 && (
        <div className="row actions">
          {actions.map((a) => (
            <span key={a.label} className="action">
              <button type="button" onClick={a.onClick} disabled={!a.enabled}>{a.label}</button>
              {!a.enabled && a.why && <small className="hint"> {a.why}</small>}
            </span>
          ))}
        </div>
      )}
    </li>
  );
}
