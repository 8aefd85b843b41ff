/**
 * Testnet Incentive Program scores. Methodology (also in the README):
 * - Points per action, each capped per participant, never proportional to stake:
 *   see SCORING. Repeats beyond the cap score nothing; `distinct` actions count once per
 *   node (contribute, exit) or per UTC day (claim).
 * - Uptime: an operator (an address that registered the node) earns UPTIME_POINTS per node
 *   per UTC day at ≥ 90% uptime, for at most MAX_NODES_PER_OPERATOR nodes (its best ones),
 *   capped at UPTIME_CAP in total.
 * - Sybil clusters: addresses first funded by the same source (`fundedBy`, ignoring shared
 *   sources such as the faucet) form one cluster, which scores as ONE participant: its
 *   members' actions are pooled and the caps apply to the pool. The cluster's score is paid
 *   to its representative: the member active first (ties: lowest address).
 * - Only eligible addresses count (allowlist, redeemed invite, or public stage).
 */
import type { Address } from 'viem';
import type { ActivityRecord, Action } from './activity.ts';

type Rule = { points: number; cap: number; per: 'action' | 'node' | 'day' };
export const SCORING: Record<Exclude<Action, 'uptime'>, Rule> = {
  register: { points: 100, cap: 5, per: 'node' },
  contribute: { points: 50, cap: 10, per: 'node' },
  claim: { points: 20, cap: 10, per: 'day' },
  exit: { points: 50, cap: 2, per: 'node' },
  name: { points: 30, cap: 3, per: 'action' },
  pro: { points: 50, cap: 2, per: 'action' },
};
export const UPTIME_POINTS = 10;
export const UPTIME_MIN_BPS = 9_000;
export const MAX_NODES_PER_OPERATOR = 5;
export const UPTIME_CAP = 2_000;

export type ScoreOptions = {
  isEligible: (address: Address) => boolean;
  /** Funding sources shared by honest users (the faucet, exchanges): never cluster on them. */
  ignoreFunders?: ReadonlySet<Address>;
};

export type ScoreRow = { address: Address; score: bigint; members: Address[] };

function union(parent: Map<Address, Address>, a: Address, b: Address): void {
  const find = (x: Address): Address => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const ra = find(a);
  const rb = find(b);
  if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
}

export function clusters(records: readonly ActivityRecord[], ignore: ReadonlySet<Address>): Map<Address, Address[]> {
  const parent = new Map<Address, Address>();
  const firstFunder = new Map<Address, { time: number; funder: Address }>();
  for (const r of records) {
    if (!parent.has(r.address)) parent.set(r.address, r.address);
    if (r.fundedBy && !ignore.has(r.fundedBy)) {
      const seen = firstFunder.get(r.address);
      if (!seen || r.time < seen.time) firstFunder.set(r.address, { time: r.time, funder: r.fundedBy });
    }
  }
  const byFunder = new Map<Address, Address>();
  for (const [address, { funder }] of [...firstFunder].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const other = byFunder.get(funder);
    if (other) union(parent, other, address);
    else byFunder.set(funder, address);
    // An address that funded others is in their cluster too.
    if (parent.has(funder)) union(parent, funder, address);
  }
  const groups = new Map<Address, Address[]>();
  for (const address of [...parent.keys()].sort()) {
    let root = address;
    while (parent.get(root) !== root) root = parent.get(root)!;
    const group = groups.get(root);
    if (group) group.push(address);
    else groups.set(root, [address]);
  }
  return groups;
}

/** Scores one participant (one address or one pooled cluster) under the caps. */
export function scoreActions(records: readonly ActivityRecord[]): number {
  let score = 0;
  const operated = new Set(records.filter((r) => r.action === 'register').map((r) => r.node!));
  for (const [action, rule] of Object.entries(SCORING) as Array<[keyof typeof SCORING, Rule]>) {
    const keys = new Set<string>();
    let count = 0;
    for (const r of records) {
      if (r.action !== action) continue;
      if (rule.per === 'action') count++;
      else keys.add(rule.per === 'node' ? r.node! : String(Math.floor(r.time / 86_400)));
    }
    if (rule.per !== 'action') count = keys.size;
    score += Math.min(count, rule.cap) * rule.points;
  }
  const goodDays = new Map<string, Set<number>>();
  for (const r of records) {
    if (r.action !== 'uptime' || !operated.has(r.node!) || r.uptime! < UPTIME_MIN_BPS) continue;
    const days = goodDays.get(r.node!) ?? new Set<number>();
    days.add(Math.floor(r.time / 86_400));
    goodDays.set(r.node!, days);
  }
  const best = [...goodDays.values()].map((d) => d.size).sort((a, b) => b - a).slice(0, MAX_NODES_PER_OPERATOR);
  score += Math.min(UPTIME_CAP, best.reduce((a, b) => a + b, 0) * UPTIME_POINTS);
  return score;
}

export function scoreParticipants(records: readonly ActivityRecord[], options: ScoreOptions): ScoreRow[] {
  const eligible = records.filter((r) => options.isEligible(r.address));
  const groups = clusters(eligible, options.ignoreFunders ?? new Set());
  const byAddress = new Map<Address, ActivityRecord[]>();
  const firstTime = new Map<Address, number>();
  for (const r of eligible) {
    const list = byAddress.get(r.address);
    if (list) list.push(r);
    else byAddress.set(r.address, [r]);
    firstTime.set(r.address, Math.min(firstTime.get(r.address) ?? Infinity, r.time));
  }
  const rows: ScoreRow[] = [];
  for (const members of groups.values()) {
    const pooled = members.flatMap((m) => byAddress.get(m) ?? []);
    const score = scoreActions(pooled);
    if (score === 0) continue;
    const representative = [...members].sort((a, b) => firstTime.get(a)! - firstTime.get(b)! || (a.toLowerCase() < b.toLowerCase() ? -1 : 1))[0]!;
    rows.push({ address: representative, score: BigInt(score), members });
  }
  return rows.sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
}
