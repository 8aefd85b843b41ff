/**
 * Session names and Session Pro (issue 6 §4): search a name, register it (commit, wait a
 * minute, reveal and pay), renew, transfer, set its account ID and text records; show and buy
 * or extend Pro for an account ID. Everything is read from the chain. Every payment passes
 * the price shown as maxPrice, so a price raised before the transaction runs is refused
 * (PriceAboveMax) rather than charged.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Address, Hex } from 'viem';
import { isAddress } from 'viem';
import { isAccountId } from '../../../sdk/src/names/accountId.ts';
import { approveRegistrarCall, commitCall, registerCall, renewCall, setAccountIdCall, setTextCall, transferCall } from '../../../sdk/src/names/calls.ts';
import { MIN_COMMITMENT_AGE, randomSecret } from '../../../sdk/src/names/commitment.ts';
import { lookupName, registrationPrice, renewalPrice, type NameInfo } from '../../../sdk/src/names/read.ts';
import { checkName, InvalidNameError } from '../../../sdk/src/names/rules.ts';
import { approveProCall, buyProCall, proStatus, proTier, type ProStatus, type ProTier } from '../../../sdk/src/pro/calls.ts';
import { date, sesh } from '../format.ts';
import { t } from '../i18n/index.ts';
import { reviewNamePayment, reviewNameTransfer, reviewPro } from '../review/describe.ts';
import type { ContractCall } from '../tx.ts';
import { same, type ViewProps } from './shared.ts';

type Pending = { name: string; accountId: string; years: number; secret: Hex; usableAt: number };
/** A commitment's secret must survive a reload, or the commit fee and the minute are lost. */
const pendingKey = (owner: Address) => `sesh-portal:name-commitment:${owner}`;
const loadPending = (owner: Address): Pending | undefined => {
  try {
    return JSON.parse(localStorage.getItem(pendingKey(owner)) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
};

export function NameSearch({ env, wallet, data, run, busy }: ViewProps) {
  const [query, setQuery] = useState('');
  /** The prices are for `years`: a change of years looks them up again before they are shown. */
  const [info, setInfo] = useState<(NameInfo & { price: bigint; renewal: bigint; years: string }) | undefined>();
  const [error, setError] = useState<string>();
  const [accountId, setAccountId] = useState('');
  const [years, setYears] = useState('1');
  const [pending, setPending] = useState<Pending | undefined>();
  const [transferTo, setTransferTo] = useState('');
  const [textKey, setTextKey] = useState('');
  const [textValue, setTextValue] = useState('');
  const now = Number(data?.overview.chainTime ?? 0n);
  const d = env.config;

  useEffect(() => setPending(wallet ? loadPending(wallet.address) : undefined), [wallet]);

  /** `refresh`: the per-block re-read, which must not wipe an error the person has not fixed. */
  const lookup = useCallback(
    async (name: string, refresh = false) => {
      if (!refresh) setError(undefined);
      const check = checkName(name);
      if (!check.ok) {
        setInfo(undefined);
        return setError(new InvalidNameError(name, check.reason, check.position).message);
      }
      try {
        const [found, price, renewal] = await Promise.all([lookupName(env.client, d, check.name), registrationPrice(env.client, d, check.name, Number(years)), renewalPrice(env.client, d, check.name, Number(years))]);
        setInfo({ ...found, price, renewal, years });
      } catch (e) {
        if (!refresh) setError(`Could not look the name up: ${(e as Error).message}`);
      }
    },
    [env, d, years],
  );
  // Re-read the shown name after each block (registration, renewal, transfer…).
  useEffect(() => {
    if (info) void lookup(info.name, true);
  }, [data?.overview.blockNumber, years]);
  const priced = info && info.years === years ? info : undefined;

  const savePending = (p?: Pending) => {
    if (!wallet) return;
    if (p) localStorage.setItem(pendingKey(wallet.address), JSON.stringify(p));
    else localStorage.removeItem(pendingKey(wallet.address));
    setPending(p);
  };

  const commit = async () => {
    if (!wallet || !info) return;
    if (!isAccountId(accountId)) return setError('Enter the Session account ID the name should point to: 05 followed by 64 hex digits.');
    const request = { name: info.name, owner: wallet.address, accountId, secret: randomSecret(), years: Number(years) };
    const ok = await run([{ label: `Commit to the name ${info.name}`, call: commitCall(d, request).call as ContractCall }]);
    if (ok) {
      const block = await env.client.getBlock({ blockTag: 'latest' });
      savePending({ name: info.name, accountId, years: Number(years), secret: request.secret, usableAt: Number(block.timestamp) + MIN_COMMITMENT_AGE });
    }
  };

  const reveal = async () => {
    if (!wallet || !pending) return;
    const price = await registrationPrice(env.client, d, pending.name, pending.years);
    const ok = await run([
      { label: `Approve ${sesh(price)} for the name`, call: approveRegistrarCall(d, price) as ContractCall },
      { label: `Register the name ${pending.name} for at most ${sesh(price)}`, call: registerCall(d, { ...pending, owner: wallet.address }, price) as ContractCall },
    ], reviewNamePayment('register', pending.name, price, pending.years));
    if (ok) savePending(undefined);
  };

  const mine = info && wallet && same(info.owner as Address | undefined, wallet.address);
  return (
    <section aria-labelledby="names-title" className="card" id="names">
      <h2 id="names-title">Session names</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void lookup(query); }}>
        <label htmlFor="name-query">Name</label>
        <input id="name-query" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="alice" autoCapitalize="none" />
        <button type="submit">Search</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {info && (
        <div data-testid="name-info">
          {info.available ? (
            <p><strong>{info.name}</strong> is available{priced ? `: ${sesh(priced.price)} for ${years} year${years === '1' ? '' : 's'}` : ' (reading the price…)'}.</p>
          ) : (
            <p>
              <strong>{info.name}</strong> is taken{mine ? ' by you' : ''}{info.accountId ? <> and points to <code>{info.accountId}</code></> : null}; it expires {date(info.expiry)}.
            </p>
          )}
          <label className="inline">
            Years
            <select value={years} onChange={(e) => setYears(e.target.value)}>
              {Array.from({ length: 10 }, (_, i) => <option key={i} value={String(i + 1)}>{i + 1}</option>)}
            </select>
          </label>
          {info.available && wallet && !pending && (
            <div className="grid">
              <label className="wide">
                Session account ID it points to
                <input id="name-account" value={accountId} onChange={(e) => setAccountId(e.target.value)} placeholder="05…" spellCheck={false} />
              </label>
              <button type="button" disabled={busy} onClick={() => void commit()}>Register (step 1 of 2: commit)</button>
            </div>
          )}
          {mine && (
            <div className="grid">
              <button type="button" disabled={busy || !priced} onClick={() => priced && void run([
                { label: `Approve ${sesh(priced.renewal)} for the renewal`, call: approveRegistrarCall(d, priced.renewal) as ContractCall },
                { label: `Renew ${info.name} for at most ${sesh(priced.renewal)}`, call: renewCall(d, info.name, Number(years), priced.renewal) as ContractCall },
              ], reviewNamePayment('renew', info.name, priced.renewal, Number(years)))}>Renew for {priced ? sesh(priced.renewal) : '…'}</button>
              <label>
                New account ID
                <input value={accountId} onChange={(e) => setAccountId(e.target.value)} placeholder="05…" spellCheck={false} />
              </label>
              <button type="button" disabled={busy || !isAccountId(accountId)} onClick={() => void run([{ label: `Point ${info.name} to a new account ID`, call: setAccountIdCall(d, info.name, accountId) as ContractCall }])}>Set account ID</button>
              <label>
                Text record key
                <input value={textKey} onChange={(e) => setTextKey(e.target.value)} placeholder="url" />
              </label>
              <label>
                Value
                <input value={textValue} onChange={(e) => setTextValue(e.target.value)} />
              </label>
              <button type="button" disabled={busy || !textKey} onClick={() => void run([{ label: `Set ${textKey} on ${info.name}`, call: setTextCall(d, info.name, textKey, textValue) as ContractCall }])}>Set text record</button>
              <label>
                Transfer to (address)
                <input value={transferTo} onChange={(e) => setTransferTo(e.target.value)} placeholder="0x…" />
              </label>
              <button type="button" disabled={busy || !isAddress(transferTo)} onClick={() => void run([{ label: `Transfer ${info.name}`, call: transferCall(d, info.name, wallet!.address, transferTo as Address) as ContractCall }], reviewNameTransfer(info.name, transferTo as Address))}>Transfer (clears its records)</button>
            </div>
          )}
        </div>
      )}
      {pending && wallet && (
        <div className="warning" data-testid="name-pending">
          <p>
            Registering <strong>{pending.name}</strong>:{' '}
            {now < pending.usableAt ? `the commitment matures in ${pending.usableAt - now} s (front-running protection).` : 'the commitment is ready.'}
          </p>
          <div className="row">
            <button type="button" disabled={busy || now < pending.usableAt} onClick={() => void reveal()}>Complete registration (step 2 of 2)</button>
            <button type="button" className="secondary" onClick={() => savePending(undefined)}>Forget it</button>
          </div>
        </div>
      )}
    </section>
  );
}

