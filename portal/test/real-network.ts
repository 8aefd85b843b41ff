/**
 * The real network for the portal's browser journey: `startDevnet` (anvil, every contract,
 * genesis session-node processes, the gateway with short checkpoints) in a temporary folder,
 * plus what the test does around it: connected accounts, chain time travel, and new node keys
 * from the real `session-node prepare-registration` command, each node then run as its own
 * session-node process so it answers the network like any other.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Address } from 'viem';
import { connectDeployer, type Deployer } from '../../contracts/deploy/deploy.ts';
import { freePort } from '../../devnet/anvil.ts';
import { startDevnet, type Devnet, type DevnetOptions } from '../../devnet/devnet.ts';
import type { RegistrationPayload } from '../../sdk/src/staking/registration.ts';

export type RealNetwork = Devnet & {
  /** Connected clients for demo account `index` (0 is the deployer). */
  as: (index: number) => Promise<Deployer>;
  /** Moves chain time forward and mines a block. */
  increaseTime: (seconds: number) => Promise<void>;
  /**
   * `session-node prepare-registration --operator <operator> --data-dir <dir>` for node `name`
   * (new keys on first use, the same keys after), and that node's process started once.
   */
  registration: (name: string, operator: Address) => Promise<RegistrationPayload>;
};

export async function startRealNetwork(dir: string, options: Partial<DevnetOptions> = {}): Promise<RealNetwork> {
  const devnet = await startDevnet({
    port: 0,
    nodes: 3,
    timeScale: 1, // the test moves time itself; the ticker still mines a block a second
    checkpointInterval: '4s',
    // The journey checkpoints every 4 real seconds at real chain speed: no on-chain minimum
    // between checkpoints (its claim guarantee is tested in contracts/test).
    minCheckpointInterval: 0,
    portal: false,
    genesisCoStakers: 0, // demo accounts earn only from the nodes the journey opens
    dir: join(dir, 'devnet'),
    deploymentsFile: join(dir, 'deployments.json'),
    ...options,
  });
  const clients = new Map<number, Deployer>();
  const started = new Set<string>();
  return {
    ...devnet,
    async as(index) {
      if (!clients.has(index)) clients.set(index, await connectDeployer(devnet.anvil.rpcUrl, devnet.accounts[index]!.privateKey, devnet.anvil.chainId));
      return clients.get(index)!;
    },
    async increaseTime(seconds) {
      await devnet.rpc('evm_increaseTime', [seconds]);
      await devnet.rpc('evm_mine');
    },
    async registration(name, operator) {
      const dataDir = join(devnet.dir, `extra-${name}`);
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'node/src/main.ts', 'prepare-registration', '--operator', operator, '--deployments', devnet.deploymentsFile, '--data-dir', dataDir], { encoding: 'utf8' });
      const payload = JSON.parse(out) as RegistrationPayload;
      if (!started.has(name)) {
        started.add(name);
        const port = await freePort();
        await devnet.addNode({ index: 100 + started.size, dataDir, port, ed25519: payload.ed25519PublicKey, url: `http://127.0.0.1:${port}` });
      }
      return payload;
    },
  };
}
