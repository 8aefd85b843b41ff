/** Connect any injected wallet or (devnet only) pick a funded demo account; show balance and network. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { Address } from 'viem';
import type { Env } from '../chain.ts';
import { sesh, short } from '../format.ts';
import { t } from '../i18n/index.ts';
import { Amount } from './Amount.tsx';
import { connectDemo, connectInjected, demoAddresses, DEVNET_CHAIN_ID, switchNetwork, type InjectedWallet, type Wallet } from '../wallet.ts';

type Props = { env: Env; wallet?: Wallet; setWallet: (w?: Wallet) => void; injected: InjectedWallet[]; balance?: bigint };

export function ConnectPanel({ env, wallet, setWallet, injected, balance }: Props) {
  const [error, setError] = useState<string>();
  const [demo, setDemo] = useState<Address[]>([]);
  const [choice, setChoice] = useState('1');
  const devnet = env.chain.id === DEVNET_CHAIN_ID;

  useEffect(() => {
    if (devnet) void demoAddresses(10).then(setDemo);
  }, [devnet]);

  const attempt = (connect: () => Promise<Wallet | undefined>) => {
    setError(undefined);
    connect().then(setWallet, async (e: Error) => setError((await import('../errors.ts')).plainError(e)));
  };
  const wrongNetwork = wallet && wallet.chainId !== env.chain.id;
  const source = injected.find((w) => w.provider === wallet?.provider);

  return (
    <section aria-labelledby="wallet-title" className="card" id="wallet">
      <h2 id="wallet-title">{t('wallet.title')}</h2>
      {wallet ? (
        <div className="row">
          <p data-testid="connected">
            <strong>{wallet.label}</strong> <Link to={`/address/${wallet.address}`}><code title={wallet.address}>{short(wallet.address)}</code></Link>
            <br />
            {t('wallet.balance')} <strong data-testid="balance" title={balance === undefined ? undefined : sesh(balance)}>{balance === undefined ? '…' : <Amount value={balance} />}</strong>
          </p>
          <button type="button" className="secondary" onClick={() => setWallet(undefined)}>{t('wallet.disconnect')}</button>
        </div>
      ) : (
        <div className="row">
          {injected.map((w) => (
            <button key={w.id} type="button" onClick={() => attempt(() => connectInjected(env.chain, w))}>
              {w.icon && <img src={w.icon} alt="" width={18} height={18} />} {t('wallet.connect', { name: w.name })}
            </button>
          ))}
          {injected.length === 0 && <p className="hint">{t('wallet.none')}</p>}
        </div>
      )}
      {wrongNetwork && (
        <div role="alert" className="warning">
          {t('wallet.wrongNetwork', { chainId: wallet.chainId, name: env.chain.name, id: env.chain.id })}{' '}
          <button type="button" onClick={() => switchNetwork(wallet.provider, env.chain).then(() => source && attempt(() => connectInjected(env.chain, source)), (e: Error) => setError(e.message))}>
            {t('wallet.switch')}
          </button>
        </div>
      )}
      {devnet && (
        <fieldset className="demo">
          <legend>{t('wallet.demoLegend')}</legend>
          <p className="hint">{t('wallet.demoHint')}</p>
          <div className="row">
            <label htmlFor="demo-account">{t('wallet.account')}</label>
            <select id="demo-account" value={choice} onChange={(e) => setChoice(e.target.value)}>
              {demo.map((address, i) => (
                <option key={address} value={String(i)}>#{i} {short(address)}{i === 0 ? ` (${t('wallet.deployer')})` : ''}</option>
              ))}
            </select>
            <button type="button" onClick={() => attempt(() => connectDemo(env.chain, Number(choice)))}>{t('wallet.useDemo')}</button>
          </div>
        </fieldset>
      )}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