const TIER_IDS = [1n, 2n, 3n, 4n];
const TIER_REFRESH_MS = 10 * 60_000;

export function Pro({ env, wallet, data, run, busy }: ViewProps) {
  const [accountId, setAccountId] = useState('');
  const [status, setStatus] = useState<ProStatus>();
  const [tiers, setTiers] = useState<ProTier[]>([]);
  const [error, setError] = useState<string>();
  const d = env.config;

  // Tiers change rarely: read them once, then on window focus and every 10 minutes. A price that
  // changed in between is still safe: each button's maxPrice makes the contract refuse, not overcharge.
  // A refused purchase (the price moved) reads them again at once, so the next button is right.
  const readTiers = useCallback(() => {
    if (!env.config.contracts.SessionPro) return;
    void Promise.all(TIER_IDS.map((id) => proTier(env.client, d, id))).then((list) => setTiers(list.filter((t) => t.active && t.price > 0n)), () => setTiers([]));
  }, [env, d]);
  useEffect(() => {
    readTiers();
    const timer = setInterval(readTiers, TIER_REFRESH_MS);
    window.addEventListener('focus', readTiers);
    return () => { clearInterval(timer); window.removeEventListener('focus', readTiers); };
  }, [readTiers]);

  const check = useCallback(async () => {
    setError(undefined);
    if (!isAccountId(accountId)) return setError(t('pro.invalidAccount'));
    setStatus(await proStatus(env.client, d, accountId));
  }, [accountId, env, d]);
  useEffect(() => {
    if (status) void check();
  }, [data?.overview.blockNumber]);

  if (!env.config.contracts.SessionPro) return null;
  return (
    <section aria-labelledby="pro-title" className="card" id="pro">
      <h2 id="pro-title">{t('pro.title')}</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void check(); }}>
        <label htmlFor="pro-account">{t('pro.accountId')}</label>
        <input id="pro-account" value={accountId} onChange={(e) => setAccountId(e.target.value)} placeholder="05…" spellCheck={false} />
        <button type="submit">{t('pro.show')}</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {status && (
        <div data-testid="pro-status">
          <p>{status.active ? t('pro.activeUntil', { date: date(status.expiry) }) : status.expiry > 0n ? t('pro.expired', { date: date(status.expiry) }) : t('pro.none')}</p>
          {wallet && (
            <div className="row">
              {tiers.map((tier) => (
                <button key={String(tier.id)} type="button" disabled={busy} onClick={() => void run([
                  { label: t('pro.approveStep', { price: sesh(tier.price) }), call: approveProCall(d, tier.price) as ContractCall },
                  { label: t(status.active ? 'pro.extendStep' : 'pro.buyStep', { days: Number(tier.duration / 86_400n), price: sesh(tier.price) }), call: buyProCall(d, status.accountId, tier.id, tier.price) as ContractCall },
                ], reviewPro({ extend: status.active, days: Number(tier.duration / 86_400n), price: tier.price, accountId: status.accountId })).then((done) => { if (!done) readTiers(); })}>
                  {t(status.active ? 'pro.extend' : 'pro.buy', { days: Number(tier.duration / 86_400n), price: sesh(tier.price) })}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
