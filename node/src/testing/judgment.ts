/**
 * Judgment from signed reports (pure). A node is FAILING when, in every completed period of
 * the last decommissionAfterSec, at least `votesNeeded` of its assigned testers signed a
 * failure; PASSING (ready for recommission) when, in every completed period of the last
 * recommissionAfterSec, at least `votesNeeded` signed a pass. A missing report is neither: a
 * tester that was down or whose report was lost can delay a judgment, never make one. "Every
 * period" is what keeps blips out: a node that answers again for one period is not failing,
 * however long its outage was before.
 */
import type { MembershipRules } from '../../../sdk/src/network/rules.ts';

export type Votes = { fails: number; passes: number };

export type Judgment = {
  failing: boolean;
  passing: boolean;
  /** The periods judged (completed ones: from … to, inclusive). */
  failWindow: { from: number; to: number };
  passWindow: { from: number; to: number };
  votesNeeded: number;
  /** The first period (newest first) that broke each verdict, for the operator. */
  why: { failing: string; passing: string };
};

/** Completed periods in a window of `sec` seconds ending before `currentPeriod`. */
export function windowOf(currentPeriod: number, sec: number, testPeriodSec: number) {
  const count = Math.max(1, Math.ceil(sec / testPeriodSec));
  return { from: currentPeriod - count, to: currentPeriod - 1 };
}

function everyPeriod(from: number, to: number, ok: (p: number) => boolean): number | null {
  for (let p = to; p >= from; p--) if (!ok(p)) return p;
  return null;
}

export function judge(input: {
  votes: (period: number) => Votes;
  currentPeriod: number;
  rules: Pick<MembershipRules, 'testPeriodSec' | 'decommissionAfterSec' | 'recommissionAfterSec'>;
  votesNeeded: number;
  /** Periods before this one are not judged (before it was watched at all, e.g. before activation); the verdict waits. */
  firstPeriod?: number;
}): Judgment {
  const { votes, votesNeeded } = input;
  const failWindow = windowOf(input.currentPeriod, input.rules.decommissionAfterSec, input.rules.testPeriodSec);
  const passWindow = windowOf(input.currentPeriod, input.rules.recommissionAfterSec, input.rules.testPeriodSec);
  const tooEarly = (from: number) => input.firstPeriod !== undefined && from < input.firstPeriod;
  const badFail = everyPeriod(failWindow.from, failWindow.to, (p) => votes(p).fails >= votesNeeded);
  const badPass = everyPeriod(passWindow.from, passWindow.to, (p) => votes(p).passes >= votesNeeded);
  const failing = votesNeeded > 0 && badFail === null && !tooEarly(failWindow.from);
  const passing = votesNeeded > 0 && badPass === null && !tooEarly(passWindow.from);
  const describe = (bad: number | null, kind: 'fails' | 'passes', from: number) =>
    votesNeeded === 0
      ? 'no testers'
      : bad !== null
        ? `period ${bad}: ${votes(bad)[kind]} of ${votesNeeded} needed ${kind === 'fails' ? 'failure' : 'pass'} reports`
        : tooEarly(from)
          ? 'not watched for a whole window yet'
          : 'every period of the window';
  return { failing, passing, failWindow, passWindow, votesNeeded, why: { failing: describe(badFail, 'fails', failWindow.from), passing: describe(badPass, 'passes', passWindow.from) } };
}
