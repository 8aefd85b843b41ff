/**
 * Commission rounds pick what to ask the network to sign from a few nodes' proposals:
 * malformed proposals are ignored, the one most sources made for the registry's current round
 * wins, ties go to the smaller change, and "nothing to change" starts no round.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createJsonServer, reply, route, type JsonServer } from '../http/server.ts';
import { fetchProposals, parseProposal, pickProposal, runCommissionRound } from '../rounds/commission.ts';

const servers: JsonServer[] = [];
after(async () => {
  for (const s of servers) await s.close(100);
});

const proposal = (round: bigint, decommission: bigint[], recommission: bigint[] = [], evidence: unknown[] = []) => ({ round, decommission, recommission, evidence });

describe('commission proposals', () => {
  it('parses only well-formed proposals', () => {
    assert.deepEqual(parseProposal({ round: '3', decommission: ['2', '9'], recommission: [], evidence: [{ r: 1 }] }), proposal(3n, [2n, 9n], [], [{ r: 1 }]));
    assert.match(parseProposal({ round: '3', decommission: [], recommission: [], evidence: {} }) as string, /evidence must be a list/);
    assert.match(parseProposal({ round: 3, decommission: [], recommission: [] }) as string, /round must be a decimal string/);
    assert.match(parseProposal({ round: '3', decommission: ['9', '2'], recommission: [] }) as string, /strictly increasing/);
    assert.match(parseProposal({ round: '3', decommission: ['2', '2'], recommission: [] }) as string, /strictly increasing/);
    assert.match(parseProposal({ round: '3', decommission: ['-1'], recommission: [] }) as string, /decimal node ids/);
    assert.match(parseProposal({ round: '3', decommission: [], recommission: 'all' }) as string, /recommission must be a list/);
    assert.equal(parseProposal(null), 'not an object');
  });

  it('picks the most supported proposal for the current round; ties → the smaller change', () => {
    const picked = pickProposal([proposal(4n, [5n]), proposal(4n, [5n, 7n]), proposal(4n, [5n]), proposal(3n, [1n]), proposal(3n, [1n]), proposal(3n, [1n])], 4n);
    assert.deepEqual(picked, { proposal: proposal(4n, [5n]), support: 2 }, 'round 3 proposals are stale whatever their support');
    assert.deepEqual(pickProposal([proposal(4n, [5n, 7n]), proposal(4n, [5n])], 4n)?.proposal, proposal(4n, [5n]));
    // The supporters' evidence is merged, each report once.
    assert.deepEqual(pickProposal([proposal(4n, [5n], [], [{ a: 1 }]), proposal(4n, [5n], [], [{ a: 1 }, { b: 2 }])], 4n)?.proposal.evidence, [{ a: 1 }, { b: 2 }]);
    assert.equal(pickProposal([proposal(4n, []), proposal(4n, [])], 4n), undefined, 'nothing to change: no round');
  });

  it('asks a bounded number of sources and skips the broken ones', async () => {
    const hits: number[] = [];
    const bodies: unknown[] = [{ round: '2', decommission: ['8'], recommission: [] }, { round: '2', decommission: ['8'], recommission: [] }, { nonsense: true }, 'x'];
    const refs = [];
    for (const [i, body] of bodies.entries()) {
      const api = createJsonServer({ rateLimit: false, routes: [route('GET', '/network/commission', () => (hits.push(i), typeof body === 'string' ? reply(500, { error: 'internal', reason: 'down' }) : body))] });
      servers.push(api);
      refs.push({ id: String(i), url: (await api.listen(0)).url });
    }
    const all = await fetchProposals(refs, 10, 2_000);
    assert.deepEqual(all, [proposal(2n, [8n]), proposal(2n, [8n])]);
    hits.length = 0;
    await fetchProposals(refs, 2, 2_000);
    assert.equal(hits.length, 2, 'only `count` sources are asked');
  });

  it('a round with nothing to change asks nobody to sign', async () => {
    const api = createJsonServer({ rateLimit: false, routes: [route('GET', '/network/commission', () => ({ round: '0', decommission: [], recommission: [], evidence: [] }))] });
    servers.push(api);
    const { url } = await api.listen(0);
    let rounds = 0;
    const result = await runCommissionRound({
      refs: [{ id: 'a', url }],
      currentRound: async () => 0n,
      chainNow: async () => 1_000,
      round: async () => {
        rounds++;
        throw new Error('must not be called');
      },
      submit: async () => 'never',
      timeoutMs: 2_000,
    });
    assert.deepEqual(result, { outcome: 'nothing', round: 0n, proposals: 1 });
    assert.equal(rounds, 0);
  });
});
