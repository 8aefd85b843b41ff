/**
 * Deploy step for the Session Name Service, Session Pro and the fee router (issue 6).
 * Returns the new addresses for deployments.contracts.
 */
import type { Address } from 'viem';
import { SessionNameRegistry, SessionPro } from '../../../sdk/src/generated/contracts.ts';
import { sesh } from '../../../sdk/src/units.ts';
import type { Deployer } from '../deploy.ts';

/** Launch prices per year by name length: 1, 2, 3, 4, 5+ characters (admin-settable within bounds). */
export const DEFAULT_NAME_PRICES = [sesh(1_000), sesh(500), sesh(200), sesh(50), sesh(10)] as const;
/** Premium on a just-released name, decaying to zero over 21 days. */
export const DEFAULT_NAME_PREMIUM = sesh(1_000);
/** Launch Pro tiers: id → price and duration. */
export const DEFAULT_PRO_TIERS = [
  { id: 1n, price: sesh(5), duration: 30n * 24n * 3600n },
  { id: 2n, price: sesh(50), duration: 365n * 24n * 3600n },
] as const;
/** Largest processor fee: 5% of the tier price. */
export const DEFAULT_MAX_PROCESSOR_FEE_BPS = 500n;

export type NamesAddresses = {
  FeeRouter: Address;
  SessionNameRegistry: Address;
  SessionNameRegistrar: Address;
  OxenNameMigration: Address;
  SessionPro: Address;
};

export async function deployNamesAndPro(
  d: Deployer,
  { token, pool, liquidity }: { token: Address; pool: Address; liquidity: Address },
): Promise<NamesAddresses> {
  const router = await d.deploy('FeeRouter', [token, pool, liquidity]);
  const registry = await d.deploy('SessionNameRegistry');
  const registrar = await d.deploy('SessionNameRegistrar', [registry, router, DEFAULT_NAME_PRICES, DEFAULT_NAME_PREMIUM]);
  const migration = await d.deploy('OxenNameMigration', [registry]);
  await d.send(registry, SessionNameRegistry.abi, 'setControllers', [registrar, migration]);
  const pro = await d.deploy('SessionPro', [router, d.account.address, DEFAULT_MAX_PROCESSOR_FEE_BPS]);
  for (const tier of DEFAULT_PRO_TIERS) await d.send(pro, SessionPro.abi, 'setTier', [tier.id, tier.price, tier.duration, true]);
  return {
    FeeRouter: router,
    SessionNameRegistry: registry,
    SessionNameRegistrar: registrar,
    OxenNameMigration: migration,
    SessionPro: pro,
  };
}
