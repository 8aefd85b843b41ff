/** Inputs and rules without a chain: config, status, snapshot parsing, node fates, the plan. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fullAmount } from '../../programs/coin-claims/amount.ts';
import { BadInputError } from '../src/errors.ts';
import { parseConfig, WEEK, type MigrationConfig } from '../src/config.ts';
import { generateSnapshot } from '../src/generate.ts';
import { statusAt } from '../src/phases.ts';
import { planNode } from '../src/plan.ts';
import { formatSnapshot, parseSnapshot, type OxenNode } from '../src/snapshot.ts';

const SAMPLE = readFileSync('migration/sample/config.txt', 'utf8');
const config = parseConfig(SAMPLE, 'config.txt');
const HF = config.times['anchor.hardfork'];

function badRows(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof BadInputError, `expected BadInputError, got ${error}`);
    return error.rows.map((r) => `${r.file}:${r.line}: ${r.reason}`);
  }
  assert.fail('expected the input to be refused');
}

test('config: time going backwards is refused with file and line', () => {
  const text = SAMPLE.replace('landing.hardfork  = 2025-05-19T00:00:00Z', 'landing.hardfork  = 2025-05-01T00:00:00Z');
  const line = text.split('\n').findIndex((l) => l.startsWith('landing.hardfork')) + 1;
  const rows = badRows(() => parseConfig(text, 'c.txt'));
  assert.ok(rows.some((r) => r.startsWith(`c.txt:${line}: time goes backwards: landing.hardfork`)), rows.join('\n'));
});

test('config: a window shorter than the mandatory week, malformed lines and bad values are reported by line', () => {
  const text = SAMPLE.replace('anchor.hardfork   = 2025-03-10T00:00:00Z', 'anchor.hardfork   = 2025-03-05T00:00:00Z')
    .replace('max_topup_bps     = 2500', 'max_topup_bps = lots')
    .concat('this is not a setting\n');
  const rows = badRows(() => parseConfig(text, 'c.txt'));
  const lines = text.split('\n');
  const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix)) + 1;
  assert.ok(rows.some((r) => r.startsWith(`c.txt:${at('anchor.hardfork')}: anchor.hardfork must be at least 7 days after anchor.upgrade`)), rows.join('\n'));
  assert.ok(rows.some((r) => r.startsWith(`c.txt:${at('max_topup_bps')}: max_topup_bps:`)), rows.join('\n'));
  assert.ok(rows.some((r) => r.startsWith(`c.txt:${at('this is not')}: expected \`key = value\``)), rows.join('\n'));
});

test('config: heights convert with the reference point and 2-minute blocks', () => {
  const text = SAMPLE.replace('anchor.hardfork   = 2025-03-10T00:00:00Z', 'anchor.hardfork   = height:1005040').concat('oxen.height = 1000000 @ 2025-03-03T00:00:00Z\n');
  assert.equal(parseConfig(text).times['anchor.hardfork'], config.times['anchor.upgrade'] + 5040 * 120);
  assert.ok(badRows(() => parseConfig(SAMPLE.replace('2025-03-10T00:00:00Z', 'height:5'))).some((r) => r.includes('needs the reference point')));
});

test('status: where we are and what comes next', () => {
  assert.equal(statusAt(config, config.times.lighthouse - 1).current, undefined);
  const s = statusAt(config, HF + 2 * 86_400);
  assert.equal(s.current?.id, 'anchor.hardfork');
  assert.equal(s.next?.id, 'anchor.recovery-end');
  assert.equal(s.next?.at, HF + WEEK);
  const end = statusAt(config, config.times.tge);
  assert.equal(end.current?.id, 'tge');
  assert.equal(end.next, undefined);
});

test('snapshot: malformed rows are reported with file and line', () => {
  const id = 'ab'.repeat(32);
  const text = [
    '# test',
    `node,${id},1700000000,-,-,500`,
    `contributor,${id},Lbad0address,100,-,-`, // 3: 0 is not base58
    `contributor,${'cd'.repeat(32)},L${'a'.repeat(94)},100,-,-`, // 4: undeclared node
    `contributor,${id},L${'b'.repeat(94)},100,0x5B38Da6a701c568545dCfcB03FcB875f56beddc4,1700000000`, // 5: bad checksum
    `node,${id},1700000000,-,-,500`, // 6: twice
    `node,${'ef'.repeat(32)},1700000000,-,1700000001,500`, // 7: Landing without Anchor
    'testnet,0x5B38Da6a701c568545dCfcB03FcB875f56beddC4,0', // 8: zero score
    'validator,x', // 9
  ].join('\n');
  const rows = badRows(() => parseSnapshot(text, 'snap.csv'));
  for (const line of [3, 4, 5, 6, 7, 8, 9]) assert.ok(rows.some((r) => r.startsWith(`snap.csv:${line}: `)), `line ${line} not reported:\n${rows.join('\n')}`);
  assert.ok(rows.some((r) => r.startsWith('snap.csv:2: ') && r.includes('no contributor')), rows.join('\n'));
});

function node(anchor: number | null, landing: number | null, contributors: [bigint, string | null][]): OxenNode {
  return {
    id: '11'.repeat(32),
    registeredAt: HF - 30 * 86_400,
    anchorUpgradedAt: anchor,
    landingUpgradedAt: landing,
    feeBps: 0,
    line: 1,
    contributors: contributors.map(([oxen, eth], i) => ({ oxenAddress: `L${String(i).repeat(94)}`, oxen, eth: eth as never, ethRegisteredAt: eth ? HF - 86_400 : null, line: 2 + i })),
  };
}
const OP = '0x00000000000000000000000000000000000000A1';
const B = '0x00000000000000000000000000000000000000b2';
const landing = config.times['landing.hardfork'];
const X = (whole: bigint) => whole * 10n ** 9n;

test('fates: late but within the recovery week is recovered; after it, decommissioned', () => {
  const plan = (anchor: number | null) => planNode(node(anchor, landing, [[X(15_000n), OP]]), config);
  assert.equal(plan(HF).anchor, 'upgraded');
  assert.equal(plan(HF + 1).anchor, 'recovered');
  assert.equal(plan(HF + WEEK).outcome, 'migrated');
  assert.equal(plan(HF + WEEK).anchor, 'recovered');
  assert.equal(plan(HF + WEEK + 1).anchor, 'decommissioned');
  assert.equal(plan(HF + WEEK + 1).outcome, 'decommissioned');
  assert.equal(plan(null).outcome, 'decommissioned');
  assert.equal(planNode(node(HF, landing + WEEK + 1, [[X(15_000n), OP]]), config).outcome, 'missed-landing');
  assert.equal(planNode({ ...node(HF, landing, [[X(15_000n), OP]]), registeredAt: HF }, config).outcome, 'frozen-out');
});

test('plan: stakes sum to the requirement, nobody stakes more than they own, surplus is paid', () => {
  const p = planNode(node(HF, landing, [[X(10_000n), OP], [X(5_000n), B]]), config);
  assert.equal(p.outcome, 'migrated');
  const R = config.stakingRequirement;
  assert.equal(p.stakes.reduce((a, s) => a + s.stake, 0n), R);
  for (const s of p.stakes) {
    assert.ok(s.stake <= s.converted);
    assert.equal(s.stake + s.surplus, s.converted);
  }
  assert.equal(p.stakes[0]!.converted, fullAmount(X(10_000n), config.circulatingOxen));
});

test('plan: a contributor without an ETH address is left to the claims bridge; small gaps are topped up, large ones are not migrated', () => {
  const topped = planNode(node(HF, landing, [[X(12_000n), OP], [X(3_000n), null]]), config);
  assert.equal(topped.outcome, 'migrated');
  assert.equal(topped.unregistered.length, 1);
  assert.equal(topped.stakes.length, 1);
  assert.equal(topped.stakes[0]!.stake, config.stakingRequirement);
  assert.equal(topped.topUp, config.stakingRequirement - fullAmount(X(12_000n), config.circulatingOxen));
  const short = planNode(node(HF, landing, [[X(8_000n), OP], [X(7_000n), null]]), config);
  assert.equal(short.outcome, 'shortfall');
  // A too-late ETH registration counts as none.
  const late = node(HF, landing, [[X(15_000n), OP]]);
  late.contributors[0]!.ethRegisteredAt = HF + 1;
  assert.equal(planNode(late, config).outcome, 'no-operator-address');
});

test('generator: same seed, same file; the file parses back to the same network', () => {
  const a = formatSnapshot(generateSnapshot(config, { nodes: 30, seed: 's' }));
  assert.equal(a, formatSnapshot(generateSnapshot(config, { nodes: 30, seed: 's' })));
  assert.notEqual(a, formatSnapshot(generateSnapshot(config, { nodes: 30, seed: 't' })));
  assert.equal(formatSnapshot(parseSnapshot(a)), a);
  const sample = readFileSync('migration/sample/snapshot.csv', 'utf8');
  assert.equal(parseSnapshot(sample).nodes.length, 40);
  // The shipped sample is exactly `migration generate` with the defaults (40 nodes, seed "sample").
  const body = (text: string) => text.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  assert.equal(body(sample), body(formatSnapshot(generateSnapshot(config, { nodes: 40, seed: 'sample' }))));
});

test('rehearse refuses a snapshot whose stakes exceed the coin-claims budget, before touching a chain', async () => {
  const { rehearse } = await import('../src/rehearse.ts');
  const snapshot = parseSnapshot(`node,${'22'.repeat(32)},1700000000,-,-,0\ncontributor,${'22'.repeat(32)},L${'z'.repeat(94)},${X(15_000n)},-,-\n`);
  await assert.rejects(rehearse({ config: { ...config, circulatingOxen: X(1_000n) }, snapshot, rpcUrl: 'http://127.0.0.1:9' }), /more than the 30,000,000 SESH coin-claims budget/);
});

test('seeding refuses contributors that disagree with the bonus re-stake list', async () => {
  const { checkRestake } = await import('../src/rehearse.ts');
  const plan = planNode(node(HF, landing, [[X(10_000n), OP], [X(5_000n), B]]), config);
  const rows = [
    { node: plan.node.id, address: OP as never, oxen: X(10_000n) },
    { node: plan.node.id, address: B as never, oxen: X(5_000n) },
  ];
  checkRestake(rows, [plan]);
  assert.throws(() => checkRestake([rows[0]!, { ...rows[1]!, oxen: X(4_000n) }], [plan]), /disagree/);
  assert.throws(() => checkRestake([rows[0]!], [plan]), /disagree/);
});
