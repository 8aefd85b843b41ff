/**
 * npm run deploy -- --rpc-url URL --network NAME [--key-file FILE] [--treasury 0x…] [--min-checkpoint-interval S] [--replace]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isAddress, type Address } from 'viem';
import { compile } from '../compile.ts';

const usage = `Usage: npm run deploy -- --rpc-url URL --network NAME [options]

Deploys every Session Token contract and writes deployments/<NAME>.json.

Options:
  --rpc-url URL      JSON-RPC endpoint of the target chain (required)
  --network NAME     name of the deployments file, e.g. arbitrum-sepolia (required)
  --key-file FILE    file holding the deployer's 0x… private key (or set DEPLOYER_KEY)
  --treasury 0x…     receives the 200,000,000 SESH not in the reward pool (default: deployer)
  --min-checkpoint-interval SECONDS
                     minimum time between reward checkpoints, 1–86400 (default 3600): a
                     fetched claim proof stays claimable at least this long
  --replace          replace an existing deployments file for the same chain
  --help             show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'rpc-url': { type: 'string' },
      network: { type: 'string' },
      'key-file': { type: 'string' },
      treasury: { type: 'string' },
      replace: { type: 'boolean', default: false },
      'min-checkpoint-interval': { type: 'string', default: '3600' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  if (!values['rpc-url'] || !values.network) throw new Error(`--rpc-url and --network are required\n\n${usage}`);
  const deployerKey = values['key-file'] ? readFileSync(values['key-file'], 'utf8').trim() : process.env.DEPLOYER_KEY ?? '';
  if (values.treasury && !isAddress(values.treasury)) throw new Error(`--treasury ${values.treasury} is not an address`);
  const interval = values['min-checkpoint-interval']!;
  if (!/^\d+$/.test(interval) || Number(interval) < 1 || Number(interval) > 86_400) {
    throw new Error(`--min-checkpoint-interval ${interval} must be a whole number of seconds within 1–86400`);
  }
  compile({ quiet: true });
  const { deploySystem } = await import('./deploy.ts');
  const deployments = await deploySystem({
    rpcUrl: values['rpc-url'],
    network: values.network,
    deployerKey,
    treasury: values.treasury as Address | undefined,
    replace: values.replace,
    minCheckpointInterval: BigInt(interval),
    log: console.log,
  });
  console.log(`wrote deployments/${values.network}.json (chain ${deployments.chainId}, from block ${deployments.deployBlock})`);
}

main().catch((error) => {
  console.error(`deploy failed: ${(error as Error).message}`);
  process.exit(1);
});
