/**
 * Register a node from the `prepare-registration` JSON: solo (the whole stake) or
 * multi-contributor (fee, reserved slots, auto-activation). Everything is validated with the
 * sdk (payload, proof of possession, the ed25519 key's signature of the registration, amounts)
 * before a transaction is sent: a payload whose ed25519 signature does not match this operator,
 * BLS key, chain and contract is refused with the sdk's sentence (rerun prepare-registration),
 * since the network would ignore such a node.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { getAddress, isAddress } from 'viem';
import { openPoolCall, registerSoloNodeCall, type Reservation } from '../../../sdk/src/staking/calls.ts';
import { MAX_CONTRIBUTORS, OPERATOR_MIN_DIVISOR } from '../../../sdk/src/staking/constants.ts';
import { inputAmount, sesh } from '../format.ts';
import { t } from '../i18n/index.ts';
import { reviewRegister, type Review } from '../review/describe.ts';
import { healthOf } from '../routes/NodesPage.tsx';
import type { ContractCall } from '../tx.ts';
import { readAmount, same, withApproval, type ViewProps } from './shared.ts';
import { startNodeCommand } from '../start-command.ts';

type Plan = { amount: bigint; call: ContractCall; label: string; review: Review };

export function RegisterNode({ env, wallet, data, run, busy }: ViewProps) {
  const [payload, setPayload] = useState('');
  const [mode, setMode] = useState<'solo' | 'multi'>('multi');
  const [fee, setFee] = useState('5');
  const [operatorAmount, setOperatorAmount] = useState('');
  const [reserved, setReserved] = useState('');
  const [autoActivate, setAutoActivate] = useState(true);
  const [errors, setErrors] = useState<string[]>([]);
  /** The highest node id this operator had before the registration: the new node is above it. */
  const [registeredAfter, setRegisteredAfter] = useState<bigint>();
  const requirement = data?.overview.stakingRequirement;
  const minimum = requirement === undefined ? undefined : (requirement + OPERATOR_MIN_DIVISOR - 1n) / OPERATOR_MIN_DIVISOR;

  /** Every problem with the form, or the call to send. */
  const plan = async (): Promise<Plan | string[]> => {
    if (!wallet || requirement === undefined || minimum === undefined) return ['Connect a wallet first.'];
    const problems: string[] = [];
    // The BLS code (curve arithmetic) loads only when someone registers a node.
    const { nodeKeysArgs, parseRegistrationPayload, RegistrationPayloadError } = await import('../../../sdk/src/staking/registration.ts');
    let keys;
    try {
      const parsed = parseRegistrationPayload(payload, { chainId: env.chain.id, contract: env.contracts.SessionStaking });
      if (!same(parsed.operator, wallet.address)) problems.push(`The registration was prepared for operator ${parsed.operator}; connect that wallet or rerun prepare-registration with ${wallet.address}.`);
      keys = nodeKeysArgs(parsed);
    } catch (error) {
      if (!(error instanceof RegistrationPayloadError)) throw error;
      problems.push(payload.trim() === '' ? 'Paste the output of prepare-registration.' : error.message);
    }
    if (mode === 'solo') {
      if (problems.length || !keys) return problems;
      return { amount: requirement, review: reviewRegister({ solo: true, amount: requirement, requirement }), label: `Register solo node (${sesh(requirement)})`, call: registerSoloNodeCall(env.contracts.SessionStaking, { keys, amount: requirement }) as unknown as ContractCall };
    }
    const feeNumber = Number(fee);
    if (fee.trim() === '' || !Number.isFinite(feeNumber) || feeNumber < 0 || feeNumber > 100 || Math.round(feeNumber * 100) !== feeNumber * 100) {
      problems.push('The fee is a percentage between 0 and 100 with at most 2 decimals.');
    }
    const amount = operatorAmount.trim() === '' ? minimum : readAmount(operatorAmount);
    if (typeof amount === 'string') problems.push(`Operator stake: ${amount}`);
    else if (amount < minimum || amount > requirement) problems.push(`The operator stake must be between ${sesh(minimum)} and ${sesh(requirement)}.`);
    const reservations: Reservation[] = [];
    reserved
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .forEach((line, i) => {
        const [address, value] = line.split(/[\s,]+/);
        const parsedAmount = value === undefined ? 'missing amount' : readAmount(value);
        if (!address || !isAddress(address)) problems.push(`Reserved slot ${i + 1}: "${address}" is not an address.`);
        else if (typeof parsedAmount === 'string') problems.push(`Reserved slot ${i + 1}: ${parsedAmount}`);
        else if (same(getAddress(address), wallet.address)) problems.push(`Reserved slot ${i + 1}: the operator cannot reserve a slot.`);
        else if (reservations.some((r) => same(r.account, getAddress(address)))) problems.push(`Reserved slot ${i + 1}: ${address} is listed twice.`);
        else reservations.push({ account: getAddress(address), amount: parsedAmount });
      });
    if (reservations.length + 1 > Number(MAX_CONTRIBUTORS)) problems.push(`At most ${Number(MAX_CONTRIBUTORS) - 1} reserved slots (10 contributors including you).`);
    const reservedTotal = reservations.reduce((sum, r) => sum + r.amount, 0n);
    if (typeof amount === 'bigint' && reservedTotal > requirement - amount) problems.push(`Reservations total ${sesh(reservedTotal)} but only ${sesh(requirement - amount)} is left after your stake.`);
    if (problems.length || !keys || typeof amount !== 'bigint') return problems;
    return {
      amount,
      review: reviewRegister({ solo: false, amount, requirement, feeBps: Math.round(feeNumber * 100), reservedCount: reservations.length }),
      label: `Open multi-contributor node (${sesh(amount)} from you)`,
      call: openPoolCall(env.contracts.SessionStaking, { keys, feeBps: Math.round(feeNumber * 100), reserved: reservations, autoActivate, operatorAmount: amount }) as unknown as ContractCall,
    };
  };

  const submit = async () => {
    const result = await plan();
    if (Array.isArray(result)) return setErrors(result);
    if (data?.account && result.amount > data.account.balance) return setErrors([`Your balance is ${sesh(data.account.balance)}; this needs ${sesh(result.amount)}.`]);
    setErrors([]);
    const before = (data?.nodes ?? []).filter((n) => same(n.operator, wallet?.address)).reduce((max, n) => (n.id > max ? n.id : max), 0n);
    const ok = await run(withApproval(env, data?.account?.allowance ?? 0n, result.amount, { label: result.label, call: result.call }), result.review);
    if (ok) {
      setPayload('');
      setRegisteredAfter(before);
    }
  };
  const created = registeredAfter === undefined ? undefined : data?.nodes.find((n) => n.id > registeredAfter && same(n.operator, wallet?.address));
  const link = created ? new URL(`/nodes/${created.id}`, window.location.origin).href : undefined;
  const seen = created ? healthOf(created, data)?.lastSeen !== undefined : false;

  return (
    <section aria-labelledby="register-title" className="card" id="register">
      <h2 id="register-title">Register a node</h2>
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }} noValidate>
        <label htmlFor="payload">Registration (the JSON printed by prepare-registration)</label>
        <textarea id="payload" rows={5} value={payload} onChange={(e) => setPayload(e.target.value)} spellCheck={false} placeholder='{ "operator": "0x…", "blsPublicKey": "0x…", … }' />
        <fieldset className="row">
          <legend>Node type</legend>
          <label><input type="radio" name="mode" value="solo" checked={mode === 'solo'} onChange={() => setMode('solo')} /> Solo ({requirement === undefined ? '…' : sesh(requirement)} from you)</label>
          <label><input type="radio" name="mode" value="multi" checked={mode === 'multi'} onChange={() => setMode('multi')} /> Multi-contributor</label>
        </fieldset>
        {mode === 'multi' && (
          <div className="grid">
            <label>
              Operator fee (%)
              <input id="fee" inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} />
            </label>
            <label>
              Your stake (SESH, at least {minimum === undefined ? '…' : sesh(minimum).replace(' SESH', '')})
              <input id="operator-amount" inputMode="decimal" value={operatorAmount} onChange={(e) => setOperatorAmount(e.target.value)} placeholder={minimum === undefined ? '' : inputAmount(minimum)} />
            </label>
            <label className="wide">
              Reserved slots (one per line: address amount)
              <textarea id="reserved" rows={2} value={reserved} onChange={(e) => setReserved(e.target.value)} spellCheck={false} placeholder="0xabc… 5000" />
            </label>
            <label className="check">
              <input type="checkbox" checked={autoActivate} onChange={(e) => setAutoActivate(e.target.checked)} /> Activate automatically when full
            </label>
          </div>
        )}
        <button type="submit" disabled={busy || !wallet}>{mode === 'solo' ? 'Register solo node' : 'Open node'}</button>
        {!wallet && <p className="hint">Connect the operator wallet to register.</p>}
        {errors.length > 0 && (
          <ul role="alert" className="error" data-testid="register-errors">
            {errors.map((e) => <li key={e}>{e}</li>)}
          </ul>
        )}
      </form>
      {registeredAfter !== undefined && (
        <div className="card success" data-testid="start-node" role="status">
          <h3>{created ? t('register.doneTitle', { id: String(created.id) }) : t('register.doneTitlePending')}</h3>
          {created && link && (
            <p>
              {t('register.share')} <Link to={`/nodes/${created.id}`} data-testid="node-link">{link}</Link>{' '}
              <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(link)}>{t('register.copyLink')}</button>
            </p>
          )}
          <p>{t('register.startIntro')}</p>
          <pre data-testid="start-command">{startNodeCommand({ network: env.config.network })}</pre>
          <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(startNodeCommand({ network: env.config.network }))}>{t('register.copyCommand')}</button>
          <p>{t('register.statusIntro')} <code>session-node status --url http://127.0.0.1:22021</code></p>
          {!seen && <p className="warning" data-testid="not-seen">{t('register.notSeen')}</p>}
          <button type="button" className="secondary" onClick={() => setRegisteredAfter(undefined)}>{t('register.another')}</button>
        </div>
      )}
    </section>
  );
}
