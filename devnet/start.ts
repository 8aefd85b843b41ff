/**
 * npm run devnet: one command for a local Session network a person can click through.
 * Starts anvil, deploys everything, registers N Session nodes at genesis, starts each as its
 * own session-node process, starts the gateway (periodic checkpoints) and an accelerated
 * clock, funds demo accounts and prints what to connect to. Ctrl-C stops every process.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compile } from '../contracts/compile.ts';
import { updateDeployments } from '../sdk/src/deployments.ts';
import { startAnvil, freePort, type Anvil } from './anvil.ts';
import { demoAccounts } from './accounts.ts';
import { gatewaySubmitter, spawnGateway, spawnNode, writeNodesFile } from './network.ts';
import { MAX_TIME_SCALE, startTicker } from './ticker.ts';

const usage = `Usage: npm run devnet [-- options]

Starts a local chain with every contract deployed, N Session nodes (separate session-node
processes, registered at genesis), the network gateway with periodic reward checkpoints,
and funded demo accounts; writes deployments/local.json (with gatewayUrl). Node and gateway
data and logs go to .devnet/. Stop it with Ctrl-C.

Options:
  --port N                 JSON-RPC port of the local chain (default 8545)
  --accounts N             funded demo accounts (default 10)
  --nodes N                Session nodes to run, 3..50 (default 5)
  --gateway-port N         port of the gateway API (default 8600)
  --checkpoint-interval T  how often the gateway authorises rewards (default 15s)
  --time-scale N           chain seconds per real second, 1..${MAX_TIME_SCALE} (default 120); the
                           chain also starts 25 h ahead so nodes earn from the first checkpoint
  --no-wait                set everything up, print it, then stop (for smoke tests)
  --help                   show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8545' },
      accounts: { type: 'string', default: '10' },
      nodes: { type: 'string', default: '5' },
      'gateway-port': { type: 'string', default: '8600' },
      'checkpoint-interval': { type: 'string', default: '15s' },
      'time-scale': { type: 'string', default: '120' },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  const port = Number(values.port);
  const accountCount = Number(values.accounts);
  const nodeCount = Number(values.nodes);
  const gatewayPort = Number(values['gateway-port']);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port ${values.port} is not a port number`);
  if (!Number.isInteger(gatewayPort) || gatewayPort < 0 || gatewayPort > 65535) throw new Error(`--gateway-port ${values['gateway-port']} is not a port number`);
  if (!Number.isInteger(accountCount) || accountCount < 4 || accountCount > 100) throw new Error('--accounts must be between 4 and 100');
  if (!Number.isInteger(nodeCount) || nodeCount < 3 || nodeCount > 50) throw new Error('--nodes must be between 3 and 50');
  if (!Number.isInteger(timeScale) || timeScale < 1 || timeScale > MAX_TIME_SCALE) throw new Error(`--time-scale must be an integer in 1..${MAX_TIME_SCALE}`);

  compile();
  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the devnet…');
    // Children first (in parallel), the chain last.
    const [chain, ...rest] = stops;
    await Promise.all(rest.map((stop) => stop().catch(() => {})));
    await chain?.().catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  let anvil: Anvil;
  try {
    anvil = await startAnvil({ port, accounts: accountCount });
  } catch (error) {
    throw new Error(`could not start the local chain on port ${port} (${(error as Error).message}); is another devnet running? try --port`);
  }
  stops.push(anvil.stop);
  const dir = resolve('.devnet');
  rmSync(dir, { recursive: true, force: true }); // the chain is new, so is every node's state
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const response = await fetch(anvil.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const body = (await response.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  };
  try {
    const { setUpDevnet, DEVNET_DEPLOYMENTS_FILE } = await import('./setup.ts');
    const { nodes } = await setUpDevnet({ anvil, accounts: demoAccounts(accountCount), nodes: nodeCount, dir });
    // Genesis nodes earn once active for 24 h: start the clock 25 h on.
    await rpc('evm_increaseTime', [25 * 3600]);
    await rpc('evm_mine');
    const deploymentsFile = resolve(DEVNET_DEPLOYMENTS_FILE);
    const nodesFile = join(dir, 'nodes.json');
    writeNodesFile(nodesFile, nodes);
    console.log('\nstarting the Session nodes and the gateway…');
    const children = nodes.map((n) => spawnNode(n, { deploymentsFile, nodesFile, logFile: join(dir, `node-${n.index}`, 'node.log') }));
    for (const c of children) stops.push(() => c.stop());
    const keyFile = join(dir, 'gateway', 'submitter.key');
    await gatewaySubmitter(rpc, keyFile);
    const gateway = spawnGateway({
      deploymentsFile,
      dataDir: join(dir, 'gateway'),
      nodesFile,
      keyFile,
      port: gatewayPort || (await freePort()),
      checkpointInterval: values['checkpoint-interval']!,
      logFile: join(dir, 'gateway', 'gateway.log'),
    });
    stops.push(() => gateway.stop());
    for (const [i, c] of children.entries()) console.log(`  node ${i}  ${await c.ready}  pid ${c.child.pid}  log .devnet/node-${i}/node.log`);
    const gatewayUrl = await gateway.ready;
    console.log(`  gateway ${gatewayUrl}  pid ${gateway.child.pid}  log .devnet/gateway/gateway.log`);
    updateDeployments(DEVNET_DEPLOYMENTS_FILE, { gatewayUrl });
    // The portal serves the deployments file as it is on disk, so it sees gatewayUrl too.
    stops.push(await (await import('../portal/devnet.ts')).startDevnetPortal());
    const stopTicker = startTicker(rpc, timeScale);
    stops.push(async () => stopTicker());
    console.log(`\nchain time runs ×${timeScale}; a checkpoint every ${values['checkpoint-interval']}: demo #1–#3 can claim after the first one.`);
  } catch (error) {
    console.error(`devnet set-up failed: ${(error as Error).message}`);
    return shutdown(1);
  }
  if (values['no-wait']) return shutdown(0);
  console.log('\nThe devnet is running. Press Ctrl-C to stop it.');
  await new Promise(() => {});
}

main().catch((error) => {
  console.error(`devnet: ${(error as Error).message}`);
  process.exit(1);
});
