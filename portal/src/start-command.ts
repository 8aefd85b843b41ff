/**
 * The "start your node" command the registration screen shows: the exact `session-node`
 * line for the network the portal is on, with the folder prepare-registration used (its keys
 * are there) and the address other nodes reach it at. Pure, so it is tested without a browser.
 */
export const DEFAULT_DATA_DIR = '/var/lib/session-node';
export const DEFAULT_NODE_PORT = 22021;

/** deployments/<network>.json is where the repository keeps each network's file. */
export function startNodeCommand(a: { network: string; dataDir?: string; publicHost?: string; port?: number }): string {
  const network = /^[a-z0-9][a-z0-9._-]*$/i.test(a.network) ? a.network : 'NETWORK';
  return [
    'session-node',
    `--deployments deployments/${network}.json`,
    `--data-dir ${a.dataDir ?? DEFAULT_DATA_DIR}`,
    `--http-host 0.0.0.0 --http-port ${a.port ?? DEFAULT_NODE_PORT}`,
    `--public-host ${a.publicHost ?? 'YOUR.PUBLIC.IP'}`,
  ].join(' ');
}
