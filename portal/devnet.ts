/**
 * The devnet's portal step: build the portal if needed, serve it (port 5173, or any free port
 * if taken), record `portalUrl` in the deployments file and print it. Returns the stop function.
 */
import { updateDeployments } from '../sdk/src/deployments.ts';
import { DEVNET_DEPLOYMENTS_FILE } from '../devnet/setup.ts';
import { startPortal, type Portal } from './serve.ts';

export const DEVNET_PORTAL_PORT = 5173;

export async function startDevnetPortal(deploymentsFile = DEVNET_DEPLOYMENTS_FILE, port = DEVNET_PORTAL_PORT): Promise<() => Promise<void>> {
  let portal: Portal;
  try {
    portal = await startPortal({ port, deploymentsFile });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    portal = await startPortal({ port: 0, deploymentsFile, build: false });
  }
  updateDeployments(deploymentsFile, { portalUrl: portal.url });
  console.log(`\n  portal       ${portal.url}  (staking portal; pick a demo account to try it)`);
  return portal.stop;
}
