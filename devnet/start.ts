/**
 * npm run devnet: one command for a local Session network a person can click through.
 * Starts anvil, deploys everything, funds demo accounts and prints what to connect to.
 * Ctrl-C stops every process it started.
 */
import { parseArgs } from 'node:util';
import { compile } from '../contracts/compile.ts';
import { startAnvil, type Anvil } from './anvil.ts';
import { demoAccounts } from './accounts.ts';

const usage = `Usage: npm run devnet [-- options]

Starts a local chain with every contract deployed and funded demo accounts, and writes
deployments/local.json. Stop it with Ctrl-C.

Options:
  --port N          JSON-RPC port of the local chain (default 8545)
  --accounts N      funded demo accounts (default 10)
  --no-wait         set everything up, print it, then stop (for smoke tests)
  --help            show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8545' },
      accounts: { type: 'string', default: '10' },
      'no-wait': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  const port = Number(values.port);
  const accountCount = Number(values.accounts);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port ${values.port} is not a port number`);
  if (!Number.isInteger(accountCount) || accountCount < 2 || accountCount > 100) throw new Error('--accounts must be between 2 and 100');

  compile();
  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the devnet…');
    for (const stop of stops.reverse()) await stop().catch(() => {});
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
  try {
    const { setUpDevnet } = await import('./setup.ts');
    await setUpDevnet({ anvil, accounts: demoAccounts(accountCount) });
    stops.push(await (await import('../portal/devnet.ts')).startDevnetPortal());
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
