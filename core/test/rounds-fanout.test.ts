import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCooldownRegistry } from '../rounds/cooldown.ts';
import { fanOut, type NodeRef, type RoundResult } from '../rounds/fanout.ts';
import { postJsonCall } from '../rounds/http-call.ts';
import { hasQuorum, quorumThreshold } from '../rounds/quorum.ts';
import { startAnswerNodes, type Fleet } from './helpers/answer-fleet.ts';

const startNodes = (...modes: string[]): Promise<Fleet> => startAnswerNodes(modes);
const stats = async (fleet: Fleet) => (await (await fetch(`${fleet.urls[0]}/stats`)).json()) as { hits: Record<string, number>; maxInFlight: number };
const nonce = 'n-42';
const round = (nodes: NodeRef[], extra: Partial<Parameters<typeof fanOut<{ echo: string }>>[0]> = {}) =>
  fanOut<{ echo: string }>({
    nodes,
    call: postJsonCall('/sign', { nonce }),
    validate: (_node, value) => (value?.echo === nonce ? true : `echoed ${JSON.stringify(value?.echo)}, expected ${nonce}`),
    // Generous: a loaded 2-core CI machine can be slow to answer; only the 10 s node times out.
    timeoutMs: 3_000,
    ...extra,
  });
const ids = (list: { node: NodeRef }[]) => list.map((e) => e.node.id);
/** Every node is in exactly one list. */
const assertPartition = (r: RoundResult<unknown>, nodes: NodeRef[]) =>
  assert.deepEqual([...ids(r.responders), ...ids(r.refusers), ...ids(r.nonResponders), ...ids(r.skipped)].sort(), nodes.map((n) => n.id).sort());


describe('quorum (integers)', () => {
  it('needs valid·3 ≥ total·2', () => {
    assert.equal(hasQuorum(3, 4), true);
    assert.equal(hasQuorum(2, 4), false);
    assert.equal(hasQuorum(2, 3), true);
    assert.equal(hasQuorum(1, 3), false);
    assert.equal(hasQuorum(1, 1), true);
    assert.equal(hasQuorum(0, 0), false, 'no nodes, no quorum');
    assert.equal(hasQuorum(67, 100), true);
    assert.equal(hasQuorum(66, 100), false);
    assert.equal(hasQuorum(1334, 2000), true);
    assert.equal(hasQuorum(1333, 2000), false);
    for (let n = 1; n <= 300; n++) {
      const t = quorumThreshold(n);
      assert.ok(hasQuorum(t, n) && !hasQuorum(t - 1, n), `threshold for ${n} is ${t}`);
    }
    assert.throws(() => hasQuorum(5, 4), RangeError);
  });
});

describe('gateway fan-out over real node processes', () => {
  it('a node killed with kill -9 is a non-responder and the round still completes (3 of 4)', async () => {
    const healthy = await startNodes('good', 'good', 'good');
    const doomed = await startNodes('good');
    const nodes = [...healthy.urls, ...doomed.urls].map((url, i) => ({ id: `n${i}`, url }));
    const before = await round(nodes);
    assert.equal(before.responders.length, 4);
    doomed.child.kill('SIGKILL');
    await new Promise((r) => doomed.child.once('exit', r));
    const r = await round(nodes);
    assert.deepEqual(ids(r.responders), ['n0', 'n1', 'n2']);
    assert.deepEqual(ids(r.nonResponders), ['n3']);
    assert.match(r.nonResponders[0]!.reason, /fetch failed|ECONNREFUSED/);
    assert.equal(r.required, 3);
    assert.equal(r.ok, true);
    assertPartition(r, nodes);
  });

  it('2 of 4 valid is no quorum; refusals, timeouts and 500s are told apart', async () => {
    const fleet = await startNodes('good', 'good', 'refuse', 'slow', 'crash');
    const nodes = fleet.urls.map((url, i) => ({ id: `n${i}`, url }));
    const r = await round(nodes.slice(0, 4));
    assert.equal(r.ok, false);
    assert.deepEqual(ids(r.responders), ['n0', 'n1']);
    assert.deepEqual(r.refusers.map((x) => [x.node.id, x.kind, x.reason]), [['n2', 'refused', 'refused: not in my ledger']]);
    assert.deepEqual(ids(r.nonResponders), ['n3']);
    assert.match(r.nonResponders[0]!.reason, /no answer within 3000 ms/);
    const withCrash = await round([nodes[0]!, nodes[1]!, nodes[4]!]);
    assert.equal(withCrash.ok, true, '2 of 3 is a quorum');
    assert.deepEqual(ids(withCrash.nonResponders), ['n4']);
    assert.match(withCrash.nonResponders[0]!.reason, /HTTP 500/);
  });

  it('a node giving bad answers goes on cooldown, is skipped next round, and is asked again after', async () => {
    const fleet = await startNodes('good', 'good', 'good', 'bad');
    const nodes = fleet.urls.map((url, i) => ({ id: `n${i}`, url }));
    let t = 1_000_000; // a fixed clock: the test must not depend on how fast rounds run here
    const cooldowns = createCooldownRegistry({ durationMs: 300, maxMs: 10_000, now: () => t });
    const first = await round(nodes, { cooldowns });
    assert.deepEqual(first.refusers.map((x) => [x.node.id, x.kind]), [['n3', 'invalid']]);
    assert.match(first.refusers[0]!.reason, /echoed "wrong"/);
    assert.equal(first.ok, true);
    assert.equal(cooldowns.get('n3')?.strikes, 1);
    const second = await round(nodes, { cooldowns });
    assert.deepEqual(ids(second.skipped), ['n3']);
    assert.equal(second.ok, true, 'a skipped node still counts in the total: 3 of 4');
    assertPartition(second, nodes);
    assert.equal((await stats(fleet)).hits['3:bad'], 1, 'the node on cooldown was not asked');
    t += 301;
    const third = await round(nodes, { cooldowns });
    assert.deepEqual(third.refusers.map((x) => x.node.id), ['n3'], 'asked again once the cooldown ended');
    assert.equal(cooldowns.get('n3')?.strikes, 2);
    assert.equal(cooldowns.get('n3')!.until, t + 600, 'a repeat offence doubles the cooldown');
    assert.equal((await stats(fleet)).hits['3:bad'], 2);
  });

  it('never has more than `concurrency` calls in flight', async () => {
    const fleet = await startNodes('good-delay', 'good-delay', 'good-delay', 'good-delay', 'good-delay', 'good-delay');
    const nodes = fleet.urls.map((url, i) => ({ id: `n${i}`, url }));
    const started = Date.now();
    const r = await round(nodes, { concurrency: 2, timeoutMs: 1_000 });
    assert.equal(r.responders.length, 6);
    assert.equal((await stats(fleet)).maxInFlight, 2);
    assert.ok(Date.now() - started >= 3 * 150, 'three waves of two');
  });
});
