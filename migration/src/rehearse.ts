/**
 * `migration rehearse`: runs the whole migration on a local chain with accelerated time and
 * returns the report. Off-chain steps (node fates, the bonus run) happen at their phase's
 * time; at TGE the system is deployed through the production deploy script and the stakes,
 * claims and distributions go through the programs' own code paths. Every amount in the
 * report's allocations is read back from the chain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAbiParameters, erc20Abi, keccak256, type Address, type Hex } from 'viem';
import { deploySystem, connectDeployer, type Deployer } from '../../contracts/deploy/deploy.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { demoAccount } from '../../devnet/accounts.ts';
import { OxenCoinClaims, SessionStaking } from '../../sdk/src/generated/contracts.ts';
import { decodeNodeRecord, seedNodesCall, type SeedNodeInput } from '../../sdk/src/staking/index.ts';
import { formatSesh, TOTAL_SUPPLY } from '../../sdk/src/units.ts';
import { readDeployments } from '../../sdk/src/deployments.ts';
import { allocate } from '../../programs/lib/allocate.ts';
import { addMonthsUtc } from '../../programs/lib/chain.ts';
import { writeFileAtomic } from '../../programs/lib/io.ts';
import { claimsFrom, distributionFile } from '../../programs/lib/merkle.ts';
import { runBonus } from '../../programs/bonus/run.ts';
import { COIN_CLAIMS_TOTAL, fullAmount } from '../../programs/coin-claims/amount.ts';
import { MigrationError } from './errors.ts';
import { deployCoinClaims } from '../../programs/coin-claims/bridge.ts';
import { publishDistribution, readDistribution } from '../../programs/publish.ts';
import { iso, type MigrationConfig } from './config.ts';
import { openChain } from './chain.ts';
import { rehearsalNodeKeys } from './keys.ts';
import { migrationSteps } from './phases.ts';
import { planMigration, type NodePlan } from './plan.ts';
import type { Contribution, Snapshot } from './snapshot.ts';
import { writeBonusInput } from './bonus-input.ts';

const DAY = 86_400;
const SEED_BATCH = 20;
export const CLAIMS_FULL_RATE_GRACE = 14 * DAY;
export const DISTRIBUTION_WINDOW = 365 * DAY;

export type RehearsalOptions = { config: MigrationConfig; snapshot: Snapshot; rpcUrl?: string; log?: (line: string) => void };

type Amount = string; // base units, decimal

export type NodeReport = {
  node: string;
  anchor: string;
  outcome: string;
  /** SessionStaking node id for a migrated node. */
  seededAs: number | null;
  stakes: { address: Address; stake: Amount; surplus: Amount }[];
  topUp: Amount;
  /** Contributions credited on OxenCoinClaims to the contributor (nodes not migrated). */
  credited: { address: Address; amount: Amount }[];
  /** Contributions left to the claims bridge (no usable ETH address): oxen address and OXEN. */
  unregistered: { oxenAddress: string; oxen: Amount; reservedSesh: Amount }[];
};

export type RehearsalReport = {
  format: 'sesh-migration-report-v1';
  phases: { id: string; title: string; at: string }[];
  nodes: Record<'total' | 'migrated' | 'recovered' | 'decommissioned' | 'frozenOut' | 'missedLanding' | 'noOperatorAddress' | 'shortfall' | 'toppedUp', number>;
  stakes: {
    seeded: Amount;
    convertedViaCoinClaims: Amount;
    treasuryTopUps: Amount;
    surplusPaidLiquid: Amount;
    creditedToUnmigratedContributors: Amount;
    unregisteredContributions: number;
    reservedForUnregistered: Amount;
  };
  programs: {
    serviceNodeBonus: { total: Amount; participants: number };
    coinClaims: { budget: Amount; consumed: Amount; owed: Amount; balance: Amount };
    testnetIncentives: { total: Amount; participants: number };
  };
  /** Balances read from the chain after TGE; they sum to the supply. */
  allocations: Record<'rewardPool' | 'serviceNodeBonus' | 'coinClaims' | 'testnetIncentives' | 'staking' | 'contributorsLiquid' | 'treasury' | 'otherContracts', Amount>;
  conservation: { sum: Amount; totalSupply: Amount; expected: Amount; holders: number; ok: boolean };
  contracts: Record<string, Address>;
  nodeDetails: NodeReport[];
};

