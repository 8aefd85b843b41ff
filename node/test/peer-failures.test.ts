/**
 * No slash for a blip: a peer becomes a vote to deregister only after failing every probe for
 * the whole window and a minimum number of probes; a success or a gap in our own probing
 * starts over; a newly activated peer has a grace period; a bad identity is a vote at once.
 * Pure functions first, then the loop against real HTTP peers with a controlled clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Address, Hex } from 'viem';
import type { TrackedBlock, TrackedEvent } from '../../core/chain/tracker.ts';
import { createJsonServer } from '../../core/http/server.ts';
import { generateEd25519Identity, type Ed25519Identity } from '../../core/keys/ed25519.ts';
import { emptyFailureState, graceUntil, keepPeers, recordProbe, standingOf, type FailurePolicy, type FailureState } from '../src/peers/failures.ts';
import { peerTestRoute } from '../src/peers/http.ts';
import { createPeerTester, ledgerRootString } from '../src/peers/loop.ts';
import { createNetworkConsumer } from '../../core/state/consumer.ts';
import { ed25519SignatureWords, signEd25519Registration } from '../../sdk/src/staking/ed25519-proof.ts';

const policy: FailurePolicy = { graceSec: 300, deregisterAfterSec: 60, minFailures: 5, maxGapSec: 30, probeIntervalSec: 10 };
const fail = (reason = 'timeout') => ({ ok: false as const, reason });
const noGrace = { graceUntil: null, identityProblem: null };

/** Probes `peer` every `step` seconds from `from` to `to` (inclusive) with `outcome`. */
function probes(state: FailureState, peer: string, from: number, to: number, step: number, inGrace = false, outcome: { ok: true } | { ok: false; reason: string } = fail()) {
  let s = state;
  for (let t = from; t <= to; t += step) s = recordProbe(s, peer, outcome, t, { inGrace, maxGapSec: policy.maxGapSec });
  return s;
}

