import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusyError, createSharedRounds, type SignKind, type Signed } from '../rounds/shared-rounds.ts';
import type { RoundReport } from '../rounds/round.ts';

const report = (ok: boolean): RoundReport => ({ ok, activeNodes: 3, required: 2, signers: [], nonSigners: [], invalid: [], refusals: [], unreachable: [], skipped: [], ms: 0, answersMs: 0 });

/** A controllable round runner: counts calls, tracks concurrency, resolves on demand. */
function harness(options: { ok?: boolean; maxPerWindow?: number } = {}) {
  let wall = 1_000_000;
  let chain = 5_000;
  const calls: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const pending: (() => void)[] = [];
  const rounds = createSharedRounds({
    run: async (kind: SignKind, nodeId: bigint): Promise<Signed> => {
      calls.push(`${kind}:${nodeId}`);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => pending.push(r));
      running--;
      return { report: report(options.ok ?? true), signedAt: chain };
    },
    chainNow: async () => chain,
    freshSeconds: 240,
    retryMs: 5_000,
    maxPerWindow: options.maxPerWindow ?? 8,
    now: () => wall,
  });
  const tick = () => new Promise((r) => setImmediate(r));
  const finishAll = async () => {
    for (let i = 0; i < 50 && (pending.length > 0 || running > 0); i++) {
      pending.splice(0).forEach((r) => r());
      await tick();
    }
  };
  return {
    rounds,
    calls,
    maxRunning: () => maxRunning,
    pending,
    tick,
    finishAll,
    advanceWall: (ms: number) => (wall += ms),
    advanceChain: (s: number) => (chain += s),
  };
}

describe('shared signing rounds (outside exit / deregistration signatures)', () => {
  it('concurrent callers of one question share one round', async () => {
    const h = harness();
    const answers = Promise.all(Array.from({ length: 50 }, () => h.rounds.outside('deregistration', 5n)));
    await h.tick();
    await h.finishAll();
    const all = await answers;
    assert.equal(h.calls.length, 1);
    assert.ok(all.every((a) => a === all[0]));
  });

  it('a signature is served from cache while fresh in chain time, then signed again', async () => {
    const h = harness();
    const first = h.rounds.outside('exit', 2n);
    await h.tick();
    await h.finishAll();
    const signed = await first;
    h.advanceChain(200);
    h.advanceWall(60_000);
    assert.equal(await h.rounds.outside('exit', 2n), signed, 'still fresh: same signature');
    assert.equal(h.calls.length, 1);
    h.advanceChain(41); // 241 s after signedAt: too old to hand out
    const again = h.rounds.outside('exit', 2n);
    await h.tick();
    await h.finishAll();
    assert.notEqual(await again, signed);
    assert.equal(h.calls.length, 2);
  });

  it('a round without quorum is the answer for the retry interval, then asked again', async () => {
    const h = harness({ ok: false });
    const first = h.rounds.outside('deregistration', 3n);
    await h.tick();
    await h.finishAll();
    const failed = await first;
    assert.equal(failed.report.ok, false);
    h.advanceWall(4_999);
    assert.equal(await h.rounds.outside('deregistration', 3n), failed);
    assert.equal(h.calls.length, 1);
    h.advanceWall(1);
    const again = h.rounds.outside('deregistration', 3n);
    await h.tick();
    await h.finishAll();
    await again;
    assert.equal(h.calls.length, 2);
  });

  it('outside rounds run one at a time and wait for the gateway own rounds, which never wait', async () => {
    const h = harness();
    let releaseOwn!: () => void;
    const own = h.rounds.own(() => new Promise<string>((r) => (releaseOwn = () => r('own done'))));
    const outside = [1n, 2n, 3n].map((id) => h.rounds.outside('deregistration', id));
    await h.tick();
    assert.equal(h.calls.length, 0, 'no outside round while an own round runs');
    releaseOwn();
    assert.equal(await own, 'own done');
    await h.tick();
    assert.equal(h.calls.length, 1, 'then one outside round');
    // An own round starts at once even while an outside round runs.
    let ownRan = false;
    const second = h.rounds.own(async () => (ownRan = true));
    await second;
    assert.equal(ownRan, true);
    await h.finishAll();
    await Promise.all(outside);
    assert.equal(h.calls.length, 3);
    assert.equal(h.maxRunning(), 1, 'never two outside rounds at once');
  });

  it('beyond the distinct questions allowed per window, callers get 429 busy with a retry time', async () => {
    const h = harness({ maxPerWindow: 2 });
    const a = h.rounds.outside('deregistration', 1n);
    const b = h.rounds.outside('deregistration', 2n);
    await assert.rejects(h.rounds.outside('deregistration', 3n), (e: unknown) => {
      assert.ok(e instanceof BusyError);
      assert.equal(e.status, 429);
      assert.equal(e.error, 'busy');
      assert.match(e.reason, /retry in \d+ s/);
      assert.equal(e.headers['retry-after'], '5');
      return true;
    });
    // Asking an already running question again is not a new question.
    const shared = h.rounds.outside('deregistration', 1n);
    await h.finishAll();
    assert.equal(await shared, await a);
    await b;
    assert.equal(h.calls.length, 2, 'the refused question started nothing');
    h.advanceWall(5_000);
    const c = h.rounds.outside('deregistration', 3n);
    await h.tick();
    await h.finishAll();
    await c;
    assert.equal(h.calls.length, 3);
  });

  it('the gateway own signature reuses a fresh cached one but is never refused', async () => {
    const h = harness({ maxPerWindow: 1 });
    const first = h.rounds.outside('deregistration', 4n);
    await h.tick();
    await h.finishAll();
    const signed = await first;
    assert.equal(await h.rounds.sign('deregistration', 4n), signed);
    const other = h.rounds.sign('deregistration', 9n); // over the outside limit: own is not limited
    await h.tick();
    await h.finishAll();
    assert.equal((await other).report.ok, true);
    assert.equal(h.calls.length, 2);
  });
});
