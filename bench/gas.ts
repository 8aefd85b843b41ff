/**
 * npm run bench:gas — deploys on a fresh local chain, measures every operation's gas (the
 * receipt's gasUsed, so calldata and the 21,000 base are included), prints the table next to
 * the anchor figures of DESIGN.md §5 and writes bench/gas.json. `--only SUITE` (repeatable)
 * measures just those suites and updates their rows in bench/gas.json, keeping the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { compile } from '../contracts/compile.ts';
import { startLocalSystem } from '../devnet/testkit.ts';
import { ANCHOR_GAS, GOAL_GAS } from './gas/anchors.ts';
import type { GasRow, GasSuite } from './gas/types.ts';

async function suites(): Promise<GasSuite[]> {
  const { foundationGas } = await import('./gas/foundation.ts');
  const { cryptoGas } = await import('./gas/crypto.ts');
  const { stakingGas } = await import('./gas/staking.ts');
  const { namesGas } = await import('./gas/names.ts');
  const { distributorGas } = await import('./gas/distributor.ts');
  return [foundationGas, cryptoGas, stakingGas, namesGas, distributorGas];
}

function printTable(rows: GasRow[]): void {
  const fmt = (n: number | null | undefined) => (n == null ? '—' : n.toLocaleString('en-US'));
  console.log(`${'operation'.padEnd(32)} ${'gas'.padStart(11)} ${'anchor'.padStart(11)} ${'goal'.padStart(11)}  vs anchor`);
  for (const row of rows) {
    const ratio = row.anchorGas ? `${((row.gas / row.anchorGas) * 100).toFixed(1)}%` : '';
    const goal = GOAL_GAS[row.operation];
    const flag = goal !== undefined && row.gas > goal ? '  OVER GOAL' : '';
    console.log(`${row.operation.padEnd(32)} ${fmt(row.gas).padStart(11)} ${fmt(row.anchorGas).padStart(11)} ${fmt(goal).padStart(11)}  ${ratio}${flag}`);
  }
}

/** The rows of `old` with `measured` put in place: same operation replaced, new ones after their predecessor. */
function merge(old: GasRow[], measured: GasRow[]): GasRow[] {
  const rows = [...old];
  let at = -1;
  for (const row of measured) {
    const existing = rows.findIndex((r) => r.operation === row.operation);
    if (existing >= 0) rows[(at = existing)] = row;
    else rows.splice((at = at < 0 ? rows.length : at + 1), 0, row);
  }
  return rows;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('Usage: npm run bench:gas [-- --only SUITE]…\n\nMeasures gas on a fresh local chain; prints a table and writes bench/gas.json.\n  --only SUITE   measure only this suite (foundation, crypto, staking, names, distributor) and update its rows');
    return;
  }
  const only = process.argv.flatMap((arg, i) => (arg === '--only' && process.argv[i + 1] ? [process.argv[i + 1]!] : []));
  const all = await suites();
  const key = (suite: GasSuite) => suite.name.split(' ')[0]!; // "staking (300 nodes)" → "staking"
  for (const name of only) if (!all.some((s) => key(s) === name)) throw new Error(`no gas suite "${name}" (have: ${all.map(key).join(', ')})`);
  compile({ quiet: true });
  const rows: GasRow[] = [];
  for (const suite of all.filter((s) => only.length === 0 || only.includes(key(s)))) {
    process.stderr.write(`measuring ${suite.name}…\n`);
    // Each suite gets its own fresh chain, so no suite's state changes another's numbers.
    const sys = await startLocalSystem({ accounts: 20, ...suite.system });
    try {
      for (const { operation, gas, note } of await suite.measure(sys)) {
        rows.push({ operation, gas: Number(gas), anchorGas: ANCHOR_GAS[operation] ?? null, ...(note ? { note } : {}) });
      }
    } finally {
      await sys.stop();
    }
  }
  printTable(rows);
  const old = only.length > 0 && existsSync('bench/gas.json') ? (JSON.parse(readFileSync('bench/gas.json', 'utf8')) as GasRow[]) : [];
  writeFileSync('bench/gas.json', `${JSON.stringify(only.length > 0 ? merge(old, rows) : rows, null, 2)}\n`);
  console.log('\nwrote bench/gas.json');
}

main().catch((error) => {
  console.error(`gas benchmark failed: ${(error as Error).message}`);
  process.exit(1);
});
