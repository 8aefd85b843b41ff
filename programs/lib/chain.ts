/**
 * Connecting a program to a deployed system: the deployments file gives the chain and the
 * addresses, a key file gives the signer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { connectDeployer, type Deployer } from '../../contracts/deploy/deploy.ts';
import { readDeployments, type Deployments } from '../../sdk/src/deployments.ts';
import { UsageError } from './errors.ts';

export type Connected = { deployments: Deployments; deploymentsFile: string; signer: Deployer };

export function readKeyFile(path: string | undefined, envName = 'DEPLOYER_KEY'): string {
  if (path) {
    if (!existsSync(path)) throw new UsageError(`key file ${path} does not exist`);
    return readFileSync(path, 'utf8').trim();
  }
  const fromEnv = process.env[envName];
  if (!fromEnv) throw new UsageError(`no key given: pass --key-file FILE or set ${envName}`);
  return fromEnv.trim();
}

export async function connect(deploymentsFile: string, key: string): Promise<Connected> {
  const deployments = readDeployments(deploymentsFile);
  const signer = await connectDeployer(deployments.rpcUrl, key, deployments.chainId);
  return { deployments, deploymentsFile, signer };
}

/** Adds `months` calendar months in UTC (day clamped to the month's end): TGE + 6 months. */
export function addMonthsUtc(seconds: number, months: number): number {
  const d = new Date(seconds * 1000);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}
