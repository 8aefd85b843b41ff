/**
 * npm run bench:network: the network side's numbers.
 *   ledgerSeconds        ledger update + checkpoint root, 10,000 nodes / 100,000 positions (target ≤ 2 s)
 *   signingRoundSeconds  a full signing round with 2,000 node identities (target ≤ 10 s)
 *   signaturesPerSecond  shares produced and verified per second in that round
 * Prints a table and writes bench/network.json (or --out FILE).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { benchLedger } from './network/ledger.ts';
import { benchSigningRound } from './network/round.ts';

const usage = `Usage: npm run bench:network [-- options]

Options:
  --small            a quick run for CI (1,000 nodes / 10,000 positions; 40 identities on 2 hosts)
  --identities N     node identities in the signing round (default 2000)
  --hosts N          session-node processes sharing them (default 4)
  --rounds N         signing rounds; the first is cold, the report uses the best warm one (default 3)
  --out FILE         where to write the JSON (default bench/network.json)
  --help             show this help`;

const { values } = parseArgs({
  options: {
    small: { type: 'boolean', default: false },
    identities: { type: 'string' },
    hosts: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/network.json' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const small = values.small!;
const ledgerNodes = small ? 1_000 : 10_000;
const positions = small ? 10_000 : 100_000;
const identities = Number(values.identities ?? (small ? 40 : 2_000));
const hosts = Number(values.hosts ?? (small ? 2 : 4));
const roundCount = Math.max(1, Number(values.rounds));
const log = (line: string) => console.error(`bench: ${line}`);

log(`ledger: ${ledgerNodes} nodes, ${positions} positions…`);
const ledger = benchLedger(ledgerNodes, positions);
const round = await benchSigningRound({ identities, hosts, rounds: roundCount, log });
const warm = round.rounds.length > 1 ? round.rounds.slice(1) : round.rounds;
const best = warm.reduce((a, b) => (b.ms < a.ms ? b : a));
const signingRoundSeconds = best.ms / 1000;
const result = {
  ledgerSeconds: Number(ledger.ledgerSeconds.toFixed(3)),
  signingRoundSeconds: Number(signingRoundSeconds.toFixed(3)),
  signaturesPerSecond: Math.round(best.signers / signingRoundSeconds),
  coldRoundSeconds: Number((round.rounds[0]!.ms / 1000).toFixed(3)),
  ledgerBuildSeconds: Number(ledger.buildSeconds.toFixed(3)),
  ledger: { nodes: ledgerNodes, positions: ledger.leaves },
  round: { identities, hosts, rounds: round.rounds },
  machine: { cpus: cpus().length, node: process.version },
  measuredAt: new Date().toISOString(),
};
const rows = [
  ['ledgerSeconds', result.ledgerSeconds, '≤ 2', `${ledgerNodes} nodes, ${ledger.leaves} positions: release split + checkpoint root`],
  ['signingRoundSeconds', result.signingRoundSeconds, '≤ 10', `${identities} identities on ${hosts} session-node processes (best warm round)`],
  ['signaturesPerSecond', result.signaturesPerSecond, '', 'shares signed, checked and aggregated per second'],
  ['coldRoundSeconds', result.coldRoundSeconds, '', 'first round (G2 keys decoded, message points cached)'],
];
console.log(`\n${'metric'.padEnd(22)}${'value'.padStart(10)}  ${'target'.padEnd(7)} what`);
for (const [name, value, target, what] of rows) console.log(`${String(name).padEnd(22)}${String(value).padStart(10)}  ${String(target).padEnd(7)} ${what}`);
writeFileSync(values.out!, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${values.out}`);
process.exit(0);
