/** The gateway's portal index: paging, bounded limits, status filters, refusals (no chain needed: pure functions over node states). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../core/http/errors.ts';
import type { NodeState } from '../../core/state/network-state.ts';
import { MAX_PAGE, DEFAULT_PAGE } from '../../sdk/src/network/portal-api.ts';
import { addressIndex, apiStatus, countByStatus, page, pageParams, statusParam, type HealthSources } from '../src/portal-index.ts';
import { createCheckpointClock } from '../src/checkpoint-clock.ts';

const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';
const node = (id: number, over: Partial<NodeState> = {}): NodeState => ({
  nodeId: BigInt(id), operator: A, feeBps: 500, stakeRequired: 100n, autoActivate: false, blsKey: { x: 1n, y: 2n }, ed25519Key: `0x${String(id).padStart(64, '0')}`,
  status: 'running', contributors: [{ address: A, beneficiary: A, amount: 100n, lastContributionAt: 1 }], reserved: [], openedAt: 1, activatedAt: 2,
  exitRequestedAt: null, unlockAt: null, deregisteredAt: null, releaseAt: null, exitedAt: null, returned: [], identityProblem: null,
  decommissionedAt: null, missedCheckpoints: 0, downtimes: [], ...over,
});
const q = (s: string) => new URLSearchParams(s);
const refused = (f: () => unknown, code: string) => assert.throws(f, (e: unknown) => e instanceof HttpError && e.status === 400 && e.error === code && e.reason.length > 10);
const health: HealthSources = { announcement: () => undefined, benched: () => false, lastRound: () => ({ signers: [1n], nonSigners: [2n] }) };

describe('portal index', () => {
  it('pages in id order after the cursor, with the next cursor and the total', () => {
    const nodes = [5, 1, 3, 2, 4].map((i) => node(i));
    const p1 = page(nodes, 0n, 2);
    assert.deepEqual(p1.items.map((n) => n.nodeId), [1n, 2n]);
    assert.equal(p1.nextCursor, '2');
    assert.equal(p1.total, 5);
    const p3 = page(nodes, 4n, 2);
    assert.deepEqual(p3.items.map((n) => n.nodeId), [5n]);
    assert.equal(p3.nextCursor, null);
  });

  it('bounds limit and checks cursor and status, refusing with a code and a reason', () => {
    assert.deepEqual(pageParams(q('')), { limit: DEFAULT_PAGE, after: 0n });
    assert.deepEqual(pageParams(q(`limit=${MAX_PAGE}&cursor=7`)), { limit: MAX_PAGE, after: 7n });
    for (const bad of [`limit=${MAX_PAGE + 1}`, 'limit=0', 'limit=-3', 'limit=1.5', 'limit=abc']) refused(() => pageParams(q(bad)), 'invalid_limit');
    for (const bad of ['cursor=x', 'cursor=-1']) refused(() => pageParams(q(bad)), 'invalid_cursor');
    assert.equal(statusParam(q('status=running')), 'running');
    assert.equal(statusParam(q('')), undefined);
    refused(() => statusParam(q('status=asleep')), 'invalid_status');
  });

  it('splits an exit request by chain time and counts every status', () => {
    const exiting = node(1, { status: 'exitRequested', exitRequestedAt: 10, unlockAt: 100 });
    assert.equal(apiStatus(exiting, 50), 'unlocking');
    assert.equal(apiStatus(exiting, 100), 'exitRequested');
    const counts = countByStatus([exiting, node(2), node(3, { status: 'awaitingContributions' })], 50);
    assert.equal(counts.unlocking, 1);
    assert.equal(counts.running, 1);
    assert.equal(counts.awaitingContributions, 1);
    assert.equal(counts.exited, 0);
  });

  it('lists an address: stakes, reservations, withdrawals and returns, and the nodes they are in', () => {
    const nodes = [
      node(1, { contributors: [{ address: A, beneficiary: A, amount: 50n, lastContributionAt: 1 }, { address: B, beneficiary: B, amount: 50n, lastContributionAt: 1 }] }),
      node(2, { status: 'awaitingContributions', reserved: [{ address: B, amount: 30n }] }),
      node(3, { status: 'exited', returned: [{ address: B, amount: 40n }] }),
      node(4, { status: 'awaitingContributions', withdrawn: [{ address: B, amount: 20n }] }),
      node(5),
    ];
    const b = addressIndex(nodes, B, 10, health);
    assert.deepEqual(b.nodes.map((n) => n.nodeId), ['1', '2', '3', '4']);
    assert.deepEqual(b.stakes.map((s) => [s.nodeId, s.amount]), [['1', '50']]);
    assert.deepEqual(b.reservations, [{ nodeId: '2', amount: '30' }]);
    assert.deepEqual(b.history.map((h) => `${h.kind}:${h.nodeId}:${h.amount}`), ['contributed:1:50', 'returned:3:40', 'withdrawn:4:20']);
    assert.equal(b.nodes[0]!.health.signedLastRound, true);
  });

  it('estimates the next checkpoint from the last two it saw, and says its basis', () => {
    const clock = createCheckpointClock(15_000);
    assert.equal(clock.next(null, 0).estimatedAt, null);
    assert.match(clock.next({ epoch: 1n, time: 1000 }, 1000).basis, /15 s/);
    const next = clock.next({ epoch: 2n, time: 1600 }, 1700);
    assert.equal(next.estimatedAt, 2200);
    assert.match(next.basis, /600 s/);
  });
});
