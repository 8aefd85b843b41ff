/** The network the portal talks to: the deployments file the server publishes as /config.json. */
import type { Address } from 'viem';
import type { Deployments } from '../../sdk/src/deployments.ts';

export type PortalConfig = Deployments;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const NEEDED = ['SESH', 'SessionStaking', 'StakingRewards', 'RewardRatePool'] as const;
/** The staking contracts are required; names and Pro are optional (their page hides without them). */
export type Contracts = Record<(typeof NEEDED)[number], Address> & Partial<Record<'SessionNameRegistrar' | 'SessionNameRegistry' | 'SessionPro', Address>>;

/** Loads /config.json and checks it has what the portal uses. */
export async function loadConfig(url = './config.json'): Promise<PortalConfig & { contracts: Contracts }> {
  let response: Response;
  try {
    response = await fetch(url); // the server sends no-store; index.html preloads it
  } catch (error) {
    throw new ConfigError(`could not fetch ${url} (${(error as Error).message}); is the portal server running?`);
  }
  const body = (await response.json().catch(() => undefined)) as (PortalConfig & { reason?: string }) | undefined;
  if (!response.ok || !body) throw new ConfigError(`the server has no deployments: ${body?.reason ?? response.statusText}`);
  if (typeof body.chainId !== 'number' || typeof body.rpcUrl !== 'string' || typeof body.contracts !== 'object') {
    throw new ConfigError('config.json is not a deployments file (chainId, rpcUrl, contracts)');
  }
  for (const name of NEEDED) {
    if (!body.contracts[name]) throw new ConfigError(`the ${body.network} deployment has no ${name} contract`);
  }
  return body as PortalConfig & { contracts: Contracts };
}
