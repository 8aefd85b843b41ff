/**
 * A commission round: decommission failing nodes and recommission recovered ones on chain.
 *   1. ask a few random commissioned nodes for their proposal (GET /network/commission →
 *      { round, decommission, recommission, evidence }), keep those for the registry's current
 *      commissionRound, and pick the one most nodes proposed (ties: the smaller change, so the
 *      runner never pushes more than the others saw). Nodes only sign what their own judgment
 *      agrees with (POST /sign/commission), so the pick decides what is ASKED, not what passes.
 *   2. fan out POST /sign/commission { round, decommission, recommission, signedAt, evidence } to the
 *      commissioned set and aggregate (round.ts: decommissioned nodes are not signers);
 *   3. submit updateCommission; CommissionRoundMismatch means another runner landed this round
 *      first, which is success for the network ("someone else did it").
 */
import type { CommissionUpdate } from '../../sdk/src/staking/payloads.ts';
import type { RoundReport } from './round.ts';
import type { NodeRef } from './fanout.ts';
import { joinUrl } from './http-call.ts';

/** `evidence`: the signed test reports behind it (passed on to the signers, who verify each). */
export type CommissionProposal = { round: bigint; decommission: bigint[]; recommission: bigint[]; evidence: unknown[] };

/** The most evidence reports one request carries (the signers' body limit). */
const MAX_EVIDENCE = 400;

export type CommissionResult =
  | { outcome: 'nothing'; round: bigint; proposals: number }
  | { outcome: 'landed'; update: CommissionUpdate; report: RoundReport; txHash: string }
  | { outcome: 'landed-elsewhere'; update: CommissionUpdate; report: RoundReport; reason: string }
  | { outcome: 'not-signed'; update: CommissionUpdate; report: RoundReport }
  | { outcome: 'failed'; update?: CommissionUpdate; report?: RoundReport; reason: string };

const ID = /^\d{1,20}$/;

/** A node's proposal as sent, or why it is unusable. */
export function parseProposal(body: unknown): CommissionProposal | string {
  const b = body as { round?: unknown; decommission?: unknown; recommission?: unknown; evidence?: unknown };
  if (typeof b !== 'object' || b === null) return 'not an object';
  if (typeof b.round !== 'string' || !ID.test(b.round)) return 'round must be a decimal string';
  const ids = (v: unknown, name: string): bigint[] | string => {
    if (!Array.isArray(v) || v.length > 1_000 || !v.every((x) => typeof x === 'string' && ID.test(x))) return `${name} must be a list of decimal node ids`;
    const list = v.map((x) => BigInt(x as string));
    for (let i = 1; i < list.length; i++) if (list[i]! <= list[i - 1]!) return `${name} must be strictly increasing`;
    return list;
  };
  const decommission = ids(b.decommission, 'decommission');
  if (typeof decommission === 'string') return decommission;
  const recommission = ids(b.recommission, 'recommission');
  if (typeof recommission === 'string') return recommission;
  if (b.evidence !== undefined && !Array.isArray(b.evidence)) return 'evidence must be a list';
  return { round: BigInt(b.round), decommission, recommission, evidence: (b.evidence as unknown[] | undefined) ?? [] };
}

const keyOf = (p: CommissionProposal) => `${p.round}|${p.decommission.join(',')}|${p.recommission.join(',')}`;

/**
 * The proposal most sources made for `round`; ties → the one changing fewer nodes, then the
 * smaller key. Its evidence is the union of what its supporters sent (deduplicated, bounded).
 */
export function pickProposal(proposals: readonly CommissionProposal[], round: bigint): { proposal: CommissionProposal; support: number } | undefined {
  const counts = new Map<string, { proposal: CommissionProposal; support: number; seen: Set<string> }>();
  for (const p of proposals) {
    if (p.round !== round || (p.decommission.length === 0 && p.recommission.length === 0)) continue;
    const k = keyOf(p);
    const c = counts.get(k) ?? { proposal: { ...p, evidence: [] }, support: 0, seen: new Set<string>() };
    c.support++;
    for (const e of p.evidence) {
      const text = JSON.stringify(e);
      if (c.proposal.evidence.length < MAX_EVIDENCE && !c.seen.has(text)) {
        c.seen.add(text);
        c.proposal.evidence.push(e);
      }
    }
    counts.set(k, c);
  }
  const size = (p: CommissionProposal) => p.decommission.length + p.recommission.length;
  return [...counts.entries()]
    .sort(([ka, a], [kb, b]) => b.support - a.support || size(a.proposal) - size(b.proposal) || (ka < kb ? -1 : 1))
    .map(([, c]) => ({ proposal: c.proposal, support: c.support }))[0];
}

/** GET /network/commission from up to `count` random endpoints, each bounded by `timeoutMs`. */
export async function fetchProposals(refs: readonly NodeRef[], count: number, timeoutMs: number, random = Math.random): Promise<CommissionProposal[]> {
  const pool = [...refs];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const answers = await Promise.all(
    pool.slice(0, count).map(async (ref) => {
      try {
        const response = await fetch(joinUrl('/network/commission', ref.url), { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return undefined;
        const parsed = parseProposal(await response.json());
        return typeof parsed === 'string' ? undefined : parsed;
      } catch {
        return undefined; // an unreachable source has no say
      }
    }),
  );
  return answers.filter((a): a is CommissionProposal => a !== undefined);
}

export async function runCommissionRound(deps: {
  refs: readonly NodeRef[];
  /** The registry's commissionRound() now (the next update must carry it). */
  currentRound: () => Promise<bigint>;
  chainNow: () => Promise<number>;
  round: (path: string, body: unknown) => Promise<RoundReport>;
  /** Sends updateCommission; resolves with the tx hash, rejects with the decoded revert in `revert`. */
  submit: (update: CommissionUpdate, report: RoundReport) => Promise<string>;
  sources?: number;
  timeoutMs: number;
  log?: (line: string) => void;
}): Promise<CommissionResult> {
  const log = deps.log ?? (() => {});
  const current = await deps.currentRound();
  const proposals = await fetchProposals(deps.refs, deps.sources ?? 5, deps.timeoutMs);
  const picked = pickProposal(proposals, current);
  if (!picked) return { outcome: 'nothing', round: current, proposals: proposals.length };
  const signedAt = await deps.chainNow();
  const update: CommissionUpdate = { round: current, decommission: picked.proposal.decommission, recommission: picked.proposal.recommission, signedAt: BigInt(signedAt) };
  const report = await deps.round('/sign/commission', {
    round: current.toString(),
    decommission: update.decommission.map(String),
    recommission: update.recommission.map(String),
    signedAt,
    evidence: picked.proposal.evidence,
  });
  const what = `commission round ${current} (decommission [${update.decommission.join(', ')}], recommission [${update.recommission.join(', ')}], proposed by ${picked.support}/${proposals.length})`;
  if (!report.ok) {
    log(`rounds: ${what} not signed: ${report.signers.length}/${report.activeNodes} (need ${report.required})`);
    return { outcome: 'not-signed', update, report };
  }
  try {
    const txHash = await deps.submit(update, report);
    log(`rounds: ${what} landed: ${report.signers.length}/${report.activeNodes} signed, tx ${txHash}`);
    return { outcome: 'landed', update, report, txHash };
  } catch (error) {
    const revert = (error as { revert?: string }).revert ?? '';
    if (/^CommissionRoundMismatch/.test(revert)) return { outcome: 'landed-elsewhere', update, report, reason: revert };
    return { outcome: 'failed', update, report, reason: (error as Error).message };
  }
}
