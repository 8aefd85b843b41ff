/**
 * Hung nodes are bounded: with 3% of ~100 nodes never answering, a round must take at most
 * 1.5× as long as the same round with none (fanout.ts: stragglers get a grace after quorum),
 * while every healthy node still lands among the responders. Ratios only: the machine is shared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fanOut, type NodeRef, type RoundResult } from '../rounds/fanout.ts';
import { postJsonCall } from '../rounds/http-call.ts';
import { startAnswerNodes } from './helpers/answer-fleet.ts';

const startNodes = async (modes: string[]): Promise<string[]> => (await startAnswerNodes(modes)).urls;

const nonce = 'hung-1';
const round = (nodes: NodeRef[], extra: Partial<Parameters<typeof fanOut<{ echo: string }>>[0]> = {}) =>
  fanOut<{ echo: string }>({
    nodes,
    call: postJsonCall('/sign', { nonce }),
    validate: (_n, v) => (v?.echo === nonce ? true : 'wrong echo'),
    timeoutMs: 10_000, // the gateway's default per-node timeout: what a hung node used to cost
    ...extra,
  });
const timed = async (nodes: NodeRef[]) => {
  const started = Date.now();
  const r = await round(nodes);
  return { r, ms: Date.now() - started };
};
const ids = (list: { node: NodeRef }[]) => list.map((e) => e.node.id).sort();
// The fastest of several runs: noise from other processes on a shared machine only adds time.
const fastest = (xs: number[]) => Math.min(...xs);

describe('a round with hung nodes', () => {
  it('with 3 of 100 nodes hung takes ≤ 1.5× the round with none, and no healthy node is cut', async () => {
    // 100 healthy nodes (150 ms each) and 3 that never answer, all in one process.
    const urls = await startNodes([...Array.from({ length: 100 }, () => 'good-delay'), 'hang', 'hang', 'hang']);
    const healthy = urls.slice(0, 100).map((url, i) => ({ id: `n${i}`, url }));
    const hung = urls.slice(100).map((url, i) => ({ id: `h${i}`, url }));
    // Same size, 3% replaced by hung nodes, spread over the order (first, middle, late wave).
    const withHung = [...healthy];
    withHung[0] = hung[0]!;
    withHung[50] = hung[1]!;
    withHung[90] = hung[2]!;
    await round(healthy); // warm up connections and the JIT for both
    const none: number[] = [];
    const some: number[] = [];
    let last: RoundResult<{ echo: string }> | undefined;
    for (let i = 0; i < 3; i++) {
      const a = await timed(healthy);
      assert.equal(a.r.responders.length, 100);
      none.push(a.ms);
      const b = await timed(withHung);
      some.push(b.ms);
      last = b.r;
    }
    const ratio = fastest(some) / fastest(none);
    console.log(`round with none hung: ${none.join('/')} ms, with 3 hung: ${some.join('/')} ms, ratio ${ratio.toFixed(2)} (fastest of 3 each)`);
    assert.ok(ratio <= 1.5, `hung round ${fastest(some)} ms vs ${fastest(none)} ms: ratio ${ratio.toFixed(2)} > 1.5`);
    assert.ok(last!.ok);
    assert.deepEqual(ids(last!.nonResponders), ['h0', 'h1', 'h2']);
    for (const n of last!.nonResponders) assert.match(n.reason, /after the round reached quorum \(cut early\)/);
    assert.equal(last!.responders.length, 97, 'every healthy node answered and counts');
    assert.deepEqual([...ids(last!.responders), ...ids(last!.refusers), ...ids(last!.nonResponders), ...ids(last!.skipped)].sort(), withHung.map((n) => n.id).sort(), 'every node in exactly one list');
  });

  it('without early finish the same round waits for the hung nodes\' full timeout', async () => {
    const urls = await startNodes(['good', 'good', 'good', 'hang']);
    const nodes = urls.map((url, i) => ({ id: `n${i}`, url }));
    const started = Date.now();
    const r = await round(nodes, { timeoutMs: 1_500, finishEarly: false });
    assert.ok(Date.now() - started >= 1_500, 'waited for the timeout');
    assert.match(r.nonResponders[0]!.reason, /no answer within 1500 ms/);
    const early = Date.now();
    const r2 = await round(nodes, { timeoutMs: 1_500 });
    assert.ok(Date.now() - early < 1_500, 'the early finish did not wait for the timeout');
    assert.deepEqual(ids(r2.responders), ['n0', 'n1', 'n2']);
  });

  it('nodes asked after the quorum was reached are still asked and count', async () => {
    // Concurrency 2 over 6 nodes: quorum (4) is in after the second wave; the third wave starts
    // after it and must still be asked and counted, not dropped as "not needed".
    const urls = await startNodes(Array.from({ length: 6 }, () => 'good-delay'));
    const nodes = urls.map((url, i) => ({ id: `n${i}`, url }));
    const r = await round(nodes, { timeoutMs: 3_000, concurrency: 2, graceFloorMs: 50 });
    assert.deepEqual(ids(r.responders), nodes.map((n) => n.id).sort());
    assert.equal(r.nonResponders.length, 0);
  });
});
