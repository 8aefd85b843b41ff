/**
 * What a tester checks of one target in one period, each with a short timeout:
 *  reachable  it answers at the URL it announced (directory.urlOf);
 *  keys       it signs a fresh nonce with its registered ed25519 key (peers/challenge.ts);
 *  ledger     at a common block B (our height − a small margin) its checkpoint root equals
 *             ours. It must answer for exactly B: claiming to be ahead gains nothing, a node
 *             behind B answers 409 and fails "behind";
 *  signing    the chain's non-signer lists: missedCheckpoints ≥ missedCheckpointsToFail fails
 *             (a reachable node that never signs is a free rider); skipped for a decommissioned
 *             node, which is asked to sign nothing;
 *  storage    it holds its swarm's messages: it proves it holds the data of a message it must
 *             hold (node/src/storage/storage-check.ts); 'skip' when the node has no message
 *             storage, the target is in no swarm, still filling, or there is nothing to test.
 * Two HTTP requests per target, plus up to two for storage when the loop's budget allows;
 * the loop counts and bounds them (loop.ts).
 */
import type { CheckName, CheckResult } from '../../../sdk/src/network/test-report.ts';
import { httpText } from '../../../core/http/client.ts';
import { joinUrl, probePeer } from '../peers/http.ts';
import type { Hex } from '../peers/challenge.ts';
import type { StorageChecker } from '../storage/storage-check.ts';

export const LEDGER_ROOT_PATH = '/ledger/root';

/** `untested`: a check could not be afforded within the request budget: no report is made of it. */
export type CheckOutcome = { ok: boolean; checks: Record<CheckName, CheckResult>; reason: string | null; requests: number; untested?: true };

export type Target = {
  nodeId: bigint;
  ed25519Key: Hex;
  missedCheckpoints: number;
  /** Decommissioned: out of the signing set, so it can not sign checkpoints and is not judged on them. */
  decommissioned?: boolean;
  /** Its announced URL; undefined: it announced none we accept. */
  url: string | undefined;
};

export type LedgerCheck = { result: 'pass' } | { result: 'fail'; reason: string };

/** Asks `url` for its checkpoint root at exactly `block` and compares it with `expectedRoot`. */
export async function checkLedgerAt(url: string, block: number, expectedRoot: Hex, timeoutMs: number): Promise<LedgerCheck> {
  const response = await httpText(joinUrl(`${LEDGER_ROOT_PATH}?block=${block}`, url), { timeoutMs, maxBytes: 64 * 1024 });
  if (!response.ok) return { result: 'fail', reason: `ledger: no answer (${response.kind === 'timeout' ? `timeout ${timeoutMs} ms` : response.reason})` };
  type LedgerAnswer = { block?: unknown; root?: unknown; error?: unknown; reason?: unknown };
  let body: LedgerAnswer | null = null;
  try {
    body = JSON.parse(response.text) as LedgerAnswer;
  } catch {}
  if (response.status === 409 && body?.error === 'behind') return { result: 'fail', reason: `behind: has not reached block ${block} (${String(body.reason ?? '').slice(0, 120)})` };
  if (response.status < 200 || response.status > 299 || !body) return { result: 'fail', reason: `ledger: HTTP ${response.status} for block ${block}` };
  if (body.block !== block) return { result: 'fail', reason: `ledger: answered for block ${String(body.block).slice(0, 30)}, asked ${block}` };
  if (typeof body.root !== 'string' || body.root.toLowerCase() !== expectedRoot) {
    return { result: 'fail', reason: `ledger root at block ${block} is ${String(body.root).slice(0, 70)}, ours is ${expectedRoot}` };
  }
  return { result: 'pass' };
}

export async function testTarget(
  target: Target,
  ctx: {
    chainId: number;
    commonBlock: number;
    ourRootAt: (block: number) => Hex;
    missedCheckpointsToFail: number;
    timeoutMs: number;
    /** The storage test; absent: 'skip'. `afford(n)`: whether this target's n requests in all fit the budget. */
    storage?: { check: StorageChecker; afford: (requests: number) => boolean };
  },
): Promise<CheckOutcome> {
  const checks: Record<CheckName, CheckResult> = { reachable: 'skip', keys: 'skip', ledger: 'skip', signing: 'skip', storage: 'skip' };
  const reasons: string[] = [];
  let requests = 0;
  // Public chain data: judged even when the node is unreachable.
  // A decommissioned node is asked to sign nothing, so its miss count can not fall until it is
  // recommissioned (which resets it): judging it on signing would keep it out for good.
  if (target.decommissioned) checks.signing = 'skip';
  else if (target.missedCheckpoints >= ctx.missedCheckpointsToFail) {
    checks.signing = 'fail';
    reasons.push(`does not sign checkpoints (free rider): missing from the last ${target.missedCheckpoints} landed checkpoints`);
  } else checks.signing = 'pass';

  if (!target.url) {
    checks.reachable = 'fail';
    reasons.unshift('announces no URL');
  } else {
    requests++;
    const probe = await probePeer({ url: target.url, nodeKey: target.ed25519Key, chainId: ctx.chainId, timeoutMs: ctx.timeoutMs });
    if (!probe.ok && (probe.reason === 'unreachable' || probe.reason === 'timeout')) {
      checks.reachable = 'fail';
      reasons.unshift(`unreachable at ${target.url}: ${probe.detail}`);
    } else {
      checks.reachable = 'pass';
      checks.keys = probe.ok ? 'pass' : 'fail';
      if (!probe.ok) reasons.push(`keys: ${probe.reason}: ${probe.detail}`);
      // Only ask for the ledger of a node that proved who it is.
      if (probe.ok) {
        requests++;
        const ledger = await checkLedgerAt(target.url, ctx.commonBlock, ctx.ourRootAt(ctx.commonBlock), ctx.timeoutMs);
        checks.ledger = ledger.result;
        if (ledger.result === 'fail') reasons.push(ledger.reason);
        if (ctx.storage) {
          // The loop records this target's requests once it is done: count those made so far.
          const storage = await ctx.storage.check(target, (n) => ctx.storage!.afford(requests + n));
          requests += storage.requests;
          if (storage.outOfBudget) return { ok: false, checks, reason: 'untested: out of request budget', requests, untested: true };
          checks.storage = storage.result;
          if (storage.result === 'fail' && storage.reason) reasons.push(storage.reason);
        }
      }
    }
  }
  const ok = !Object.values(checks).includes('fail');
  return { ok, checks, reason: ok ? null : reasons.join('; ').slice(0, 300), requests };
}
