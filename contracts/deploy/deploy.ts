/**
 * Deploys the whole system to any EVM chain given an RPC URL and a deployer key, and writes
 * deployments/<network>.json. The devnet, the tests and real networks all use this one path.
 */
import { existsSync } from 'node:fs';
import { getAddress, getContractAddress, type Abi, type Address, type Hex } from 'viem';
import * as artifacts from '../../sdk/src/generated/contracts.ts';
import { accountFromKey, signerClientsFor, type SignerClients } from '../../sdk/src/clients.ts';
import { readDeployments, writeDeployments, type Deployments } from '../../sdk/src/deployments.ts';
import { INITIAL_REWARD_POOL, TOTAL_SUPPLY } from '../../sdk/src/units.ts';
import { deployNamesAndPro } from './steps/names.ts';
import { deployStaking } from './steps/staking.ts';

export type ContractName = keyof typeof artifacts;

export type DeployOptions = {
  rpcUrl: string;
  deployerKey: string;
  /** Network name: the file written is deployments/<network>.json. */
  network: string;
  /** Where to write; defaults to deployments/<network>.json. */
  outFile?: string;
  /** Receives the genesis supply not allocated to the pool; defaults to the deployer. */
  treasury?: Address;
  /** Replace an existing deployments file for the same chain. Another chain's file is never replaced. */
  replace?: boolean;
  /** Start staking and the reward pool (default true); false leaves room to seed nodes first. */
  startStaking?: boolean;
  /** StakingRewards.minCheckpointInterval in seconds; default 3600 (real networks). */
  minCheckpointInterval?: number | bigint;
  log?: (line: string) => void;
};

export class DeployError extends Error {
  override name = 'DeployError';
}

/** A connected deployer that can create contracts and send transactions, waiting for each. */
export type Deployer = SignerClients & {
  deploy: (name: ContractName, args?: readonly unknown[]) => Promise<Address>;
  send: (to: Address, abi: Abi, functionName: string, args?: readonly unknown[]) => Promise<Hex>;
};

async function chainIdAt(rpcUrl: string): Promise<number> {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    throw new DeployError(`RPC URL "${rpcUrl}" is not a URL; pass e.g. --rpc-url http://127.0.0.1:8545`);
  }
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: Hex };
    if (!body.result) throw new Error(`no chain id in the answer (HTTP ${response.status})`);
    return Number(BigInt(body.result));
  } catch (error) {
    throw new DeployError(`RPC URL ${rpcUrl} is unreachable (${(error as Error).message}); check the URL and that the node is running`);
  }
}

export async function connectDeployer(rpcUrl: string, deployerKey: string, chainId: number): Promise<Deployer> {
  let account;
  try {
    account = accountFromKey(deployerKey);
  } catch (error) {
    throw new DeployError(`deployer key: ${(error as Error).message}`);
  }
  const clients = signerClientsFor(chainId, rpcUrl, account);
  const { publicClient, walletClient } = clients;
  const wait = async (hash: Hex, what: string) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new DeployError(`${what} reverted (tx ${hash})`);
    return receipt;
  };
  return {
    ...clients,
    async deploy(name, args = []) {
      const artifact = artifacts[name];
      const hash = await walletClient.deployContract({ abi: artifact.abi as Abi, bytecode: artifact.bytecode as Hex, args });
      const receipt = await wait(hash, `deploying ${name}`);
      return getAddress(receipt.contractAddress!);
    },
    async send(to, abi, functionName, args = []) {
      // Time-dependent paths (a release that is zero at estimation time but not when mined)
      // can need more gas than estimated (fresh storage slots cost 20k each): add headroom
      // instead of failing on out-of-gas. Only the gas used is paid.
      const request = { address: to, abi, functionName, args, account: clients.account } as never;
      const estimate = await publicClient.estimateContractGas(request);
      const hash = await walletClient.writeContract({ ...(request as object), gas: estimate + (estimate / 2n > 80_000n ? estimate / 2n : 80_000n) } as never);
      await wait(hash, `${functionName} on ${to}`);
      return hash;
    },
  };
}

function checkExistingFile(outFile: string, chainId: number, replace: boolean): void {
  if (!existsSync(outFile)) return;
  let existing: Deployments;
  try {
    existing = readDeployments(outFile);
  } catch (error) {
    throw new DeployError(`${outFile} exists but cannot be read (${(error as Error).message}); move it away first`);
  }
  if (existing.chainId !== chainId) {
    throw new DeployError(
      `${outFile} belongs to chain ${existing.chainId}, but the RPC URL serves chain ${chainId}; ` +
        'pick another --network name or move the old file away. It is never overwritten.',
    );
  }
  if (!replace) {
    throw new DeployError(`${outFile} already holds a deployment on chain ${chainId}; pass --replace to deploy afresh and replace it`);
  }
}

/** Deploys every contract, starts the reward pool, and writes the deployments file. */
export async function deploySystem(options: DeployOptions): Promise<Deployments> {
  const log = options.log ?? (() => {});
  if (!options.rpcUrl) throw new DeployError('no RPC URL given; pass --rpc-url (e.g. http://127.0.0.1:8545)');
  if (!options.deployerKey) throw new DeployError('no deployer key given; pass --key-file or set DEPLOYER_KEY');
  if (!/^[a-z0-9-]+$/.test(options.network)) throw new DeployError(`network name "${options.network}" must be lowercase letters, digits and dashes`);
  const outFile = options.outFile ?? `deployments/${options.network}.json`;
  const chainId = await chainIdAt(options.rpcUrl);
  checkExistingFile(outFile, chainId, options.replace ?? false);

  const d = await connectDeployer(options.rpcUrl, options.deployerKey, chainId);
  const deployer = d.account.address;
  const funds = await d.publicClient.getBalance({ address: deployer });
  if (funds === 0n) throw new DeployError(`deployer ${deployer} has no ETH on chain ${chainId} to pay for gas; fund it first`);
  const deployBlock = Number(await d.publicClient.getBlockNumber());
  const treasury = options.treasury ?? deployer;

  // The token mints to the pool in its constructor, and the pool needs the token's address:
  // deploy the pool first with the token's address predicted from the deployer's nonce.
  const nonce = await d.publicClient.getTransactionCount({ address: deployer, blockTag: 'pending' });
  const predictedToken = getContractAddress({ from: deployer, nonce: BigInt(nonce + 1) });
  const pool = await d.deploy('RewardRatePool', [predictedToken]);
  log(`RewardRatePool  ${pool}`);
  const token = await d.deploy('SESH', [[pool, treasury], [INITIAL_REWARD_POOL, TOTAL_SUPPLY - INITIAL_REWARD_POOL]]);
  if (getAddress(token) !== predictedToken) throw new DeployError(`SESH landed at ${token}, not the predicted ${predictedToken}; was the deployer key used concurrently?`);
  log(`SESH            ${token}`);
  const staking = await deployStaking(d, { token, pool }, { start: options.startStaking ?? true, minCheckpointInterval: options.minCheckpointInterval, log });

  const deployments: Deployments = {
    network: options.network,
    chainId,
    rpcUrl: options.rpcUrl,
    deployBlock,
    contracts: { SESH: token, RewardRatePool: pool, ...staking, ...(await deployNamesAndPro(d, { token, pool, liquidity: treasury })) },
  };
  writeDeployments(outFile, deployments);
  return deployments;
}
