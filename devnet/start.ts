/**
 * npm run devnet: one command for a local Session network a person can click through.
 * Starts anvil, deploys everything, registers N Session nodes at genesis, starts each as its
 * own session-node process, starts the gateway (periodic checkpoints) and an accelerated
 * clock, funds demo accounts and prints what to connect to. Ctrl-C stops every process.
 */
import { parseArgs } from 'node:util';
import { startDevnet, type Devnet } from './devnet.ts';
import { MAX_TIME_SCALE } from './ticker.ts';

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
  --seed-nodes N           N more registered nodes without processes (open pools of one
                           operator, real keys), to try the portal and gateway at scale,
                           e.g. 2000 (default 0); they never sign, genesis nodes keep quorum
  --no-wait                set everything up, print it, then stop (for smoke tests)

Nodes find each other through signed announcements (seeds in the deployments file) and test
each other every 10 s; a node failing its testers for 40 s is decommissioned (stops earning,
keeps its stake) and recommissioned once it passes for 20 s; it can be deregistered only after
its downtime credit (2 h of real time here: the credit is chain time, scaled by --time-scale)
is used up. A real network: 1 h, 10 min, 2 h+ (see node/README.md).
  --help                   show this help

Commands:
  add-node [--deployments FILE] [--from-account N]
                           adds a registered node to the running devnet (see add-node --help)`;

async function main(): Promise<void> {
  if (process.argv[2] === 'add-node') return (await import('./add-node.ts')).addNodeMain(process.argv.slice(3));
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8545' },
      accounts: { type: 'string', default: '10' },
      nodes: { type: 'string', default: '5' },
      'gateway-port': { type: 'string', default: '8600' },
      'checkpoint-interval': { type: 'string', default: '15s' },
      'time-scale': { type: 'string', default: '120' },
      'seed-nodes': { type: 'string', default: '0' },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  const options = {
    port: Number(values.port),
    accounts: Number(values.accounts),
    nodes: Number(values.nodes),
    gatewayPort: Number(values['gateway-port']),
    checkpointInterval: values['checkpoint-interval']!,
    timeScale: Number(values['time-scale']),
    seedNodes: Number(values['seed-nodes']),
  };
  let devnet: Devnet | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the devnet…');
    await devnet?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  try {
    devnet = await startDevnet(options);
    console.log(`\nchain time runs ×${options.timeScale}; a checkpoint every ${options.checkpointInterval}: demo #1–#3 can claim after the first one.`);
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
