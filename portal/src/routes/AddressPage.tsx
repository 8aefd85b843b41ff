/**
 * `/address/:addr`: any address's nodes and stakes (from the chain, so anyone's page can be
 * shared), and — for the connected account — its rewards and its transaction history.
 */
import { Link, useParams } from 'react-router';
import { getAddress, isAddress, type Address } from 'viem';
import { useAddress } from '../data/node-hooks.ts';
import { short } from '../format.ts';
import { t } from '../i18n/index.ts';
import { explorerAddressUrl } from '../tx-history.ts';
import { nodeState } from '../state.ts';
import { Amount } from '../views/Amount.tsx';
import { MyStakes, nodesOf } from '../views/MyStakes.tsx';
import { same } from '../views/shared.ts';
import { TxHistory } from '../views/TxList.tsx';
import { usePortal, viewProps } from './context.ts';

export function AddressPage() {
  const portal = usePortal();
  const { data, wallet, tx, explorerUrl } = portal;
  const { address: raw } = useParams();
  const valid = !!raw && isAddress(raw);
  const indexed = useAddress(portal.env, valid && !same(wallet?.address, raw as Address) ? getAddress(raw!) : undefined);
  if (!raw || !valid) {
    return (
      <section className="card">
        <h1>{t('address.invalid', { address: raw })}</h1>
        <Link to="/">{t('app.home')}</Link>
      </section>
    );
  }
  const address = getAddress(raw);
  const own = same(wallet?.address, address);
  const explorer = explorerAddressUrl(explorerUrl, address);
  const now = data?.overview.chainTime ?? 0n;
  const nodes = indexed.value?.nodes ?? (data ? nodesOf(data.nodes, address) : []);
  return (
    <>
      <h1>{t('address.title', { address: short(address) })}</h1>
      <p><code data-testid="address-full">{address}</code> {explorer && <a href={explorer} target="_blank" rel="noreferrer">{t('tx.explorer')}</a>}</p>
      {own ? (
        <MyStakes {...viewProps(portal)} />
      ) : (
        <section className="card" aria-labelledby="address-nodes">
          <h2 id="address-nodes">{t('address.nodes')}</h2>
          {indexed.error && <p className="warning">{indexed.error}</p>}
          {indexed.value?.balance !== undefined && <p>{t('wallet.balance')} <Amount value={indexed.value.balance} /></p>}
          {!data || (indexed.loading && !indexed.value) ? (
            <p aria-busy="true">{t('app.reading')}</p>
          ) : nodes.length === 0 ? (
            <p>{t('address.noNodes')}</p>
          ) : (
            <ul className="nodes">
              {nodes.map((n) => (
                <li key={String(n.id)} className="node" data-node={String(n.id)}>
                  <Link to={`/nodes/${n.id}`}>Node {String(n.id)}</Link> <span className={`badge state-${nodeState(n, now).key}`}>{nodeState(n, now).label}</span>
                  {same(n.operator, address) && <span className="badge">{t('stakes.operatorBadge')}</span>}
                  {' '}<Amount value={n.contributors.filter((c) => same(c.contributor, address)).reduce((s, c) => s + c.amount, 0n)} />
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {own && <TxHistory entries={tx.entries} explorerUrl={explorerUrl} />}
    </>
  );
}
