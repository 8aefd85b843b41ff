/**
 * npm run programs -- <command> [options]   (every command takes --help)
 *
 * The launch programs: Service Node Bonus, Oxen Coin Claims, Testnet Incentive Program.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Address } from 'viem';
import { formatSesh, parseSesh } from '../sdk/src/units.ts';
import { BadInputError, UsageError, formatBadRow, type BadRow } from './lib/errors.ts';
import { addMonthsUtc, readKeyFile } from './lib/chain.ts';
import { parseAddress, parseTime } from './lib/parse.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Command = { summary: string; usage: string; options: Options; run: (values: Record<string, any>) => Promise<void> };

const help = { help: { type: 'boolean' as const, default: false } };
const chainOptions = {
  deployments: { type: 'string' as const },
  'key-file': { type: 'string' as const },
};

function required(values: Record<string, unknown>, ...names: string[]): void {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((n) => `--${n}`).join(', ')} (see --help)`);
}

function bigintOption(value: string, name: string): bigint {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be an integer (atomic units), got ${value}`);
  return BigInt(value);
}

/** OXEN supply at TGE − OPTF holdings: --circulating-oxen, or --oxen-supply and --optf-holdings. */
function circulatingOxen(values: Record<string, any>): bigint {
  if (values['circulating-oxen'] !== undefined) return bigintOption(values['circulating-oxen'], 'circulating-oxen');
  required(values, 'oxen-supply', 'optf-holdings');
  const supply = bigintOption(values['oxen-supply'], 'oxen-supply');
  const optf = bigintOption(values['optf-holdings'], 'optf-holdings');
  if (optf >= supply) throw new UsageError('--optf-holdings must be less than --oxen-supply');
  return supply - optf;
}
const supplyOptions = {
  'circulating-oxen': { type: 'string' as const },
  'oxen-supply': { type: 'string' as const },
  'optf-holdings': { type: 'string' as const },
};
const supplyHelp = `  --circulating-oxen N   OXEN supply at TGE − OPTF holdings, atomic units; or give both:
  --oxen-supply N        OXEN supply at TGE, atomic units
  --optf-holdings N      OXEN held by the OPTF at TGE, atomic units`;