describe('failure policy (pure)', () => {
  it('a peer is a candidate only after failing every probe for the whole window AND the minimum number of probes', () => {
    const s = probes(emptyFailureState(), 'a', 1_000, 1_050, 10); // 6 failures over 50 s
    const early = standingOf(s.get('a'), noGrace, policy, 1_050);
    assert.equal(early.candidate, false, '50 s < 60 s window');
    assert.equal(early.candidateAt, 1_060);
    assert.match(early.reason, /failed all 6 probes since 1000 \(last: timeout\); a candidate only after 60 s and 5 failed probes/);
    const s2 = probes(s, 'a', 1_060, 1_060, 10);
    const now = standingOf(s2.get('a'), noGrace, policy, 1_060);
    assert.equal(now.candidate, true);
    assert.match(now.reason, /a vote to deregister it/);
    assert.equal(now.candidateAt, 1_060);
    assert.equal(standingOf(s2.get('a'), noGrace, policy, 99_999).candidate, true, 'stays a candidate while it keeps failing');
  });

  it('a long window with too few probes is not enough', () => {
    // Probes every 20 s (within the gap limit): 4 failures span 60 s, but the minimum is 5.
    const s = probes(emptyFailureState(), 'a', 0, 60, 20);
    assert.equal(s.get('a')!.failures, 4);
    const st = standingOf(s.get('a'), noGrace, { ...policy, probeIntervalSec: 20 }, 60);
    assert.equal(st.candidate, false);
    assert.equal(st.candidateAt, 80, 'one more failed probe, 20 s on');
    assert.equal(standingOf(probes(s, 'a', 80, 80, 20).get('a'), noGrace, policy, 80).candidate, true);
  });

  it('one passing probe clears the streak; the reducer never mutates its input', () => {
    const failing = probes(emptyFailureState(), 'a', 0, 50, 10);
    const passed = recordProbe(failing, 'a', { ok: true }, 55, { inGrace: false, maxGapSec: 30 });
    assert.equal(passed.has('a'), false);
    assert.equal(failing.get('a')!.failures, 6, 'input unchanged');
    const again = probes(passed, 'a', 60, 110, 10);
    assert.deepEqual(again.get('a'), { failures: 6, firstFailureAt: 60, lastFailureAt: 110, lastReason: 'timeout' });
    assert.equal(standingOf(again.get('a'), noGrace, policy, 110).candidate, false, 'the window starts over at the first failure after the success');
    assert.equal(standingOf(undefined, noGrace, policy, 110).reason, 'passing');
  });

  it('a gap in our own probing (we were frozen) starts the streak over: nobody watched in between', () => {
    let s = probes(emptyFailureState(), 'a', 0, 20, 10);
    s = recordProbe(s, 'a', fail(), 20 + policy.maxGapSec + 1, { inGrace: false, maxGapSec: policy.maxGapSec });
    assert.deepEqual(s.get('a'), { failures: 1, firstFailureAt: 51, lastFailureAt: 51, lastReason: 'timeout' });
    s = probes(emptyFailureState(), 'a', 0, 20, 10);
    s = recordProbe(s, 'a', fail(), 20 + policy.maxGapSec, { inGrace: false, maxGapSec: policy.maxGapSec });
    assert.equal(s.get('a')!.failures, 4, 'exactly at the limit continues');
  });

  it('failures during the grace period do not count; the window starts at the first failure after it', () => {
    const graceEnd = 1_300;
    const peer = { graceUntil: graceEnd, identityProblem: null };
    let s = probes(emptyFailureState(), 'new', 1_000, 1_290, 10, true);
    assert.deepEqual(s.get('new'), { failures: 0, firstFailureAt: null, lastFailureAt: 1_290, lastReason: 'timeout' });
    const inGrace = standingOf(s.get('new'), peer, policy, 1_290);
    assert.equal(inGrace.candidate, false);
    assert.match(inGrace.reason, /newly activated: failures count only after its grace period ends at 1300/);
    assert.equal(inGrace.candidateAt, 1_300 + 60);
    s = probes(s, 'new', 1_300, 1_350, 10, false);
    assert.equal(s.get('new')!.firstFailureAt, 1_300);
    assert.equal(standingOf(s.get('new'), peer, policy, 1_350).candidate, false, '290 s of failures in grace + 50 s after: not yet');
    s = probes(s, 'new', 1_360, 1_360, 10, false);
    assert.equal(standingOf(s.get('new'), peer, policy, 1_360).candidate, true);
    assert.match(standingOf(undefined, peer, policy, 1_000).reason, /passing \(newly activated: in its grace period until 1300\)/);
  });

  it('a bad identity is a vote at once, in grace or passing, with that reason', () => {
    const clone = { graceUntil: 5_000, identityProblem: 'ed25519 key 0xab… is already held by node 3' };
    for (const f of [undefined, probes(emptyFailureState(), 'c', 0, 0, 10, true).get('c')]) {
      const st = standingOf(f, clone, policy, 100);
      assert.equal(st.candidate, true);
      assert.equal(st.reason, 'identity problem: ed25519 key 0xab… is already held by node 3');
      assert.equal(st.candidateAt, 100);
    }
  });

  it('grace: from the chain activation time, or from when this node first saw the peer active, whichever ends later', () => {
    const base = { graceSec: 120, now: 10_000 };
    assert.equal(graceUntil({ ...base, activatedAt: 500, chainNow: 560, firstSeenLiveAt: null }), 10_060, 'chain: 60 s of grace left');
    assert.equal(graceUntil({ ...base, activatedAt: 500, chainNow: 620, firstSeenLiveAt: null }), null, 'chain: over; a peer active when we started');
    assert.equal(graceUntil({ ...base, activatedAt: 500, chainNow: 99_999, firstSeenLiveAt: 9_990 }), 10_110, 'a fast devnet clock: our own clock still gives the grace');
    assert.equal(graceUntil({ ...base, activatedAt: 500, chainNow: 510, firstSeenLiveAt: 9_900 }), 10_110, 'the later end wins');
    assert.equal(graceUntil({ ...base, activatedAt: 500, chainNow: 99_999, firstSeenLiveAt: 9_000 }), null);
    assert.equal(graceUntil({ ...base, graceSec: 0, activatedAt: 500, chainNow: 500, firstSeenLiveAt: 10_000 }), null, '--peer-grace 0 disables it');
  });

  it('forgets peers no longer registered', () => {
    const s = probes(probes(emptyFailureState(), 'a', 0, 0, 1), 'b', 0, 0, 1);
    assert.deepEqual([...keepPeers(s, new Set(['b'])).keys()], ['b']);
  });
});

