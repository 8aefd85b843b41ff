/**
 * npm run migration -- <command> [options]   (every command takes --help)
 *
 * The Oxen → Session migration runbook: where we are (status), a rehearsal of the whole
 * sequence on a local chain (rehearse), and simulated Oxen networks to rehearse with (generate).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { writeFileAtomic } from '../programs/lib/io.ts';
import { parseTime } from '../programs/lib/parse.ts';
import { readConfig } from './src/config.ts';
import { BadInputError, MigrationError } from './src/errors.ts';
import { generateSnapshot } from './src/generate.ts';
import { formatStatus, statusAt } from './src/phases.ts';
import { formatSnapshot, readSnapshot } from './src/snapshot.ts';

const SAMPLE_CONFIG = 'migration/sample/config.txt';
const SAMPLE_SNAPSHOT = 'migration/sample/snapshot.csv';
type Options = NonNullable<ParseArgsConfig['options']>;
type Command = { usage: string; options: Options; run: (v: Record<string, any>) => Promise<void> };

const commands: Record<string, Command> = {
  status: {
    usage: `migration status [--config FILE] [--at TIME]
  Says which migration step we are in and what comes next.
  --config FILE  phase config (default ${SAMPLE_CONFIG}; format in README "Migration")
  --at TIME      ISO UTC or unix seconds (default: now)`,
    options: { config: { type: 'string' }, at: { type: 'string' } },
    async run(v) {
      const config = readConfig(v.config ?? SAMPLE_CONFIG);
      let at: number;
      try {
        at = v.at === undefined ? Math.floor(Date.now() / 1000) : parseTime(v.at, '--at');
      } catch (error) {
        throw new MigrationError(`${(error as Error).message}; e.g. --at 2025-03-12T00:00:00Z`);
      }
      console.log(formatStatus(statusAt(config, at)));
    },
  },
  rehearse: {
    usage: `migration rehearse [--config FILE] [--snapshot FILE] [--rpc-url URL] [--json]
  Runs Lighthouse → Anchor → Landing → TGE on a local chain with accelerated time: deploys the
  system, converts and seeds the migrated nodes, opens the claims bridge, publishes the bonus and
  testnet distributions, then checks that the balances on chain add up to 240,000,000 SESH.
  --config FILE    phase config (default ${SAMPLE_CONFIG})
  --snapshot FILE  simulated Oxen network (default ${SAMPLE_SNAPSHOT})
  --rpc-url URL    use a running anvil devnet whose clock is before Lighthouse (default: start one)
  --json           print the report as JSON (progress always goes to stderr)
  Exit code 1 if the conservation check fails.`,
    options: { config: { type: 'string' }, snapshot: { type: 'string' }, 'rpc-url': { type: 'string' }, json: { type: 'boolean', default: false } },
    async run(v) {
      const config = readConfig(v.config ?? SAMPLE_CONFIG);
      const snapshot = readSnapshot(v.snapshot ?? SAMPLE_SNAPSHOT);
      // Loaded here: the chain code is heavy and status/generate do not need it.
      const { rehearse } = await import('./src/rehearse.ts');
      const { formatReport } = await import('./src/report.ts');
      const report = await rehearse({ config, snapshot, rpcUrl: v['rpc-url'], log: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(v.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!report.conservation.ok) process.exitCode = 1;
    },
  },
  generate: {
    usage: `migration generate [--config FILE] [--nodes N] [--testnet N] [--seed S] --out FILE
  Writes a deterministic simulated Oxen network (same options → byte-identical file), dated
  around the config's phases.
  --nodes N    service nodes (default 40)   --testnet N  testnet participants (default 10)
  --seed S     generator seed (default "sample")`,
    options: { config: { type: 'string' }, nodes: { type: 'string' }, testnet: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
    async run(v) {
      if (!v.out) throw new MigrationError('missing --out FILE (see --help)');
      const count = (name: string, fallback: number) => {
        const text = v[name] ?? String(fallback);
        if (!/^\d{1,5}$/.test(text)) throw new MigrationError(`--${name} must be an integer, got ${text}`);
        return Number(text);
      };
      const seed = v.seed ?? 'sample';
      const nodes = count('nodes', 40);
      const snapshot = generateSnapshot(readConfig(v.config ?? SAMPLE_CONFIG), { nodes, seed, testnet: count('testnet', 10) });
      writeFileAtomic(v.out, formatSnapshot(snapshot, [`simulated Oxen network: migration generate --nodes ${nodes} --seed ${seed}`, 'format: migration/src/snapshot.ts (README "Migration")']));
      console.error(`wrote ${v.out}: ${snapshot.nodes.length} nodes, ${snapshot.testnet.length} testnet participants`);
    },
  },
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === 'help') {
    console.log(`Usage: npm run migration -- <command> [options]\n\n${Object.values(commands).map((c) => c.usage.split('\n')[0]).join('\n')}\n\nEvery command takes --help.`);
    return;
  }
  const command = commands[name];
  if (!command) throw new MigrationError(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}`);
  const { values } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', default: false } }, strict: true });
  if (values.help) return void console.log(`Usage: npm run migration -- ${command.usage.replace(/^migration /, "")}`);
  await command.run(values);
}

main().catch((error: unknown) => {
  if (error instanceof BadInputError || error instanceof MigrationError || ['UsageError', 'AllocationError', 'DeployError'].includes((error as Error).name) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`error: ${(error as Error).message}`);
  } else {
    console.error(error);
  }
  process.exitCode = 2;
});
