/**
 * The devnet as one function: anvil, every contract, N Session nodes seeded at genesis (each
 * its own session-node process), the gateway with periodic checkpoints, optionally the portal,
 * and the accelerated clock. `npm run devnet` (devnet/start.ts) and the portal's browser
 * journey both start the network through `startDevnet`, so the test runs what a person runs.
 */
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compile } from '../contracts/compile.ts';
import { updateDeployments, type Deployments } from '../sdk/src/deployments.ts';
import { startAnvil, freePort, type Anvil } from './anvil.ts';
import { demoAccounts, type DemoAccount } from './accounts.ts';
import { gatewaySubmitter, spawnGateway, spawnNode, type PreparedNode } from './network.ts';
import { DEVNET_DEPLOYMENTS_FILE } from './setup.ts';
import { MAX_TIME_SCALE, startTicker } from './ticker.ts';
import { MAX_SEED_NODES, seedScaleNodes } from './seed-scale.ts';

export type DevnetOptions = {
  /** JSON-RPC port of the chain (0 = any free port). */
  port: number;
  /** Funded demo accounts, 4..100 (default 10). */
  accounts?: number;
  /** Session nodes seeded at genesis, 3..50 (default 5). */
  nodes?: number;
  /** Port of the gateway API (0 = any free port; default 0). */
  gatewayPort?: number;
  /** How often the gateway checkpoints rewards, e.g. '15s'. */
  checkpointInterval?: string;
  /** Chain seconds per real second, 1..MAX_TIME_SCALE (default 120). */
  timeScale?: number;
  /** Node and gateway data and logs (default .devnet; emptied first). */
  dir?: string;
  /** Where the deployments are written (default deployments/local.json). */
  deploymentsFile?: string;
  /** Serve the portal too (default true). */
  portal?: boolean;
  /** Demo accounts #1..#n co-stake the genesis nodes (default 3; 0 = the operator stakes all). */
  genesisCoStakers?: number;
  /**
   * StakingRewards.minCheckpointInterval in chain seconds (default DEVNET_MIN_CHECKPOINT_INTERVAL,
   * 600). Keep it below the gateway's checkpoint interval × timeScale, or checkpoints are refused
   * (CheckpointTooSoon) until chain time catches up.
   */
  minCheckpointInterval?: number;
  /** More registered nodes without processes (open pools, devnet/seed-scale.ts), for scale: 0..MAX_SEED_NODES (default 0). */
  seedNodes?: number;
};

/** A session-node process to add: its data dir (keys in `<dataDir>/keys`), HTTP port and identity. */
export type NodeProcess = Pick<PreparedNode, 'index' | 'dataDir' | 'port' | 'ed25519' | 'url'>;

export type Devnet = {
  anvil: Anvil;
  accounts: DemoAccount[];
  deployments: Deployments;
  deploymentsFile: string;
  dir: string;
  /** The genesis nodes (keys, data dir, URL). */
  nodes: PreparedNode[];
  gatewayUrl: string;
  rpc: <T>(method: string, params?: unknown[]) => Promise<T>;
  /** Starts one more session-node process (e.g. for a node registered later); it announces itself. */
  addNode: (node: NodeProcess) => Promise<string>;
  /** Stops every process: children first (in parallel), the chain last. */
  stop: () => Promise<void>;
};

