/**
 * The rehearsal on real chains: a hand-made network with one node of each kind. Run twice on
 * fresh chains: the JSON reports must be byte-identical. The first chain is kept to check
 * the outcome on chain (stakes, claims, conservation) after the rehearsal.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { erc20Abi, type Address } from 'viem';
import { connectDeployer, type Deployer } from '../../contracts/deploy/deploy.ts';
import { startAnvil, type Anvil } from '../../devnet/anvil.ts';
import { demoAccount } from '../../devnet/accounts.ts';
import { OxenCoinClaims, SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { decodeNodeRecord } from '../../sdk/src/staking/index.ts';
import { TOTAL_SUPPLY } from '../../sdk/src/units.ts';
import { fullAmount } from '../../programs/coin-claims/amount.ts';
import { parseConfig, WEEK } from '../src/config.ts';
import { burnId, rehearse, type RehearsalReport } from '../src/rehearse.ts';
import { parseSnapshot } from '../src/snapshot.ts';

const config = parseConfig(readFileSync('migration/sample/config.txt', 'utf8'));
const t = config.times;
const HF = t['anchor.hardfork'];
const LANDING = t['landing.upgrade'] + 3600;
const id = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
const eth = (i: number) => demoAccount(i).address;
const oxen = (c: string) => `L${c.repeat(94)}`;
const OX = (whole: number) => BigInt(whole) * 10n ** 9n;
const REG = HF - 10 * 86_400;

// Node 1 on time; node 2 recovered (upgraded 3 days after the hardfork); node 3 upgraded after
// the recovery week (decommissioned); node 4 has a contributor who never registered an ETH address.
const SNAPSHOT = [
  `node,${id(1)},${REG},${HF - 3600},${LANDING},500`,
  `contributor,${id(1)},${oxen('a')},${OX(10_000)},${eth(2)},${REG}`,
  `contributor,${id(1)},${oxen('b')},${OX(5_000)},${eth(3)},${REG}`,
  `node,${id(2)},${REG},${HF + 3 * 86_400},${LANDING},0`,
  `contributor,${id(2)},${oxen('c')},${OX(15_000)},${eth(4)},${REG}`,
  `node,${id(3)},${REG},${HF + WEEK + 3600},${LANDING},0`,
  `contributor,${id(3)},${oxen('d')},${OX(15_000)},${eth(5)},${REG}`,
  `node,${id(4)},${REG},${HF - 3600},${LANDING},1000`,
  `contributor,${id(4)},${oxen('e')},${OX(12_000)},${eth(6)},${REG}`,
  `contributor,${id(4)},${oxen('f')},${OX(3_000)},-,-`,
  `testnet,${eth(7)},300`,
  `testnet,${eth(8)},100`,
].join('\n');
const snapshot = parseSnapshot(SNAPSHOT, 'test-snapshot.csv');

let chain: Anvil;
let report: RehearsalReport;
let bridge: Deployer;

async function freshChain(): Promise<Anvil> {
  return startAnvil({ accounts: 2, args: ['--timestamp', String(t.lighthouse - 86_400)] });
}

before(async () => {
  chain = await freshChain();
  report = await rehearse({ config, snapshot, rpcUrl: chain.rpcUrl });
  bridge = await connectDeployer(chain.rpcUrl, demoAccount(0).privateKey, chain.chainId);
});
after(async () => {
  await chain?.stop();
});

const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
  bridge.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;
const balance = (who: Address) => read<bigint>(report.contracts.SESH!, erc20Abi, 'balanceOf', [who]);
const detail = (n: number) => report.nodeDetails.find((d) => d.node === id(n))!;

test('a node that upgrades late but within the window is recovered and migrated; one after the window is decommissioned', async () => {
  assert.equal(detail(2).anchor, 'recovered');
  assert.equal(detail(2).outcome, 'migrated');
  assert.equal(detail(3).anchor, 'decommissioned');
  assert.equal(detail(3).outcome, 'decommissioned');
  assert.equal(detail(3).seededAs, null);
  assert.deepEqual({ migrated: report.nodes.migrated, recovered: report.nodes.recovered, decommissioned: report.nodes.decommissioned }, { migrated: 3, recovered: 1, decommissioned: 1 });
  // On chain: three active nodes holding exactly 3 × R; the recovered node is operated by its contributor.
  const staking = report.contracts.SessionStaking!;
  assert.equal(await read<bigint>(staking, SessionStaking.abi, 'lastNodeId'), 3n);
  assert.equal(await balance(staking), 3n * config.stakingRequirement);
  const recovered = decodeNodeRecord(await read(staking, SessionStaking.abi, 'nodeRecord', [BigInt(detail(2).seededAs!)]));
  assert.equal(recovered.status, 'Active');
  assert.equal(recovered.operator, eth(4));
  assert.equal(recovered.stake, config.stakingRequirement);
  assert.equal(await read<boolean>(staking, SessionStaking.abi, 'started'), true);
  // The decommissioned node's contributor gets their converted OXEN through the claims contract.
  const claims = report.contracts.OxenCoinClaims!;
  const owed = fullAmount(OX(15_000), config.circulatingOxen);
  assert.equal(await read<bigint>(claims, OxenCoinClaims.abi, 'owedTo', [eth(5)]), owed);
  const before = await balance(eth(5));
  await bridge.send(claims, OxenCoinClaims.abi, 'claim', [eth(5)]);
  assert.equal((await balance(eth(5))) - before, owed);
});

test('a contributor without an ETH address: the node migrates topped up, their share stays claimable via the bridge', async () => {
  const d = detail(4);
  assert.equal(d.outcome, 'migrated');
  assert.equal(d.unregistered.length, 1);
  const converted = fullAmount(OX(12_000), config.circulatingOxen);
  assert.equal(BigInt(d.topUp), config.stakingRequirement - converted);
  const record = decodeNodeRecord(await read(report.contracts.SessionStaking!, SessionStaking.abi, 'nodeRecord', [BigInt(d.seededAs!)]));
  assert.deepEqual(record.contributors.map((c) => [c.contributor, c.amount]), [[eth(6), config.stakingRequirement]]);
  // No stuck funds: the claims contract kept their full-rate share; when they burn later with a
  // fresh ETH address, the bridge credits it and they are paid exactly that.
  const claims = report.contracts.OxenCoinClaims!;
  const reserved = fullAmount(OX(3_000), config.circulatingOxen);
  assert.equal(BigInt(d.unregistered[0]!.reservedSesh), reserved);
  const held = await balance(claims);
  const mustKeep = (await read<bigint>(claims, OxenCoinClaims.abi, 'owed')) + (await read<bigint>(claims, OxenCoinClaims.abi, 'reserve'));
  assert.ok(held >= mustKeep && mustKeep - (await read<bigint>(claims, OxenCoinClaims.abi, 'owed')) >= reserved);
  const late = demoAccount(9).address;
  const node4 = snapshot.nodes[3]!;
  const now = Number((await bridge.publicClient.getBlock()).timestamp);
  await bridge.send(claims, OxenCoinClaims.abi, 'credit', [burnId(node4.id, node4.contributors[1]!), late, OX(3_000), BigInt(now)]);
  await bridge.send(claims, OxenCoinClaims.abi, 'claim', [late]);
  assert.equal(await balance(late), reserved);
});

test('conservation: the chain balances add up to exactly 240,000,000 SESH', async () => {
  assert.equal(report.conservation.ok, true);
  assert.equal(BigInt(report.conservation.sum), TOTAL_SUPPLY);
  assert.equal(await read<bigint>(report.contracts.SESH!, erc20Abi, 'totalSupply'), TOTAL_SUPPLY);
  assert.equal(report.allocations.rewardPool, (40_000_000n * 10n ** 9n).toString());
  assert.equal(report.allocations.serviceNodeBonus, (30_000_000n * 10n ** 9n).toString());
  assert.equal(report.allocations.testnetIncentives, config.testnetIncentives.toString());
  // Coin claims: 30M minus what was converted into migrated stakes, read back independently.
  assert.equal(BigInt(report.allocations.coinClaims), 30_000_000n * 10n ** 9n - BigInt(report.stakes.convertedViaCoinClaims));
  // The treasury paid exactly the top-up beyond what the conversions brought in.
  const treasury = 200_000_000n * 10n ** 9n - 30_000_000n * 10n ** 9n - 30_000_000n * 10n ** 9n - config.testnetIncentives - BigInt(report.stakes.treasuryTopUps);
  assert.equal(BigInt(report.allocations.treasury), treasury);
});

test('a chain already past a phase is refused: time never goes back', async () => {
  await assert.rejects(rehearse({ config, snapshot, rpcUrl: chain.rpcUrl }), /time cannot go back/);
});

test('the rehearsal is deterministic: a second run on a fresh chain gives a byte-identical JSON report', async () => {
  const second = await freshChain();
  try {
    const again = await rehearse({ config, snapshot, rpcUrl: second.rpcUrl });
    assert.equal(JSON.stringify(again, null, 2), JSON.stringify(report, null, 2));
  } finally {
    await second.stop();
  }
});
