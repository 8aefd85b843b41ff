/**
 * The migration plan, a pure function of (config, snapshot): what happens to every node and
 * every stake. The rules (README "Migration"):
 *
 * Anchor: a node registered at or after the Anchor hardfork was refused by the old network
 * (`frozen-out`). A node that ran the Anchor release by the hardfork stays; one that upgraded
 * within 7 days after it is `recovered`; later or never: `decommissioned`.
 * ETH addresses count only if registered by the Anchor hardfork (frozen there).
 * Landing: a surviving node that ran the Landing release by the Landing hardfork + 7 days
 * (grace) migrates; otherwise `missed-landing`.
 *
 * Stake conversion: each contributor's OXEN converts at the coin-claims full rate,
 * ⌊oxen × 30,000,000 SESH ÷ circulating OXEN⌋ (the very formula OxenCoinClaims computes on
 * chain; the rehearsal credits the stake there, so it is paid from that program's budget).
 * A migrated node is seeded with exactly the staking requirement R:
 *  - Σ converted ≥ R: stakes are R split by converted amount (largest remainder, so no one
 *    stakes more than they own); each contributor's rest is paid out liquid to their address;
 *  - Σ converted < R by at most max_topup_bps of R: the treasury tops up the operator's stake;
 *  - a larger shortfall: the node is not migrated (`shortfall`).
 * Missing ETH address: a contributor with no (or a too late) ETH address has nowhere to be
 * paid on chain, so the migration does not convert their stake: their OXEN stays theirs on the
 * Oxen chain and its full-rate share stays reserved in OxenCoinClaims, where they claim it by
 * burning through the bridge like any other OXEN. The node's stake is made of the others'
 * conversions (and a top-up if short). A node whose operator has no ETH address cannot be
 * seeded (`no-operator-address`).
 * Nodes not migrated: every registered contributor's OXEN is credited on OxenCoinClaims to
 * their ETH address (claimable by them); unregistered ones as above. No token is stuck.
 */
import type { Address } from 'viem';
import { allocate } from '../../programs/lib/allocate.ts';
import { fullAmount } from '../../programs/coin-claims/amount.ts';
import { WEEK, type MigrationConfig } from './config.ts';
import type { Contribution, OxenNode, Snapshot } from './snapshot.ts';

export type Outcome = 'migrated' | 'frozen-out' | 'decommissioned' | 'missed-landing' | 'no-operator-address' | 'shortfall';

/** What the Anchor phase did to the node. */
export type AnchorStatus = 'upgraded' | 'recovered' | 'decommissioned' | 'frozen-out';

export type Stake = { address: Address; converted: bigint; stake: bigint; surplus: bigint };

export type NodePlan = {
  node: OxenNode;
  anchor: AnchorStatus;
  outcome: Outcome;
  /** Registered contributions (an ETH address by the Anchor hardfork), with their conversion. */
  registered: { contribution: Contribution; converted: bigint }[];
  /** Contributions left to the coin-claims bridge (no usable ETH address). */
  unregistered: Contribution[];
  /** For a migrated node: one entry per ETH address, operator first; Σ stake = R. */
  stakes: Stake[];
  topUp: bigint;
};

export function anchorStatus(node: OxenNode, config: MigrationConfig): AnchorStatus {
  const hardfork = config.times['anchor.hardfork'];
  if (node.registeredAt >= hardfork) return 'frozen-out';
  const at = node.anchorUpgradedAt;
  if (at !== null && at <= hardfork) return 'upgraded';
  if (at !== null && at <= hardfork + WEEK) return 'recovered';
  return 'decommissioned';
}

export function landingInTime(node: OxenNode, config: MigrationConfig): boolean {
  return node.landingUpgradedAt !== null && node.landingUpgradedAt <= config.times['landing.hardfork'] + WEEK;
}

export function isRegistered(c: Contribution, config: MigrationConfig): c is Contribution & { eth: Address } {
  return c.eth !== null && c.ethRegisteredAt !== null && c.ethRegisteredAt <= config.times['anchor.hardfork'];
}

/** Splits R by converted amounts; stake ≤ converted for everyone because Σ converted ≥ R. */
function splitStakes(converted: Map<Address, bigint>, order: Address[], requirement: bigint): Stake[] {
  const total = [...converted.values()].reduce((a, b) => a + b, 0n);
  const shares = new Map(allocate(converted, requirement).map((a) => [a.address, a.amount]));
  if (total < requirement) throw new Error('splitStakes needs Σ converted ≥ requirement');
  return order.map((address) => {
    const c = converted.get(address)!;
    const stake = shares.get(address) ?? 0n;
    return { address, converted: c, stake, surplus: c - stake };
  });
}

export function planNode(node: OxenNode, config: MigrationConfig): NodePlan {
  const anchor = anchorStatus(node, config);
  const registered = node.contributors.filter((c) => isRegistered(c, config)).map((contribution) => ({ contribution, converted: fullAmount(contribution.oxen, config.circulatingOxen) }));
  const unregistered = node.contributors.filter((c) => !isRegistered(c, config));
  const plan: NodePlan = { node, anchor, outcome: 'migrated', registered, unregistered, stakes: [], topUp: 0n };
  if (anchor === 'frozen-out' || anchor === 'decommissioned') return { ...plan, outcome: anchor };
  if (!landingInTime(node, config)) return { ...plan, outcome: 'missed-landing' };
  const operator = node.contributors[0]!;
  if (!isRegistered(operator, config)) return { ...plan, outcome: 'no-operator-address' };

  // One stake per ETH address (two Oxen wallets may have registered the same one), operator first.
  const converted = new Map<Address, bigint>();
  for (const r of registered) converted.set(r.contribution.eth!, (converted.get(r.contribution.eth!) ?? 0n) + r.converted);
  const order = [...converted.keys()];
  const total = [...converted.values()].reduce((a, b) => a + b, 0n);
  const R = config.stakingRequirement;
  if (total >= R) {
    const stakes = splitStakes(converted, order, R);
    // seedNodes needs the operator first with a non-zero stake (a dust operator stake is no real node).
    if (stakes[0]!.stake === 0n) return { ...plan, outcome: 'shortfall' };
    return { ...plan, stakes };
  }
  const shortfall = R - total;
  if (shortfall * 10_000n > R * BigInt(config.maxTopUpBps)) return { ...plan, outcome: 'shortfall' };
  const stakes = order.map((address) => ({ address, converted: converted.get(address)!, stake: converted.get(address)!, surplus: 0n }));
  stakes[0]!.stake += shortfall;
  return { ...plan, stakes, topUp: shortfall };
}

export function planMigration(snapshot: Snapshot, config: MigrationConfig): NodePlan[] {
  return snapshot.nodes.map((node) => planNode(node, config));
}
