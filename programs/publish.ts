/**
 * `programs publish`: deploys a MerkleDistributor for a distribution file's root, funds it
 * with the file's total from the signer (the treasury), optionally opens claims, and records
 * it in the deployments file as `<name>` (e.g. ServiceNodeBonusDistributor).
 */
import { readFileSync } from 'node:fs';
import { erc20Abi, type Address } from 'viem';
import { MerkleDistributor } from '../sdk/src/generated/contracts.ts';
import { contractAddress, updateDeployments } from '../sdk/src/deployments.ts';
import { formatSesh } from '../sdk/src/units.ts';
import { UsageError } from './lib/errors.ts';
import type { DistributionFile } from './lib/merkle.ts';
import { connect } from './lib/chain.ts';

export type PublishOptions = {
  distributionFile: string;
  deploymentsFile: string;
  /** Deploys the distributor (and funds it unless treasuryKey is given). */
  key: string;
  /** Funds the distributor when the treasury is not the deployer. */
  treasuryKey?: string;
  /** Name in the deployments file. */
  name: string;
  windowSeconds: number;
  open: boolean;
  log?: (line: string) => void;
};

export function readDistribution(path: string): DistributionFile {
  let parsed: DistributionFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as DistributionFile;
  } catch (error) {
    throw new UsageError(`${path} is not a distribution file: ${(error as Error).message}`);
  }
  if (parsed.format !== 'sesh-distribution-v1' || !/^0x[0-9a-f]{64}$/.test(parsed.root) || !/^\d+$/.test(parsed.total)) {
    throw new UsageError(`${path} is not a sesh-distribution-v1 file (run programs bonus / testnet score first)`);
  }
  return parsed;
}

export async function publishDistribution(options: PublishOptions): Promise<{ distributor: Address; root: string; total: bigint }> {
  const log = options.log ?? (() => {});
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(options.name)) throw new UsageError(`--name "${options.name}" must be letters and digits, e.g. ServiceNodeBonusDistributor`);
  if (!(options.windowSeconds > 0)) throw new UsageError('--window-days must be positive');
  const distribution = readDistribution(options.distributionFile);
  const total = BigInt(distribution.total);
  const { deployments, signer } = await connect(options.deploymentsFile, options.key);
  const treasury = options.treasuryKey ? (await connect(options.deploymentsFile, options.treasuryKey)).signer : signer;
  if (deployments.contracts[options.name]) {
    throw new UsageError(`${options.deploymentsFile} already has ${options.name} at ${deployments.contracts[options.name]}; pick another --name`);
  }
  const token = contractAddress(deployments, 'SESH');
  const pool = contractAddress(deployments, 'RewardRatePool');
  const balance = await signer.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [treasury.account.address] });
  if (balance < total) {
    throw new UsageError(`the treasury ${treasury.account.address} holds ${formatSesh(balance)} SESH but the distribution needs ${formatSesh(total)}; pass the treasury's key`);
  }
  const distributor = await signer.deploy('MerkleDistributor', [token, pool, distribution.root, total, BigInt(options.windowSeconds)]);
  log(`${options.name} ${distributor} (root ${distribution.root})`);
  // Record it before funding, so a crash in between leaves a known address to fund and open by hand.
  updateDeployments(options.deploymentsFile, { contracts: { ...deployments.contracts, [options.name]: distributor } });
  await treasury.send(token, erc20Abi, 'transfer', [distributor, total]);
  log(`funded with ${formatSesh(total)} SESH`);
  if (options.open) {
    await signer.send(distributor, MerkleDistributor.abi, 'open');
    log('claims are open');
  }
  return { distributor, root: distribution.root, total };
}