// ───────────────────── the loop, against real HTTP peers ─────────────────────

const contracts = { staking: '0x00000000000000000000000000000000000000a1' as Address, rewards: '0x00000000000000000000000000000000000000a2' as Address, pool: '0x00000000000000000000000000000000000000a3' as Address };
const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
let logIndex = 0;
let height = 10;
let chainOffset = 0;
const chainTime = (n: number) => 1_000_000 + n * 10 + chainOffset;
const block = (n: number): TrackedBlock => ({ number: n, hash: `0x${n.toString(16).padStart(64, '0')}` as Hex, parentHash: '0x' as Hex, timestamp: chainTime(n) });
const ev = (n: number, eventName: string, args: Record<string, unknown>): TrackedEvent => ({ logIndex: logIndex++, transactionHash: '0x' as Hex, address: contracts.staking, eventName, args, blockNumber: n, blockHash: block(n).hash });

/** `activatedAgo`: chain seconds between the activation and this block (a fast devnet clock). */
function activate(c: ReturnType<typeof createNetworkConsumer>, id: number, identity: Ed25519Identity, activatedAgo = 0) {
  const n = ++height;
  // A registration as the contract emits it: signed by the node's own ed25519 key.
  const blsKey = { x: BigInt(id), y: 2n };
  const ed25519Signature = ed25519SignatureWords(signEd25519Registration(identity.secretKey, { chainId: 31337, contract: contracts.staking, operator: addr(id), blsKey }));
  c.apply([
    ev(n, 'NodeOpened', { nodeId: BigInt(id), operator: addr(id), blsKey, ed25519Key: identity.nodeId, ed25519Signature, feeBps: 0, stakeRequired: 100n, autoActivate: true }),
    ev(n, 'Contributed', { nodeId: BigInt(id), contributor: addr(id), beneficiary: addr(id), amount: 100n, total: 100n }),
    ev(n, 'NodeActivated', { nodeId: BigInt(id), time: BigInt(chainTime(n) - activatedAgo) }),
  ], block(n));
}

