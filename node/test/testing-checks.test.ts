/**
 * The tester's checks against fake HTTP peers: a node claiming a future block, a wrong root,
 * a node behind, a dead one, an impostor, a free rider (its chain record says it never signs).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { generateEd25519Identity } from '../../core/keys/ed25519.ts';
import { createJsonServer, reply, route, type Route } from '../../core/http/server.ts';
import { peerTestRoute } from '../src/peers/http.ts';
import { checkLedgerAt, testTarget } from '../src/testing/checks.ts';

const CHAIN = 31337;
const B = 120;
const ROOT = `0x${'ab'.repeat(32)}` as const;
const OTHER = `0x${'cd'.repeat(32)}` as const;
const servers: { close: (ms?: number) => Promise<void> }[] = [];
after(async () => Promise.all(servers.map((s) => s.close(100))));

async function serve(routes: Route[]) {
  const api = createJsonServer({ routes, rateLimit: false });
  servers.push(api);
  return (await api.listen(0)).url;
}
const ledger = (answer: (block: number) => unknown) => route('GET', '/ledger/root', ({ query }) => answer(Number(query.get('block'))));

describe('ledger check at a common block', () => {
  it('a node claiming a future block fails; so does a wrong root or one behind; the honest one passes', async () => {
    const future = await serve([ledger((block) => ({ block: block + 100, root: ROOT }))]);
    const wrongRoot = await serve([ledger((block) => ({ block, root: OTHER }))]);
    const behind = await serve([ledger(() => reply(409, { error: 'behind', reason: 'processed up to 100' }))]);
    const honest = await serve([ledger((block) => ({ block, root: ROOT }))]);
    const fail = async (url: string) => {
      const r = await checkLedgerAt(url, B, ROOT, 1_000);
      return r.result === 'fail' ? r.reason : 'pass';
    };
    assert.match(await fail(future), /answered for block 220, asked 120/);
    assert.match(await fail(wrongRoot), /ledger root at block 120 is 0xcdcd.*ours is 0xabab/);
    assert.match(await fail(behind), /^behind: has not reached block 120/);
    assert.equal(await fail(honest), 'pass');
  });
});

describe('testing one target', () => {
  const ctx = { chainId: CHAIN, commonBlock: B, ourRootAt: () => ROOT, missedCheckpointsToFail: 3, timeoutMs: 500 };
  it('passes an honest node and names every failed check of the others', async () => {
    const id = generateEd25519Identity();
    const impostorKey = generateEd25519Identity();
    const good = await serve([peerTestRoute({ identity: id, chainId: CHAIN, ledgerRoot: () => 'x' }), ledger((block) => ({ block, root: ROOT }))]);
    const ahead = await serve([peerTestRoute({ identity: id, chainId: CHAIN, ledgerRoot: () => 'x' }), ledger((block) => ({ block: block + 5, root: OTHER }))]);
    const impostor = await serve([peerTestRoute({ identity: impostorKey, chainId: CHAIN, ledgerRoot: () => 'x' }), ledger((block) => ({ block, root: ROOT }))]);
    const target = (url: string | undefined, missedCheckpoints = 0) => ({ nodeId: 7n, ed25519Key: id.nodeId, missedCheckpoints, url });

    const ok = await testTarget(target(good), ctx);
    assert.deepEqual(ok, { ok: true, checks: { reachable: 'pass', keys: 'pass', ledger: 'pass', signing: 'pass', storage: 'skip' }, reason: null, requests: 2 });

    const a = await testTarget(target(ahead), ctx);
    assert.equal(a.ok, false);
    assert.equal(a.checks.ledger, 'fail');
    assert.match(a.reason!, /answered for block 125, asked 120/);

    const i = await testTarget(target(impostor), ctx);
    assert.deepEqual([i.checks.reachable, i.checks.keys, i.checks.ledger], ['pass', 'fail', 'skip']);
    assert.match(i.reason!, /keys: wrong_node/);

    const freeRider = await testTarget(target(good, 3), ctx);
    assert.deepEqual([freeRider.ok, freeRider.checks.signing, freeRider.checks.keys], [false, 'fail', 'pass']);
    assert.match(freeRider.reason!, /free rider/);
    assert.equal((await testTarget(target(good, 2), ctx)).ok, true, 'two missed checkpoints are not yet a failure');

    const none = await testTarget(target(undefined), ctx);
    assert.deepEqual([none.checks.reachable, none.requests], ['fail', 0]);
    assert.match(none.reason!, /announces no URL/);

    const dead = await testTarget(target('http://127.0.0.1:1'), ctx);
    assert.equal(dead.checks.reachable, 'fail');
    assert.match(dead.reason!, /unreachable at http:\/\/127.0.0.1:1/);
  });

  it('the storage slot: its result and requests count, it runs only for a node that proved its keys, within the budget', async () => {
    const id = generateEd25519Identity();
    const good = await serve([peerTestRoute({ identity: id, chainId: CHAIN, ledgerRoot: () => 'x' }), ledger((block) => ({ block, root: ROOT }))]);
    const target = { nodeId: 7n, ed25519Key: id.nodeId, missedCheckpoints: 0, url: good };
    const asked: number[] = [];
    const failing = {
      check: async (_t: unknown, afford: (n: number) => boolean) =>
        afford(2) ? { result: 'fail' as const, reason: 'storage: does not hold message x', requests: 2 } : { result: 'skip' as const, reason: 'budget', requests: 0, outOfBudget: true as const },
      afford: (n: number) => (asked.push(n), n <= 4),
    };
    const failed = await testTarget(target, { ...ctx, storage: failing });
    assert.deepEqual([failed.ok, failed.checks.storage, failed.requests], [false, 'fail', 4]);
    assert.match(failed.reason!, /storage: does not hold/);
    assert.deepEqual(asked, [4], 'the budget sees the two requests already made for this target');
    const tight = await testTarget(target, { ...ctx, storage: { ...failing, afford: (n: number) => n <= 3 } });
    assert.deepEqual([tight.untested, tight.requests], [true, 2], 'no budget: untested (no report), neither passed nor failed');
    const impostor = await serve([peerTestRoute({ identity: generateEd25519Identity(), chainId: CHAIN, ledgerRoot: () => 'x' })]);
    let ran = false;
    await testTarget({ ...target, url: impostor }, { ...ctx, storage: { check: async () => ((ran = true), { result: 'pass' as const, reason: null, requests: 1 }), afford: () => true } });
    assert.equal(ran, false, 'a node that did not prove its key is not storage-tested');
  });
});
