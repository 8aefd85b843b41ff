/** Connect a browser wallet or (devnet only) pick a funded demo account; show balance and network. */
import { useEffect, useState } from 'react';
import type { Address } from 'viem';
import type { Env } from '../chain.ts';
import { sesh, short } from '../format.ts';
import { connectDemo, connectInjected, demoAddresses, DEVNET_CHAIN_ID, injectedProvider, switchNetwork, type Wallet } from '../wallet.ts';

type Props = { env: Env; wallet?: Wallet; setWallet: (w?: Wallet) => void; balance?: bigint };

export function ConnectPanel({ env, wallet, setWallet, balance }: Props) {
  const [error, setError] = useState<string>();
  const [demo, setDemo] = useState<Address[]>([]);
  const [choice, setChoice] = useState('1');
  const devnet = env.chain.id === DEVNET_CHAIN_ID;

  useEffect(() => {
    if (devnet) void demoAddresses(10).then(setDemo);
  }, [devnet]);

  // Follow the injected wallet's account and network changes.
  useEffect(() => {
    const provider = injectedProvider();
    if (!provider || wallet?.kind !== 'injected') return;
    const reconnect = () => void connectInjected(env.chain).then(setWallet, () => setWallet(undefined));
    provider.on('accountsChanged', reconnect);
    provider.on('chainChanged', reconnect);
    return () => {
      provider.removeListener('accountsChanged', reconnect);
      provider.removeListener('chainChanged', reconnect);
    };
  }, [wallet?.kind, env.chain, setWallet]);

  const attempt = (connect: () => Promise<Wallet>) => {
    setError(undefined);
    connect().then(setWallet, (e: Error) => setError(e.message));
  };
  const wrongNetwork = wallet && wallet.chainId !== env.chain.id;

  return (
    <section aria-labelledby="wallet-title" className="card" id="wallet">
      <h2 id="wallet-title">Wallet</h2>
      {wallet ? (
        <div className="row">
          <p data-testid="connected">
            <strong>{wallet.label}</strong> <code title={wallet.address}>{short(wallet.address)}</code>
            <br />
            Balance: <strong data-testid="balance">{balance === undefined ? '…' : sesh(balance)}</strong>
          </p>
          <button type="button" className="secondary" onClick={() => setWallet(undefined)}>Disconnect</button>
        </div>
      ) : (
        <div className="row">
          <button type="button" onClick={() => attempt(() => connectInjected(env.chain))}>Connect browser wallet</button>
        </div>
      )}
      {wrongNetwork && (
        <div role="alert" className="warning">
          Your wallet is on chain {wallet.chainId}; this portal uses {env.chain.name} (chain {env.chain.id}).{' '}
          <button type="button" onClick={() => switchNetwork(env.chain).then(() => attempt(() => connectInjected(env.chain)), (e: Error) => setError(e.message))}>
            Switch network
          </button>
        </div>
      )}
      {devnet && (
        <fieldset className="demo">
          <legend>Devnet only: demo accounts</legend>
          <p className="hint">Funded accounts with publicly known test keys, so the demo works with no wallet installed. Never use them on a real network.</p>
          <div className="row">
            <label htmlFor="demo-account">Account</label>
            <select id="demo-account" value={choice} onChange={(e) => setChoice(e.target.value)}>
              {demo.map((address, i) => (
                <option key={address} value={String(i)}>#{i} {short(address)}{i === 0 ? ' (deployer)' : ''}</option>
              ))}
            </select>
            <button type="button" onClick={() => attempt(() => connectDemo(env.chain, Number(choice)))}>Use demo account</button>
          </div>
        </fieldset>
      )}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
