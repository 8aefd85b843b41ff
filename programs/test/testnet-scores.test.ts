import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getAddress, keccak256, toHex, type Address } from 'viem';
import type { ActivityRecord } from '../testnet/activity.ts';
import { emptyState, isEligible, redeemInvite } from '../testnet/eligibility.ts';
import { InviteError, inviteCode, inviteCodes, MAX_INVITES, verifyInviteCode } from '../testnet/invites.ts';
import { runTestnetScores } from '../testnet/run.ts';
import { scoreActions, scoreParticipants, SCORING, UPTIME_CAP, UPTIME_POINTS } from '../testnet/score.ts';
import { BadInputError } from '../lib/errors.ts';
import { A, B, C, tempDir } from './helpers.ts';

const addr = (i: number): Address => getAddress(keccak256(toHex(`t${i}`)).slice(0, 42));
const day = (d: number) => 1_735_689_600 + d * 86_400;
const rec = (address: Address, action: ActivityRecord['action'], extra: Partial<ActivityRecord> = {}): ActivityRecord => ({ address, action, time: day(0), ...extra });

describe('Testnet Incentive Program', () => {
  it('caps points per action and never scales with stake', () => {
    const many = Array.from({ length: 50 }, (_, i) => rec(A, 'register', { node: `n${i}`, amount: BigInt(i) * 10n ** 18n }));
    assert.equal(scoreActions(many), SCORING.register.cap * SCORING.register.points);
    const sameNode = Array.from({ length: 5 }, () => rec(A, 'contribute', { node: 'n1', amount: 10n ** 20n }));
    assert.equal(scoreActions(sameNode), SCORING.contribute.points, 'contributions count once per node, whatever the amount');
    const claimsOneDay = Array.from({ length: 5 }, (_, i) => rec(A, 'claim', { time: day(0) + i }));
    assert.equal(scoreActions(claimsOneDay), SCORING.claim.points, 'one claim per day counts');
  });

  it('scores uptime only for nodes the address operates, capped per operator', () => {
    const uptime = (node: string, d: number, bps = 9_990) => rec(A, 'uptime', { node, time: day(d), uptime: bps });
    assert.equal(scoreActions([uptime('x', 1)]), 0, 'not the operator of x');
    const reg = rec(A, 'register', { node: 'x' });
    assert.equal(scoreActions([reg, uptime('x', 1), uptime('x', 1), uptime('x', 2, 5_000)]), SCORING.register.points + UPTIME_POINTS);
    const lots = Array.from({ length: 10 }, (_, n) => [rec(A, 'register', { node: `m${n}` }), ...Array.from({ length: 300 }, (_, d) => uptime(`m${n}`, d))]).flat();
    assert.equal(scoreActions(lots), SCORING.register.cap * SCORING.register.points + UPTIME_CAP);
  });

  it('clusters addresses funded from the same source and counts them once', () => {
    const faucet = addr(999);
    const records = [
      rec(A, 'name', { fundedBy: C, time: day(1) }),
      rec(B, 'name', { fundedBy: C, time: day(0) }),
      rec(addr(1), 'name', { fundedBy: faucet }),
      rec(addr(2), 'name', { fundedBy: faucet }),
    ];
    const rows = scoreParticipants(records, { isEligible: () => true, ignoreFunders: new Set([faucet]) });
    const cluster = rows.find((r) => r.members.includes(A))!;
    assert.equal(cluster.address, B, 'paid to the member active first');
    assert.deepEqual(new Set(cluster.members), new Set([A, B]));
    assert.equal(cluster.score, BigInt(2 * SCORING.name.points), 'pooled actions under one cap');
    assert.equal(rows.length, 3, 'faucet-funded addresses are not clustered');
    // Splitting the same actions over more sybil addresses never scores more than one address doing them.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), (sybils, names) => {
        const spread = Array.from({ length: names }, (_, i) => rec(addr(100 + (i % sybils)), 'name', { fundedBy: C, time: day(i) }));
        const total = scoreParticipants(spread, { isEligible: () => true }).reduce((s, r) => s + r.score, 0n);
        assert.equal(total, BigInt(scoreActions(spread.map((r) => ({ ...r, address: A })))));
      }),
    );
    assert.equal(scoreParticipants(records, { isEligible: (a) => a === A }).length, 1, 'only eligible addresses count');
  });

  it('invite codes: derived per inviter, bounded, tamper-evident, single use, only from eligible inviters', () => {
    const secret = new Uint8Array(32).fill(1);
    const codes = inviteCodes(secret, A);
    assert.equal(codes.length, MAX_INVITES);
    assert.deepEqual(verifyInviteCode(secret, codes[2]!), { inviter: A, k: 2 });
    assert.throws(() => verifyInviteCode(new Uint8Array(32).fill(2), codes[0]!), InviteError);
    assert.throws(() => inviteCode(secret, A, MAX_INVITES), InviteError);
    const state = emptyState(1, [A]);
    assert.throws(() => redeemInvite(state, secret, codes[0]!, B, 1), /stage 2/);
    state.stage = 2;
    redeemInvite(state, secret, codes[0]!, B, 1);
    assert.ok(isEligible(state, B));
    assert.throws(() => redeemInvite(state, secret, codes[0]!, C, 1), /already used/);
    assert.throws(() => redeemInvite(state, secret, inviteCodes(secret, C)[0]!, addr(5), 1), /not eligible/);
    assert.throws(() => redeemInvite(state, secret, codes[1]!, A, 1), /own invite/);
    assert.ok(!isEligible(state, C));
    assert.ok(isEligible({ ...state, stage: 3 }, C), 'stage 3 is public');
  });

  it('scores a file into a distribution, and reports bad rows with file:line', async () => {
    const dir = tempDir();
    const file = join(dir, 'activity.jsonl');
    const lines = [
      { address: A, action: 'register', time: day(0), node: 'n1' },
      { address: B, action: 'pro', time: '2025-01-02T00:00:00Z' },
    ].map((r) => JSON.stringify(r));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await runTestnetScores({ activity: [file], state: emptyState(3), total: 1_000_000n, ignoreFunders: [], outDir: dir });
    const csv = readFileSync(join(dir, 'scores.csv'), 'utf8');
    assert.match(csv, new RegExp(`${A},100,${A},666667,`));
    assert.match(csv, new RegExp(`${B},50,${B},333333,`));
    assert.match(result.root, /^0x[0-9a-f]{64}$/);
    writeFileSync(file, `${lines[0]}\n{"address":"${A}","action":"dance","time":1}\n{"address":"${A}","action":"exit","time":1}\n`);
    await assert.rejects(runTestnetScores({ activity: [file], state: emptyState(3), total: 1n, ignoreFunders: [], outDir: dir }), (e: unknown) =>
      e instanceof BadInputError && /activity\.jsonl:2: action must be one of/.test(e.message) && /activity\.jsonl:3: action exit needs a node/.test(e.message),
    );
  });
});
