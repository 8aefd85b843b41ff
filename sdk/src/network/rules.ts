/**
 * Membership rules: every duration and count the network's membership, testing and
 * decommissioning use, in one place.
 *
 * Testing and decommission windows are wall-clock seconds (each node's own clock); the
 * downtime credit is CHAIN seconds (block timestamps), because every node must compute the
 * same credit for the same node.
 */
import type { Deployments } from '../deployments.ts';

export type MembershipRules = {
  /** A node re-announces this often (real 1800, devnet 20). */
  announceIntervalSec: number;
  /** Older announcements expire (real 7200, devnet 90). */
  announcementMaxAgeSec: number;
  /** Forward a new item to this many random peers (6). */
  gossipFanout: number;
  /** Pull the full list from one random peer this often (real 300, devnet 15). */
  antiEntropySec: number;
  /** One test period, wall-clock seconds (real 300, devnet 5). */
  testPeriodSec: number;
  /** Testers per tested node (10, like oxen's state-change quorum). */
  testersPerNode: number;
  /** Of those testers, how many must agree (7, like oxen); see {@link votesToFailFor} for small networks. */
  votesToFail: number;
  /** Failing (by majority) for every period of this long → decommission (real 3600, devnet 30). */
  decommissionAfterSec: number;
  /** Passing (by majority) for this long → recommission (real 600, devnet 10). */
  recommissionAfterSec: number;
  /** Landed checkpoints in a row without its signature → the signing check fails (3). */
  missedCheckpointsToFail: number;
  /** Downtime credit at activation, chain seconds (real 7200). */
  creditInitialSec: number;
  /** Credit earned per chain day commissioned (real 2880 = 1 day per 30 days). */
  creditPerDaySec: number;
  /** Credit cap, chain seconds (real 86400). */
  creditMaxSec: number;
};

export const NETWORK_RULES: MembershipRules = Object.freeze({
  announceIntervalSec: 1800,
  announcementMaxAgeSec: 7200,
  // Push gossip misses about e^-fanout of the nodes before anti-entropy pulls: 6 leaves ~0.25%
  // (4 left ~2%, so 99% was not reached within one pull interval).
  gossipFanout: 6,
  antiEntropySec: 300,
  testPeriodSec: 300,
  testersPerNode: 10,
  votesToFail: 7,
  decommissionAfterSec: 3600,
  recommissionAfterSec: 600,
  missedCheckpointsToFail: 3,
  creditInitialSec: 7200,
  creditPerDaySec: 2880,
  creditMaxSec: 86400,
});

/** Short windows so a devnet or a test sees membership changes within a minute or two. */
export const DEVNET_RULES: MembershipRules = Object.freeze({
  ...NETWORK_RULES,
  announceIntervalSec: 20,
  announcementMaxAgeSec: 90,
  antiEntropySec: 15,
  // 10 s: a tester sends 2 requests per target per period and at most 60 a minute
  // (node/src/testing/loop.ts); 4 targets on a 5-node devnet need ≥ 8 s, or targets go untested.
  testPeriodSec: 10,
  decommissionAfterSec: 40,
  recommissionAfterSec: 20,
});

export class MembershipRulesError extends Error {
  override name = 'MembershipRulesError';
}

const KEYS = Object.keys(NETWORK_RULES) as (keyof MembershipRules)[];

/**
 * Checks a partial override (as found in a deployments file): an object of known keys with
 * positive safe integers. Returns a clean copy; throws saying which key to fix.
 */
export function validateMembershipOverrides(value: unknown, source = 'membership'): Partial<MembershipRules> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MembershipRulesError(`${source}: expected an object of rule name → positive integer (known rules: ${KEYS.join(', ')})`);
  }
  const out: Partial<MembershipRules> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(KEYS as string[]).includes(key)) {
      throw new MembershipRulesError(`${source}.${key}: unknown rule (known rules: ${KEYS.join(', ')})`);
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
      throw new MembershipRulesError(`${source}.${key}: must be a positive integer, got ${JSON.stringify(v)}`);
    }
    out[key as keyof MembershipRules] = v;
  }
  return out;
}

/** Cross-rule consistency; a set that breaks these would make the network flap or never judge. */
export function checkMembershipRules(r: MembershipRules, source = 'membership'): MembershipRules {
  if (r.announcementMaxAgeSec <= r.announceIntervalSec) {
    throw new MembershipRulesError(`${source}: announcementMaxAgeSec (${r.announcementMaxAgeSec}) must exceed announceIntervalSec (${r.announceIntervalSec}), or live nodes' announcements expire between re-announcements`);
  }
  if (r.votesToFail > r.testersPerNode) {
    throw new MembershipRulesError(`${source}: votesToFail (${r.votesToFail}) can not exceed testersPerNode (${r.testersPerNode})`);
  }
  if (r.creditInitialSec > r.creditMaxSec) {
    throw new MembershipRulesError(`${source}: creditInitialSec (${r.creditInitialSec}) can not exceed creditMaxSec (${r.creditMaxSec})`);
  }
  if (r.decommissionAfterSec < r.testPeriodSec || r.recommissionAfterSec < r.testPeriodSec) {
    throw new MembershipRulesError(`${source}: decommissionAfterSec and recommissionAfterSec must be at least one testPeriodSec (${r.testPeriodSec})`);
  }
  return r;
}

/** The rules of a deployment: NETWORK_RULES overridden by `d.membership` (validated). */
export function membershipRules(d: Pick<Deployments, 'membership'>): MembershipRules {
  const overrides = d.membership === undefined ? {} : validateMembershipOverrides(d.membership);
  return checkMembershipRules({ ...NETWORK_RULES, ...overrides });
}

/**
 * How many of a node's testers must agree to fail it: ceil(0.7 × testers), testers being
 * min(testersPerNode, n − 1) in a network of n nodes (a node never tests itself), scaled so
 * a small network keeps oxen's 7-of-10 proportion. At least 1.
 */
export function votesToFailFor(rules: MembershipRules, nodeCount: number): number {
  const testers = Math.min(rules.testersPerNode, Math.max(nodeCount - 1, 0));
  if (testers >= rules.testersPerNode) return rules.votesToFail;
  return Math.max(1, Math.ceil((rules.votesToFail / rules.testersPerNode) * testers - 1e-9));
}