describe('peer tester loop', () => {
  it('votes out only the peer down past the window; a newly activated dead peer is in grace; a clone is voted out at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-peers-'));
    const network = createNetworkConsumer(contracts, { deployBlock: 1, chainId: 31337 });
    const me = generateEd25519Identity();
    const up = generateEd25519Identity();
    const down = generateEd25519Identity();
    const late = generateEd25519Identity();
    activate(network, 1, me);
    activate(network, 2, up);
    activate(network, 3, down);
    // Chain time moves far past every activation: these peers were active before we started.
    chainOffset = 86_400;
    network.apply([], block(++height));
    const serve = async (identity: Ed25519Identity) => {
      const api = createJsonServer({ routes: [peerTestRoute({ identity, chainId: 1, ledgerRoot: () => ledgerRootString(network) })] });
      return { api, url: (await api.listen(0)).url };
    };
    const upServer = await serve(up);
    const deadServer = await serve(down);
    await deadServer.api.close(0); // node 3 (and node 4 below) answer nothing
    // Where each peer answers (in the daemon: its announcement in the membership directory).
    const endpoints = new Map<string, string>();
    const setEndpoints = (list: { ed25519: string; url: string }[]) => {
      endpoints.clear();
      for (const e of list) endpoints.set(e.ed25519, e.url);
    };
    setEndpoints([{ ed25519: up.nodeId, url: upServer.url }, { ed25519: down.nodeId, url: deadServer.url }, { ed25519: late.nodeId, url: deadServer.url }]);
    let clock = 50_000;
    const lines: string[] = [];
    const tester = createPeerTester({
      network, chainId: 1, ownEd25519: me.nodeId, urlOf: (k) => endpoints.get(k), intervalMs: 10_000, timeoutMs: 1_000,
      policy: { graceSec: 600, deregisterAfterSec: 60, minFailures: 5 }, now: () => clock, log: (l) => lines.push(l),
    });
    const round = async () => {
      await tester.runOnce();
      clock += 10;
    };
    try {
      await round(); // t = 50 000: first round, nodes 2 and 3 were already active
      // Activated while we run, and never comes up. By the chain's (fast) clock its grace is
      // already over; by ours it has just begun.
      activate(network, 4, late, 3_600);
      for (let i = 0; i < 6; i++) await round(); // t = 50 060 at the last probe
      let report = new Map(tester.report().map((r) => [r.nodeId, r]));
      assert.deepEqual([...report.keys()].sort(), ['2', '3', '4'], 'every active peer, not us');
      assert.equal(report.get('2')!.reason, 'passing');
      const three = report.get('3')!;
      assert.deepEqual([three.candidate, three.failures, three.firstFailureAt, three.lastFailureAt], [true, 7, 50_000, 50_060]);
      assert.match(three.lastReason!, /^unreachable/);
      assert.equal(three.candidateAt, 50_060);
      const four = report.get('4')!;
      assert.deepEqual([four.candidate, four.failures, four.firstFailureAt, four.graceUntil], [false, 0, null, 50_010 + 600]);
      assert.equal(four.candidateAt, 50_610 + 60);
      assert.deepEqual([...tester.candidates()], [3n]);
      assert.match(tester.reasonFor(4n)!, /grace period ends at 50610/);
      assert.ok(lines.some((l) => /node 3 is now a vote to deregister/.test(l)), lines.join('\n'));

      // Node 3 comes back: a single passing probe clears it.
      setEndpoints([{ ed25519: up.nodeId, url: upServer.url }, { ed25519: down.nodeId, url: upServer.url.replace(/\/$/, '') }, { ed25519: late.nodeId, url: deadServer.url }]);
      // (the server answers as `up`, so node 3 now fails with wrong_node: still failing, new reason)
      await round();
      report = new Map(tester.report().map((r) => [r.nodeId, r]));
      assert.match(report.get('3')!.lastReason!, /wrong_node/);
      const three3 = await serve(down);
      try {
        setEndpoints([{ ed25519: up.nodeId, url: upServer.url }, { ed25519: down.nodeId, url: three3.url }, { ed25519: late.nodeId, url: deadServer.url }]);
        await round();
        assert.deepEqual([...tester.candidates()], [], 'node 3 passed once: no longer a vote');
        assert.ok(lines.some((l) => /node 3 is no longer a vote to deregister \(it passed a probe\)/.test(l)));
      } finally {
        await three3.api.close(0);
      }

      // A registration with a bad identity: a vote at once, no grace, whatever its probes say.
      const node2 = network.view().state.nodes.get(2n)! as { identityProblem?: string | null };
      node2.identityProblem = 'its ed25519 key is already held by node 9';
      const clone = tester.report().find((r) => r.nodeId === '2')!;
      assert.deepEqual([clone.candidate, clone.reason], [true, 'identity problem: its ed25519 key is already held by node 9']);
      assert.ok(tester.candidates().has(2n));
    } finally {
      await upServer.api.close(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a nodes file it probes nobody but still votes out a bad identity', async () => {
    const network = createNetworkConsumer(contracts, { deployBlock: 1, chainId: 31337 });
    const me = generateEd25519Identity();
    activate(network, 11, me);
    activate(network, 12, generateEd25519Identity());
    const tester = createPeerTester({ network, chainId: 1, ownEd25519: me.nodeId, intervalMs: 10_000, policy: { graceSec: 0, deregisterAfterSec: 60, minFailures: 5 } });
    await tester.runOnce();
    assert.deepEqual([...tester.candidates()], []);
    (network.view().state.nodes.get(12n)! as { identityProblem?: string }).identityProblem = 'the ed25519 proof does not verify';
    assert.deepEqual([...tester.candidates()], [12n]);
  });
});