function timeOption(value: string, name: string): number {
  try {
    return parseTime(value, `--${name}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function reportSkipped(rows: BadRow[]): void {
  if (rows.length === 0) return;
  console.error(`skipped ${rows.length} bad row(s):`);
  for (const row of rows) console.error(`  ${formatBadRow(row)}`);
}

const commands: Record<string, Command> = {
  bonus: {
    summary: 'Service Node Bonus: snapshots + registrations → points, allocation, Merkle root, re-stake list',
    usage: `Usage: npm run programs -- bonus --registrations FILE --snapshots FILE[,FILE…] --anchor TIME --circulating-oxen N --out DIR

Streams the hourly snapshots (CSV, format in programs/bonus/format.ts and the README) and writes
points.csv, distribution.json, restake.csv and summary.json to DIR — only if no row is bad.

Options:
  --registrations FILE   registrations CSV (kind,id,registered_at)
  --snapshots FILES      snapshot CSV file(s), comma-separated, in time order
  --anchor TIME          the Anchor hardfork (unix s or ISO UTC): accrual stops there
${supplyHelp}
                         (the re-stake list converts OXEN at the coin-claims rate)
  --out DIR              output folder
  --skip-bad-rows        skip bad rows (listed on stderr and in skipped-rows.csv) instead of stopping
  --quiet                no progress bar`,
    options: {
      registrations: { type: 'string' },
      snapshots: { type: 'string' },
      anchor: { type: 'string' },
      ...supplyOptions,
      out: { type: 'string' },
      'skip-bad-rows': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
    async run(v) {
      required(v, 'registrations', 'snapshots', 'anchor', 'out');
      const { runBonus } = await import('./bonus/run.ts');
      const started = Date.now();
      const result = await runBonus({
        registrations: v.registrations,
        snapshots: String(v.snapshots).split(','),
        anchorHardfork: timeOption(v.anchor, 'anchor'),
        circulatingOxen: circulatingOxen(v),
        outDir: v.out,
        skipBadRows: v['skip-bad-rows'],
        quiet: v.quiet,
      });
      reportSkipped(result.skipped);
      const seconds = (Date.now() - started) / 1000;
      console.log(`${result.nodeSnapshots} node-snapshots in ${seconds.toFixed(1)} s; ${result.points.size} participants; root ${result.root}`);
      console.log(`wrote ${result.files.join(', ')}`);
    },
  },
  'generate-bonus-sample': {
    summary: 'write synthetic bonus input (registrations + snapshots) of a given size',
    usage: `Usage: npm run programs -- generate-bonus-sample --nodes N --days D --out DIR [--seed S]

Writes DIR/registrations.csv and DIR/snapshots.csv: N nodes, hourly snapshots over D days from
2023-09-25 17:00 UTC; prints the --anchor to use (the end of the sample). Deterministic per seed.`,
    options: { nodes: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, quiet: { type: 'boolean', default: false } },
    async run(v) {
      required(v, 'nodes', 'days', 'out');
      const { generateBonusSample } = await import('./bonus/generate.ts');
      const nodes = Number(v.nodes);
      const days = Number(v.days);
      if (!(Number.isInteger(nodes) && nodes > 0 && Number.isInteger(days) && days > 0)) throw new UsageError('--nodes and --days must be positive integers');
      const files = await generateBonusSample({ nodes, days, outDir: v.out, seed: v.seed ? Number(v.seed) : 1, quiet: v.quiet });
      console.log(`wrote ${files.registrations} and ${files.snapshots} (${files.nodeSnapshots} node-snapshots); use --anchor ${files.anchorHardfork}`);
    },
  },
  publish: {
    summary: 'deploy + fund a MerkleDistributor for a distribution file and record it in the deployments file',
    usage: `Usage: npm run programs -- publish --distribution FILE --deployments FILE --key-file FILE --name NAME [--window-days D] [--open]

Deploys a MerkleDistributor for the file's root, transfers its total from the signer (the
treasury), and records it as NAME in the deployments file. With --open, opens claims (the
contract refuses unless funded). After the window, anyone can sweep the rest to the reward pool.

Options:
  --distribution FILE   distribution.json from bonus / testnet score
  --deployments FILE    deployments/<network>.json
  --key-file FILE       deployer key (or DEPLOYER_KEY); also funds unless --treasury-key-file
  --treasury-key-file F key of the treasury that funds the distributor (default: the deployer)
  --name NAME           e.g. ServiceNodeBonusDistributor
  --window-days D       claim window from opening (default 365)
  --open                open claims right away`,
    options: { distribution: { type: 'string' }, ...chainOptions, 'treasury-key-file': { type: 'string' }, name: { type: 'string' }, 'window-days': { type: 'string', default: '365' }, open: { type: 'boolean', default: false } },
    async run(v) {
      required(v, 'distribution', 'deployments', 'name');
      const { publishDistribution } = await import('./publish.ts');
      const result = await publishDistribution({
        distributionFile: v.distribution,
        deploymentsFile: v.deployments,
        key: readKeyFile(v['key-file']),
        treasuryKey: v['treasury-key-file'] ? readKeyFile(v['treasury-key-file']) : undefined,
        name: v.name,
        windowSeconds: Number(v['window-days']) * 86_400,
        open: v.open,
        log: console.log,
      });
      console.log(`${v.name} at ${result.distributor} holds ${formatSesh(result.total)} SESH for root ${result.root}`);
    },
  },
  'coin-claims-deploy': {
    summary: 'deploy + fund OxenCoinClaims (30,000,000 SESH) and record it',
    usage: `Usage: npm run programs -- coin-claims-deploy --deployments FILE --key-file FILE --tge TIME (--circulating-oxen N | --oxen-supply N --optf-holdings N) [options]

Options:
${supplyHelp}
                         (fixed at deploy)
  --tge TIME             token generation event; burns recorded after TGE + 6 months get 0.7×
  --grace-days D         full-rate credits still accepted D days after TGE + 6 months (default 14)
  --credits-months M     credits close M months after TGE (default 12)
  --bridge 0x…           the bridge service's address (default: the signer)`,
    options: { ...chainOptions, ...supplyOptions, tge: { type: 'string' }, 'grace-days': { type: 'string', default: '14' }, 'credits-months': { type: 'string', default: '12' }, bridge: { type: 'string' } },
    async run(v) {
      required(v, 'deployments', 'tge');
      const { deployCoinClaims } = await import('./coin-claims/bridge.ts');
      const tge = timeOption(v.tge, 'tge');
      await deployCoinClaims({
        deploymentsFile: v.deployments,
        key: readKeyFile(v['key-file']),
        circulatingOxen: circulatingOxen(v),
        reducedAfter: addMonthsUtc(tge, 6),
        fullRateGraceSeconds: Number(v['grace-days']) * 86_400,
        creditsEnd: addMonthsUtc(tge, Number(v['credits-months'])),
        bridge: v.bridge ? (parseAddress(v.bridge) as Address) : undefined,
        log: console.log,
      });
    },
  },
  'coin-claims-credit': {
    summary: 'bridge service: credit verified OXEN burns on OxenCoinClaims, each once (restart-safe)',
    usage: `Usage: npm run programs -- coin-claims-credit --burns FILE --deployments FILE --key-file FILE [--skip-bad-rows]

Reads burn records (JSON lines: burnTx, oxen, recordedAt, eth, height) and credits every burn the
contract has not credited yet. Safe to re-run at any time (e.g. from cron on a growing file).`,
    options: { burns: { type: 'string' }, ...chainOptions, 'skip-bad-rows': { type: 'boolean', default: false } },
    async run(v) {
      required(v, 'burns', 'deployments');
      const { creditBurns } = await import('./coin-claims/bridge.ts');
      const report = await creditBurns({ burnsFile: v.burns, deploymentsFile: v.deployments, key: readKeyFile(v['key-file']), skipBadRows: v['skip-bad-rows'], log: console.log });
      reportSkipped(report.skipped);
      console.log(`credited ${report.credited} burn(s) for ${formatSesh(report.amount)} SESH; ${report.alreadyCredited} were already credited`);
    },
  },
  'coin-claims-amount': {
    summary: 'print the SESH a burn earns',
    usage: `Usage: npm run programs -- coin-claims-amount --oxen N --recorded-at TIME --tge TIME (--circulating-oxen N | --oxen-supply N --optf-holdings N)

${supplyHelp}`,
    options: { oxen: { type: 'string' }, 'recorded-at': { type: 'string' }, ...supplyOptions, tge: { type: 'string' } },
    async run(v) {
      required(v, 'oxen', 'recorded-at', 'tge');
      const { creditAmount } = await import('./coin-claims/amount.ts');
      const amount = creditAmount(bigintOption(v.oxen, 'oxen'), timeOption(v['recorded-at'], 'recorded-at'), {
        circulatingOxen: circulatingOxen(v),
        reducedAfter: addMonthsUtc(timeOption(v.tge, 'tge'), 6),
      });
      console.log(`${formatSesh(amount)} SESH (${amount} base units)`);
    },
  },
  'testnet-init': {
    summary: 'create the testnet eligibility state (stage + snapshot allowlist)',
    usage: `Usage: npm run programs -- testnet-init --state FILE --allowlist FILE [--stage 1|2|3]`,
    options: { state: { type: 'string' }, allowlist: { type: 'string' }, stage: { type: 'string', default: '1' } },
    async run(v) {
      required(v, 'state', 'allowlist');
      const { emptyState, readAllowlist, saveState } = await import('./testnet/eligibility.ts');
      const { existsSync } = await import('node:fs');
      if (existsSync(v.state)) throw new UsageError(`${v.state} exists; use testnet-stage to change the stage`);
      const stage = Number(v.stage) as 1 | 2 | 3;
      if (![1, 2, 3].includes(stage)) throw new UsageError('--stage must be 1, 2 or 3');
      saveState(v.state, emptyState(stage, readAllowlist(v.allowlist)));
      console.log(`wrote ${v.state} (stage ${stage})`);
    },
  },
  'testnet-stage': {
    summary: 'move the testnet to stage 2 (invites) or 3 (public)',
    usage: `Usage: npm run programs -- testnet-stage --state FILE --stage 1|2|3`,
    options: { state: { type: 'string' }, stage: { type: 'string' } },
    async run(v) {
      required(v, 'state', 'stage');
      const { loadState, saveState } = await import('./testnet/eligibility.ts');
      const state = loadState(v.state);
      const stage = Number(v.stage) as 1 | 2 | 3;
      if (![1, 2, 3].includes(stage)) throw new UsageError('--stage must be 1, 2 or 3');
      saveState(v.state, { ...state, stage });
      console.log(`stage ${state.stage} → ${stage}`);
    },
  },
  'testnet-score': {
    summary: 'Testnet Incentive Program: activity records → scores → Merkle root',
    usage: `Usage: npm run programs -- testnet-score --activity FILE[,FILE…] --state FILE --total SESH --out DIR [--funding FILE] [--ignore-funder 0x…[,0x…]] [--skip-bad-rows]

Scores eligible addresses from activity records (JSON lines, see programs/testnet/activity.ts),
clusters addresses funded from the same source (except --ignore-funder, e.g. the faucet),
allocates --total SESH by score and writes scores.csv and distribution.json to DIR.
--funding takes the CSV of testnet-extract-funding (records without fundedBy get it from there).`,
    options: { funding: { type: 'string' }, activity: { type: 'string' }, state: { type: 'string' }, total: { type: 'string' }, out: { type: 'string' }, 'ignore-funder': { type: 'string' }, 'skip-bad-rows': { type: 'boolean', default: false } },
    async run(v) {
      required(v, 'activity', 'state', 'total', 'out');
      const { loadState } = await import('./testnet/eligibility.ts');
      const { runTestnetScores } = await import('./testnet/run.ts');
      const result = await runTestnetScores({
        activity: String(v.activity).split(','),
        state: loadState(v.state),
        total: parseSesh(v.total),
        ignoreFunders: v['ignore-funder'] ? String(v['ignore-funder']).split(',').map(parseAddress) : [],
        fundingFile: v.funding,
        outDir: v.out,
        skipBadRows: v['skip-bad-rows'],
      });
      reportSkipped(result.skipped);
      console.log(`${result.rows} participants; root ${result.root}; wrote ${v.out}/scores.csv and distribution.json`);
    },
  },
  'testnet-extract': {
    summary: 'read the testnet contracts and write activity records (JSON lines) for testnet-score',
    usage: `Usage: npm run programs -- testnet-extract --deployments FILE --out FILE [--from-block N] [--to-block N]

Reads node registrations, contributions, reward claims, exit requests, name payments, Pro
purchases and node service time (uptime per UTC day, credited to the operator) from the
contracts' events, from the deployment block by default, and writes one activity record per
line (see the README's methodology). Records carry fundedBy from the SESH transfers seen.`,
    options: { deployments: { type: 'string' }, out: { type: 'string' }, 'from-block': { type: 'string' }, 'to-block': { type: 'string' } },
    async run(v) {
      required(v, 'deployments', 'out');
      const { readDeployments } = await import('../sdk/src/deployments.ts');
      const { publicClientFor } = await import('../sdk/src/clients.ts');
      const { extractActivity, extractFunding, withFunding } = await import('./testnet/extract.ts');
      const { chainSources } = await import('./testnet/sources.ts');
      const { formatActivity } = await import('./testnet/activity.ts');
      const { writeFileAtomic } = await import('./lib/io.ts');
      const deployments = readDeployments(v.deployments);
      const { publicClient } = publicClientFor(deployments.chainId, deployments.rpcUrl);
      const from = BigInt(v['from-block'] ?? deployments.deployBlock);
      const to = v['to-block'] !== undefined ? BigInt(v['to-block']) : await publicClient.getBlockNumber();
      console.log(`reading blocks ${from}–${to}…`);
      const records = withFunding(
        await extractActivity(publicClient as never, deployments, chainSources(), from, to),
        await extractFunding(publicClient as never, deployments, from, to),
      );
      writeFileAtomic(v.out, records.map((r) => `${formatActivity(r)}\n`).join(''));
      console.log(`wrote ${records.length} activity records to ${v.out}`);
    },
  },
  'testnet-extract-funding': {
    summary: 'read SESH transfers on the testnet and write each address\'s first funder (for sybil clustering)',
    usage: `Usage: npm run programs -- testnet-extract-funding --deployments FILE --out FILE [--from-block N] [--to-block N]

Writes a CSV address,funded_by: the first address that sent SESH to each address (from the
deployment block by default). Pass it to testnet-score --funding.`,
    options: { deployments: { type: 'string' }, out: { type: 'string' }, 'from-block': { type: 'string' }, 'to-block': { type: 'string' } },
    async run(v) {
      required(v, 'deployments', 'out');
      const { readDeployments } = await import('../sdk/src/deployments.ts');
      const { publicClientFor } = await import('../sdk/src/clients.ts');
      const { extractFunding } = await import('./testnet/extract.ts');
      const { writeFileAtomic } = await import('./lib/io.ts');
      const deployments = readDeployments(v.deployments);
      const { publicClient } = publicClientFor(deployments.chainId, deployments.rpcUrl);
      const from = BigInt(v['from-block'] ?? deployments.deployBlock);
      const to = v['to-block'] !== undefined ? BigInt(v['to-block']) : await publicClient.getBlockNumber();
      const funding = await extractFunding(publicClient as never, deployments, from, to);
      const rows = [...funding].sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)).map(([a, f]) => `${a},${f}`);
      writeFileAtomic(v.out, `address,funded_by\n${rows.join('\n')}\n`);
      console.log(`wrote ${rows.length} funding sources (blocks ${from}–${to}) to ${v.out}`);
    },
  },
  'testnet-faucet': {
    summary: 'serve the testnet faucet (eligible addresses only, rate limited) over HTTP',
    usage: `Usage: npm run programs -- testnet-faucet --state FILE --deployments FILE --key-file FILE --secret-file FILE [options]

Routes: POST /drip {address, invite?}; POST /invites {address, time, signature}; GET /status.

Options:
  --port P              listen port (default 8788, on 127.0.0.1)
  --drip SESH           testnet SESH per drip (default 100)
  --cooldown-hours H    per-address wait between drips (default 24)
  --max-per-hour N      drips per hour for everyone together (default 200)
  --secret-file FILE    secret for invite-code MACs (32+ random bytes, hex)`,
    options: { state: { type: 'string' }, ...chainOptions, 'secret-file': { type: 'string' }, port: { type: 'string', default: '8788' }, drip: { type: 'string', default: '100' }, 'cooldown-hours': { type: 'string', default: '24' }, 'max-per-hour': { type: 'string', default: '200' } },
    async run(v) {
      required(v, 'state', 'deployments', 'secret-file');
      const { createFaucet, serveFaucet } = await import('./testnet/faucet.ts');
      const secret = readSecret(v['secret-file']);
      const faucet = await createFaucet({
        stateFile: v.state,
        deploymentsFile: v.deployments,
        key: readKeyFile(v['key-file'], 'FAUCET_KEY'),
        inviteSecret: secret,
        dripAmount: parseSesh(v.drip),
        cooldownSeconds: Number(v['cooldown-hours']) * 3600,
        maxPerHour: Number(v['max-per-hour']),
      });
      await serveFaucet(faucet, Number(v.port));
      console.log(`faucet on http://127.0.0.1:${v.port} (Ctrl-C stops it)`);
      await new Promise(() => {});
    },
  },
  'testnet-invites': {
    summary: 'print the invite codes of an eligible participant (operator tool)',
    usage: `Usage: npm run programs -- testnet-invites --address 0x… --secret-file FILE --state FILE`,
    options: { address: { type: 'string' }, 'secret-file': { type: 'string' }, state: { type: 'string' } },
    async run(v) {
      required(v, 'address', 'secret-file', 'state');
      const { inviteCodes } = await import('./testnet/invites.ts');
      const { isEligible, loadState } = await import('./testnet/eligibility.ts');
      const address = parseAddress(v.address);
      const state = loadState(v.state);
      if (!isEligible(state, address)) throw new UsageError(`${address} is not eligible, so it has no invite codes`);
      for (const code of inviteCodes(readSecret(v['secret-file']), address)) console.log(`${code}${state.redeemed[code] ? `  (used by ${state.redeemed[code]!.by})` : ''}`);
    },
  },
};

function readSecret(path: string): Uint8Array {
  const text = readFileSync(path, 'utf8').trim().replace(/^0x/, '');
  if (!/^[0-9a-fA-F]{64,}$/.test(text)) throw new UsageError(`${path} must hold at least 32 random bytes as hex`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

const topUsage = `Usage: npm run programs -- <command> [options]

Launch programs of the Session Token: each publishes a Merkle root (or credits) for SESH claims.

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(24)} ${c.summary}`).join('\n')}

Every command takes --help.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(topUsage);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${topUsage}`);
    return 2;
  }
  try {
    const { values } = parseArgs({ args: rest, options: { ...command.options, ...help }, strict: true });
    if (values.help) {
      console.log(command.usage);
      return 0;
    }
    await command.run(values);
    return 0;
  } catch (error) {
    if (error instanceof BadInputError || error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${name}: ${(error as Error).message}`);
      return 2;
    }
    console.error(`${name} failed: ${(error as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