export function burnId(node: string, c: Contribution): Hex {
  return keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'bytes32' }, { type: 'string' }], ['sesh-migration-stake-v1', `0x${node}`, c.oxenAddress]));
}

const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);

export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const log = options.log ?? (() => {});
  const { config, snapshot } = options;
  const steps = migrationSteps(config);
  const plans = planMigration(snapshot, config);
  const budget = sum(snapshot.nodes.flatMap((n) => n.contributors.map((c) => fullAmount(c.oxen, config.circulatingOxen))));
  if (budget > COIN_CLAIMS_TOTAL) {
    throw new MigrationError(`the snapshot's stakes convert to ${formatSesh(budget)} SESH, more than the 30,000,000 SESH coin-claims budget: circulating_oxen in the config is too small`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sesh-migration-'));
  const chain = await openChain({ rpcUrl: options.rpcUrl, genesis: config.times.lighthouse - DAY });
  try {
    let tge: Awaited<ReturnType<typeof runTge>> | undefined;
    for (const step of steps) {
      await chain.warpTo(step.at, step.title);
      log(`[${iso(step.at)}] ${step.phase}: ${step.title}`);
      for (const action of step.actions) log(`    - ${action}`);
      if (step.id === 'anchor.hardfork') {
        const count = (s: string) => plans.filter((p) => p.anchor === s).length;
        log(`    ${count('upgraded')} nodes upgraded in time, ${count('recovered')} deregistered (recoverable), ${count('frozen-out')} registrations refused`);
        const input = writeBonusInput(snapshot, config, join(dir, 'bonus'));
        const bonus = await runBonus({ registrations: input.registrations, snapshots: [input.snapshots], anchorHardfork: step.at, circulatingOxen: config.circulatingOxen, outDir: join(dir, 'bonus'), quiet: true });
        log(`    bonus closed: root ${bonus.root}`);
        checkRestake(bonus.restake, plans);
        log(`    bonus re-stake list (${bonus.restake.length} rows) agrees with the registered contributors used for seeding`);
      }
      if (step.id === 'anchor.recovery-end') log(`    ${plans.filter((p) => p.anchor === 'recovered').length} recovered, ${plans.filter((p) => p.anchor === 'decommissioned').length} decommissioned`);
      if (step.id === 'landing.grace-end') log(`    ${plans.filter((p) => p.outcome === 'migrated').length} nodes to seed, ${plans.filter((p) => p.outcome === 'missed-landing').length} missed Landing`);
      if (step.id === 'tge') tge = await runTge(chain.rpcUrl, dir, config, snapshot, plans, log);
    }
    return await buildReport(config, steps, plans, tge!, snapshot);
  } finally {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The seeding takes contributors and ETH addresses from the bonus registrations: the bonus
 * engine's own re-stake list (registered OXEN per node and address at its last snapshot) must
 * say the same as the plan, or the run stops.
 */
export function checkRestake(restake: readonly { node: string; address: Address; oxen: bigint }[], plans: readonly NodePlan[]): void {
  const fromBonus = new Map<string, bigint>();
  for (const r of restake) fromBonus.set(`${r.node}:${r.address}`, r.oxen);
  const listed = new Set(restake.map((r) => r.node));
  const fromPlan = new Map<string, bigint>();
  for (const p of plans) {
    if (!listed.has(p.node.id)) continue;
    for (const r of p.registered) {
      const key = `${p.node.id}:${r.contribution.eth}`;
      fromPlan.set(key, (fromPlan.get(key) ?? 0n) + r.contribution.oxen);
    }
  }
  const keys = new Set([...fromBonus.keys(), ...fromPlan.keys()]);
  for (const key of keys) {
    if (fromBonus.get(key) !== fromPlan.get(key)) {
      throw new MigrationError(`the bonus re-stake list and the snapshot disagree on ${key}: ${fromBonus.get(key) ?? 'none'} vs ${fromPlan.get(key) ?? 'none'} OXEN`);
    }
  }
}

type TgeResult = { d: Deployer; contracts: Record<string, Address>; seededIds: Map<string, number>; treasury: Address; bonusTotal: bigint; bonusParticipants: number; testnetTotal: bigint };

async function runTge(rpcUrl: string, dir: string, config: MigrationConfig, snapshot: Snapshot, plans: NodePlan[], log: (l: string) => void): Promise<TgeResult> {
  const tge = config.times.tge;
  const key = demoAccount(0).privateKey;
  const deploymentsFile = join(dir, 'deployments.json');
  // 1. Token deployed and minted (pool 40M, rest to the treasury), staking deployed but not started.
  const deployments = await deploySystem({ rpcUrl, deployerKey: key, network: 'rehearsal', outFile: deploymentsFile, startStaking: false, log: (l) => log(`    deployed ${l}`) });
  const d = await connectDeployer(rpcUrl, key, deployments.chainId);
  const treasury = d.account.address;
  const c = deployments.contracts as Record<string, Address>;
  // 2. Claims bridge: OxenCoinClaims funded with its 30M; the treasury key acts as the bridge.
  const claims = await deployCoinClaims({
    deploymentsFile,
    key,
    circulatingOxen: config.circulatingOxen,
    reducedAfter: addMonthsUtc(tge, 6),
    fullRateGraceSeconds: CLAIMS_FULL_RATE_GRACE,
    creditsEnd: addMonthsUtc(tge, 12),
    log: (l) => log(`    ${l}`),
  });
  // 3. Stakes: registered contributions of migrated nodes are credited to the treasury (which
  //    seeds them); those of nodes not migrated to their owners. Recorded at TGE: full rate.
  let credits = 0;
  for (const plan of plans) {
    for (const r of plan.registered) {
      if (r.converted === 0n) continue; // below one base unit: CreditRoundsToZero
      const account = plan.outcome === 'migrated' ? treasury : r.contribution.eth!;
      await d.send(claims, OxenCoinClaims.abi, 'credit', [burnId(plan.node.id, r.contribution), account, r.contribution.oxen, BigInt(tge)]);
      credits++;
    }
  }
  log(`    ${credits} stakes converted on OxenCoinClaims`);
  const migrated = plans.filter((p) => p.outcome === 'migrated');
  const owedToTreasury = await d.publicClient.readContract({ address: claims, abi: OxenCoinClaims.abi, functionName: 'owedTo', args: [treasury] } as never) as bigint;
  if (owedToTreasury > 0n) await d.send(claims, OxenCoinClaims.abi, 'claim', [treasury]);
  // 4. Seed the staking contract, then start it (and the reward pool).
  const staking = c.SessionStaking!;
  const current = (await d.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
  if (current !== config.stakingRequirement) {
    await d.send(staking, SessionStaking.abi, 'setParameters', [config.stakingRequirement, 100, 10]);
  }
  await d.send(c.SESH!, erc20Abi, 'approve', [staking, sum(migrated.map((p) => sum(p.stakes.map((s) => s.stake))))]);
  const seededIds = new Map<string, number>();
  let nextId = Number(await d.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'lastNodeId' })) + 1;
  for (let start = 0; start < migrated.length; start += SEED_BATCH) {
    const batch = migrated.slice(start, start + SEED_BATCH);
    const nodes: SeedNodeInput[] = batch.map((p) => ({
      keys: rehearsalNodeKeys(p.node.id, p.stakes[0]!.address, deployments.chainId, staking),
      operator: p.stakes[0]!.address,
      feeBps: p.node.feeBps,
      contributors: p.stakes.filter((s) => s.stake > 0n).map((s) => ({ contributor: s.address, beneficiary: s.address, amount: s.stake })),
    }));
    // Explicit gas: estimating re-runs every proof-of-possession check.
    const hash = await d.walletClient.writeContract({ ...seedNodesCall(staking, nodes), gas: 400_000n * BigInt(nodes.length) + 200_000n } as never);
    const receipt = await d.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`seedNodes batch at ${start} reverted (tx ${hash})`);
    for (const p of batch) seededIds.set(p.node.id, nextId++);
    log(`    seeded ${seededIds.size}/${migrated.length} nodes`);
  }
  // Conversion surplus (converted − staked), paid liquid, one transfer per address.
  const surplus = new Map<Address, bigint>();
  for (const p of migrated) for (const s of p.stakes) if (s.surplus > 0n) surplus.set(s.address, (surplus.get(s.address) ?? 0n) + s.surplus);
  for (const [address, amount] of [...surplus].sort(([a], [b]) => (a < b ? -1 : 1))) await d.send(c.SESH!, erc20Abi, 'transfer', [address, amount]);
  log(`    surplus paid to ${surplus.size} addresses`);
  await startStaking(d, { SessionStaking: staking, StakingRewards: c.StakingRewards!, RewardRatePool: c.RewardRatePool! });
  log('    staking started; reward pool started');
  log('    portal: goes live against these deployments (not part of the rehearsal)');
  // 5. Distributions: the bonus (computed at Anchor) and the testnet incentives.
  const bonus = await publishDistribution({ distributionFile: join(dir, 'bonus', 'distribution.json'), deploymentsFile, key, name: 'ServiceNodeBonusDistributor', windowSeconds: DISTRIBUTION_WINDOW, open: true, log: (l) => log(`    ${l}`) });
  const bonusParticipants = Object.keys(readDistribution(join(dir, 'bonus', 'distribution.json')).claims).length;
  let testnetTotal = 0n;
  if (snapshot.testnet.length > 0 && config.testnetIncentives > 0n) {
    const allocation = allocate(new Map(snapshot.testnet.map((t) => [t.address, t.score])), config.testnetIncentives);
    const file = join(dir, 'testnet-distribution.json');
    writeFileAtomic(file, `${JSON.stringify(distributionFile('testnet-incentives', claimsFrom(allocation)), null, 1)}\n`);
    testnetTotal = (await publishDistribution({ distributionFile: file, deploymentsFile, key, name: 'TestnetIncentiveDistributor', windowSeconds: DISTRIBUTION_WINDOW, open: true, log: (l) => log(`    ${l}`) })).total;
  }
  return { d, contracts: readDeployments(deploymentsFile).contracts as Record<string, Address>, seededIds, treasury, bonusTotal: bonus.total, bonusParticipants, testnetTotal };
}

async function buildReport(config: MigrationConfig, steps: ReturnType<typeof migrationSteps>, plans: NodePlan[], tge: TgeResult, snapshot: Snapshot): Promise<RehearsalReport> {
  const { d, contracts, treasury } = tge;
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    d.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;
  const balance = (who: Address) => read<bigint>(contracts.SESH!, erc20Abi, 'balanceOf', [who]);
  const claims = contracts.OxenCoinClaims!;
  const count = (f: (p: NodePlan) => boolean) => plans.filter(f).length;
  const migrated = plans.filter((p) => p.outcome === 'migrated');

  // Every migrated node as seeded on chain must match the plan (operator, stakes, active).
  for (const p of migrated) {
    const id = BigInt(tge.seededIds.get(p.node.id)!);
    const record = decodeNodeRecord(await read<[bigint[], bigint[]]>(contracts.SessionStaking!, SessionStaking.abi, 'nodeRecord', [id]));
    const want = p.stakes.filter((s) => s.stake > 0n);
    const ok = record.status === 'Active' && record.operator === want[0]!.address && record.contributors.length === want.length && record.contributors.every((r, i) => r.contributor === want[i]!.address && r.amount === want[i]!.stake);
    if (!ok) throw new Error(`node ${p.node.id.slice(0, 12)}… was not seeded as planned (chain node ${id})`);
  }

  // Holders: every contract, the treasury and every ETH address of the input.
  const contractSet = new Set(Object.values(contracts));
  const people = new Set<Address>();
  for (const n of snapshot.nodes) for (const c of n.contributors) if (c.eth) people.add(c.eth);
  for (const t of snapshot.testnet) people.add(t.address);
  for (const a of [...contractSet, treasury]) people.delete(a);
  const named = { rewardPool: contracts.RewardRatePool!, serviceNodeBonus: contracts.ServiceNodeBonusDistributor!, coinClaims: claims, testnetIncentives: contracts.TestnetIncentiveDistributor, staking: contracts.SessionStaking! };
  const allocations = {} as Record<keyof RehearsalReport['allocations'], bigint>;
  for (const [k, a] of Object.entries(named)) allocations[k as keyof typeof named] = a ? await balance(a) : 0n;
  allocations.contributorsLiquid = sum(await Promise.all([...people].map(balance)));
  allocations.treasury = await balance(treasury);
  const namedSet = new Set(Object.values(named).filter(Boolean));
  allocations.otherContracts = sum(await Promise.all([...contractSet].filter((a) => !namedSet.has(a)).map(balance)));
  const total = sum(Object.values(allocations));
  const supply = await read<bigint>(contracts.SESH!, erc20Abi, 'totalSupply');

  const nodeDetails: NodeReport[] = plans.map((p) => ({
    node: p.node.id,
    anchor: p.anchor,
    outcome: p.outcome,
    seededAs: tge.seededIds.get(p.node.id) ?? null,
    stakes: p.stakes.map((s) => ({ address: s.address, stake: s.stake.toString(), surplus: s.surplus.toString() })),
    topUp: p.topUp.toString(),
    credited: p.outcome === 'migrated' ? [] : p.registered.filter((r) => r.converted > 0n).map((r) => ({ address: r.contribution.eth!, amount: r.converted.toString() })),
    unregistered: p.unregistered.map((u) => ({ oxenAddress: u.oxenAddress, oxen: u.oxen.toString(), reservedSesh: fullAmount(u.oxen, config.circulatingOxen).toString() })),
  }));
  return {
    format: 'sesh-migration-report-v1',
    phases: steps.map((s) => ({ id: s.id, title: s.title, at: iso(s.at) })),
    nodes: {
      total: plans.length,
      migrated: migrated.length,
      recovered: count((p) => p.anchor === 'recovered'),
      decommissioned: count((p) => p.anchor === 'decommissioned'),
      frozenOut: count((p) => p.anchor === 'frozen-out'),
      missedLanding: count((p) => p.outcome === 'missed-landing'),
      noOperatorAddress: count((p) => p.outcome === 'no-operator-address'),
      shortfall: count((p) => p.outcome === 'shortfall'),
      toppedUp: count((p) => p.topUp > 0n),
    },
    stakes: {
      seeded: sum(migrated.flatMap((p) => p.stakes.map((s) => s.stake))).toString(),
      convertedViaCoinClaims: sum(migrated.flatMap((p) => p.registered.map((r) => r.converted))).toString(),
      treasuryTopUps: sum(migrated.map((p) => p.topUp)).toString(),
      surplusPaidLiquid: sum(migrated.flatMap((p) => p.stakes.map((s) => s.surplus))).toString(),
      creditedToUnmigratedContributors: sum(plans.filter((p) => p.outcome !== 'migrated').flatMap((p) => p.registered.map((r) => r.converted))).toString(),
      unregisteredContributions: plans.reduce((a, p) => a + p.unregistered.length, 0),
      reservedForUnregistered: sum(plans.flatMap((p) => p.unregistered.map((u) => fullAmount(u.oxen, config.circulatingOxen)))).toString(),
    },
    programs: {
      serviceNodeBonus: { total: tge.bonusTotal.toString(), participants: tge.bonusParticipants },
      coinClaims: {
        budget: (await read<bigint>(claims, OxenCoinClaims.abi, 'PROGRAM_TOTAL')).toString(),
        consumed: (await read<bigint>(claims, OxenCoinClaims.abi, 'consumed')).toString(),
        owed: (await read<bigint>(claims, OxenCoinClaims.abi, 'owed')).toString(),
        balance: allocations.coinClaims.toString(),
      },
      testnetIncentives: { total: tge.testnetTotal.toString(), participants: snapshot.testnet.length },
    },
    allocations: Object.fromEntries(Object.entries(allocations).map(([k, v]) => [k, v.toString()])) as RehearsalReport['allocations'],
    conservation: { sum: total.toString(), totalSupply: supply.toString(), expected: TOTAL_SUPPLY.toString(), holders: contractSet.size + 1 + people.size, ok: total === TOTAL_SUPPLY && supply === TOTAL_SUPPLY },
    contracts,
    nodeDetails,
  };
}