/** Validates the options the way the devnet's --help states them; throws a sentence saying what to change. */
export function checkDevnetOptions(o: DevnetOptions): void {
  const { port, accounts = 10, nodes = 5, gatewayPort = 0, timeScale = 120 } = o;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${port} is not a port number`);
  if (!Number.isInteger(gatewayPort) || gatewayPort < 0 || gatewayPort > 65535) throw new Error(`--gateway-port ${gatewayPort} is not a port number`);
  if (!Number.isInteger(accounts) || accounts < 4 || accounts > 100) throw new Error('--accounts must be between 4 and 100');
  if (!Number.isInteger(nodes) || nodes < 3 || nodes > 50) throw new Error('--nodes must be between 3 and 50');
  if (!Number.isInteger(timeScale) || timeScale < 1 || timeScale > MAX_TIME_SCALE) throw new Error(`--time-scale must be an integer in 1..${MAX_TIME_SCALE}`);
  const seeds = o.seedNodes ?? 0;
  if (!Number.isInteger(seeds) || seeds < 0 || seeds > MAX_SEED_NODES) throw new Error(`--seed-nodes must be an integer in 0..${MAX_SEED_NODES}`);
}

export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  checkDevnetOptions(options);
  const { port, accounts: accountCount = 10, nodes: nodeCount = 5, gatewayPort = 0, checkpointInterval = '15s', timeScale = 120 } = options;
  compile();
  const stops: Array<() => Promise<void>> = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const [chain, ...rest] = stops;
    await Promise.all(rest.map((s) => s().catch(() => {})));
    await chain?.().catch(() => {});
  };

  let anvil: Anvil;
  try {
    anvil = await startAnvil({ port, accounts: accountCount });
  } catch (error) {
    throw new Error(`could not start the local chain on port ${port} (${(error as Error).message}); is another devnet running? try --port`);
  }
  stops.push(anvil.stop);
  const dir = resolve(options.dir ?? '.devnet');
  const deploymentsFile = resolve(options.deploymentsFile ?? DEVNET_DEPLOYMENTS_FILE);
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const response = await fetch(anvil.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const body = (await response.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  };
  try {
    rmSync(dir, { recursive: true, force: true }); // the chain is new, so is every node's state
    const accounts = demoAccounts(accountCount);
    const { setUpDevnet } = await import('./setup.ts');
    const { deployments, nodes } = await setUpDevnet({ anvil, accounts, nodes: nodeCount, dir, deploymentsFile, genesisCoStakers: options.genesisCoStakers, minCheckpointInterval: options.minCheckpointInterval, timeScale });
    if (options.seedNodes) {
      const started = Date.now();
      console.log(`\nseeding ${options.seedNodes} more registered nodes (open pools, no processes)…`);
      const seeded = await seedScaleNodes({ deployments, funderKey: accounts[0]!.privateKey, count: options.seedNodes, rpc, log: (line) => console.log(line) });
      console.log(`  nodes ${seeded.firstId}–${seeded.lastId} opened by ${seeded.operator} in ${((Date.now() - started) / 1000).toFixed(1)} s (keys ${(seeded.keysMs / 1000).toFixed(1)} s, transactions ${(seeded.sendMs / 1000).toFixed(1)} s)`);
    }
    // Genesis nodes earn once active for 24 h: start the clock 25 h on.
    await rpc('evm_increaseTime', [25 * 3600]);
    await rpc('evm_mine');
    console.log('\nstarting the Session nodes and the gateway…');
    const children = nodes.map((n) => spawnNode(n, { deploymentsFile, logFile: join(dir, `node-${n.index}`, 'node.log') }));
    for (const c of children) stops.push(() => c.stop());
    const keyFile = join(dir, 'gateway', 'submitter.key');
    await gatewaySubmitter(rpc, keyFile);
    const gateway = spawnGateway({
      deploymentsFile,
      dataDir: join(dir, 'gateway'),
      keyFile,
      port: gatewayPort || (await freePort()),
      checkpointInterval,
      logFile: join(dir, 'gateway', 'gateway.log'),
    });
    stops.push(() => gateway.stop());
    for (const [i, c] of children.entries()) console.log(`  node ${i}  ${await c.ready}  pid ${c.child.pid}  log ${relative(process.cwd(), join(dir, `node-${i}`, 'node.log'))}`);
    const gatewayUrl = await gateway.ready;
    console.log(`  gateway ${gatewayUrl}  pid ${gateway.child.pid}  log ${relative(process.cwd(), join(dir, 'gateway', 'gateway.log'))}`);
    updateDeployments(deploymentsFile, { gatewayUrl });
    if (options.portal ?? true) {
      // The portal serves the deployments file as it is on disk, so it sees gatewayUrl too.
      stops.push(await (await import('../portal/devnet.ts')).startDevnetPortal(deploymentsFile));
    }
    const stopTicker = startTicker(rpc, timeScale);
    stops.push(async () => stopTicker());
    return {
      anvil,
      accounts,
      deployments: { ...deployments, gatewayUrl },
      deploymentsFile,
      dir,
      nodes,
      gatewayUrl,
      rpc,
      async addNode(node) {
        const child = spawnNode(node, { deploymentsFile, logFile: join(node.dataDir, 'node.log') });
        stops.push(() => child.stop());
        return child.ready;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
