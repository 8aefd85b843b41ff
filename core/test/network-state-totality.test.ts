/**
 * The network state machine is total: no event sequence stops it. Events it cannot apply are
 * skipped identically everywhere and recorded as anomalies; every other node's state and the
 * ledger are as if the skipped events never happened. Registrations carry an ed25519 identity
 * proof; a node without a valid one (or with a key a live node holds) earns nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Address } from 'viem';
import { createNetworkConsumer } from '../state/consumer.ts';
import { ANOMALIES_KEPT } from '../state/network-state.ts';
import { ledgerBalances, serialiseLedger } from '../ledger/ledger.ts';
import { addr, chainBuilder, edKey, signedOpening, TEST_CHAIN_ID } from './helpers/network-events.ts';

const contracts = { staking: addr(0xa1), rewards: addr(0xa2), pool: addr(0xa3), registry: addr(0xa4) };
const S = contracts.staking;
const opening = (id: number, operator: number, extra: Partial<{ autoActivate: boolean; stakeRequired: bigint }> = {}, keyLabel?: string) =>
  ({ address: S, eventName: 'NodeOpened', args: signedOpening(S, { nodeId: BigInt(id), operator: addr(operator), blsKey: { x: BigInt(id), y: 2n }, feeBps: 1_000, stakeRequired: 100n, autoActivate: true, ...extra }, keyLabel) });
const contributed = (id: number, who: number, total: bigint) => ({ address: S, eventName: 'Contributed', args: { nodeId: BigInt(id), contributor: addr(who), beneficiary: addr(who + 1000), amount: total, total } });
const activated = (id: number) => ({ address: S, eventName: 'NodeActivated', args: { nodeId: BigInt(id), time: 0n } });
const released = (amount: bigint) => ({ address: contracts.pool, eventName: 'Released', args: { beneficiary: contracts.rewards, amount, balanceAfter: 0n, time: 0n } });
const soloNode = (id: number, operator: number, keyLabel?: string) => [opening(id, operator, {}, keyLabel), contributed(id, operator, 100n), activated(id)];

function consumer() {
  const lines: string[] = [];
  const c = createNetworkConsumer(contracts, { deployBlock: 1, chainId: TEST_CHAIN_ID, log: (l) => lines.push(l) });
  return { c, lines };
}
const feed = (blocks: ReturnType<typeof chainBuilder>['blocks']) => {
  const { c, lines } = consumer();
  for (const b of blocks) c.apply(b.events, b.block);
  return { c, lines, v: c.view() };
};

describe('network state machine: totality', () => {
  it('adopts SlotReserved emitted before its NodeOpened in the same transaction (the old openPool order)', () => {
    const chain = chainBuilder();
    chain.add(10, [
      { address: S, eventName: 'SlotReserved', args: { nodeId: 1n, account: addr(7), amount: 30n }, tx: 'open' },
      { ...opening(1, 1, { autoActivate: false }), tx: 'open' },
      { ...contributed(1, 1, 50n), tx: 'open' },
    ]);
    const { v } = feed(chain.blocks);
    assert.deepEqual(v.state.nodes.get(1n)!.reserved, [{ address: addr(7), amount: 30n }]);
    assert.equal(v.state.anomalies.count, 0);
  });

  it('a SlotReserved for a node never opened is an anomaly, and every node keeps following the chain', () => {
    const chain = chainBuilder();
    chain.add(10, soloNode(1, 1));
    chain.add(11, [{ address: S, eventName: 'SlotReserved', args: { nodeId: 9n, account: addr(7), amount: 30n } }]);
    chain.add(50, [released(1_000n)]);
    chain.add(51, [{ address: S, eventName: 'ExitRequested', args: { nodeId: 1n, by: addr(1), unlockAt: 5n } }]);
    const { v, lines } = feed(chain.blocks);
    assert.equal(v.state.anomalies.count, 1);
    assert.deepEqual(v.state.anomalies.latest[0], {
      block: 11,
      logIndex: 3,
      transactionHash: chain.blocks[1]!.events[0]!.transactionHash,
      eventName: 'SlotReserved',
      nodeId: '9',
      reason: 'SlotReserved for node 9, which was never opened',
    });
    assert.match(lines.join('\n'), /ANOMALY: skipped SlotReserved at block 11 log 3 .*never opened/);
    assert.equal(v.state.nodes.has(9n), false);
    assert.equal(v.state.nodes.get(1n)!.status, 'exitRequested', 'later events still apply');
    assert.equal(v.history.length, 1, 'the release still makes a checkpoint');
    assert.equal(ledgerBalances(v.ledger)[0]!.amount, 1_000n);
  });

  it('a withdrawal by a non-contributor, an impossible status change and a ledger refusal are skipped without touching the node', () => {
    const chain = chainBuilder();
    chain.add(10, [opening(1, 1, { autoActivate: false }), contributed(1, 1, 60n), contributed(1, 2, 40n)]);
    const before = JSON.stringify([...feed(chain.blocks).v.state.nodes.values()], (_, x) => (typeof x === 'bigint' ? String(x) : x));
    chain.add(11, [{ address: S, eventName: 'ContributionWithdrawn', args: { nodeId: 1n, contributor: addr(5), amount: 1n } }]);
    chain.add(12, [{ address: S, eventName: 'ExitRequested', args: { nodeId: 1n, by: addr(1), unlockAt: 5n } }]);
    chain.add(13, [{ address: S, eventName: 'StakeReturned', args: { nodeId: 1n, contributor: addr(1), amount: 60n } }]);
    const { v } = feed(chain.blocks);
    assert.equal(JSON.stringify([...v.state.nodes.values()], (_, x) => (typeof x === 'bigint' ? String(x) : x)), before);
    assert.deepEqual(v.state.anomalies.latest.map((a) => a.reason), [
      `withdrawal by ${addr(5)}, not a contributor of node 1`,
      'ExitRequested for node 1, which is awaitingContributions (expected running)',
      'StakeReturned for node 1, which is awaitingContributions (expected exited or cancelled)',
    ]);
    // A contribution of 0 reaches the ledger as a zero position: the ledger refuses the activation.
    chain.add(14, [opening(2, 3), contributed(2, 3, 0n), activated(2)]);
    const after = feed(chain.blocks).v;
    assert.equal(after.state.nodes.get(2n)!.status, 'running', 'the registry applies what it can');
    assert.equal(after.ledger.nodes.has(2n), false, 'the ledger skipped the activation it refused');
    assert.match(after.state.anomalies.latest.at(-1)!.reason, /^ledger refused nodeActivated: node 2: position of .* has amount 0$/);
  });

  it('keeps the last anomalies in full and counts them all', () => {
    const chain = chainBuilder();
    for (let i = 0; i < ANOMALIES_KEPT + 7; i++) chain.add(10 + i, [activated(500 + i)]);
    const { v } = feed(chain.blocks);
    assert.equal(v.state.anomalies.count, ANOMALIES_KEPT + 7);
    assert.equal(v.state.anomalies.latest.length, ANOMALIES_KEPT);
    assert.equal(v.state.anomalies.latest.at(-1)!.nodeId, String(500 + ANOMALIES_KEPT + 6));
  });

  it('junk events anywhere leave the ledger and every real node exactly as without them; replays and rollbacks agree (property)', () => {
    const kinds = ['SlotReserved', 'Contributed', 'ContributionWithdrawn', 'NodeActivated', 'PoolCancelled', 'ExitRequested', 'NodeExited', 'NodeDeregistered', 'StakeReturned', 'NodeOpened'] as const;
    const real = (() => {
      const chain = chainBuilder();
      chain.add(10, soloNode(1, 1));
      chain.add(11, [opening(2, 2), contributed(2, 2, 50n), contributed(2, 3, 50n), activated(2)]);
      chain.add(40, [released(1_000_001n)]);
      chain.add(41, [{ address: S, eventName: 'ExitRequested', args: { nodeId: 1n, by: addr(1), unlockAt: 0n } }]);
      chain.add(70, [released(777n)]);
      chain.add(71, [{ address: S, eventName: 'NodeExited', args: { nodeId: 1n, withSignature: true } }, { address: S, eventName: 'StakeReturned', args: { nodeId: 1n, contributor: addr(1), amount: 100n } }]);
      chain.add(72, [released(5n)]);
      return chain.blocks;
    })();
    const realBlocks = () => structuredClone(real);
    const clean = feed(realBlocks());
    const junkArb = fc.record({ at: fc.integer({ min: 0, max: 6 }), kind: fc.constantFrom(...kinds), nodeId: fc.integer({ min: 1, max: 3 }), who: fc.integer({ min: 1, max: 9 }), amount: fc.bigInt({ min: 0n, max: 200n }) });
    fc.assert(
      fc.property(fc.array(junkArb, { maxLength: 12 }), fc.integer({ min: 0, max: 80 }), (junk, rollTo) => {
        const blocks = realBlocks();
        for (const j of junk) {
          // Junk about node 900+ (never opened), or a NodeOpened again for a real node: always refused.
          const nodeId = j.kind === 'NodeOpened' ? BigInt(j.nodeId % 2 + 1) : BigInt(900 + j.nodeId);
          const args = { nodeId, account: addr(j.who), contributor: addr(j.who), beneficiary: addr(j.who), operator: addr(j.who), amount: j.amount, total: j.amount, time: 0n, unlockAt: 0n, penalty: j.amount, releaseAt: 0n, withSignature: false, blsKey: { x: 1n, y: 2n }, ed25519Key: edKey(1).publicKey };
          const b = blocks[j.at]!;
          b.events.push({ ...b.events[0]!, logIndex: 1000 + b.events.length, address: S, eventName: j.kind, args });
        }
        const dirty = feed(blocks);
        assert.equal(serialiseLedger(dirty.v.ledger), serialiseLedger(clean.v.ledger), 'the ledger ignores the junk');
        assert.deepEqual(dirty.v.history.map((h) => h.root), clean.v.history.map((h) => h.root));
        assert.equal(dirty.v.state.anomalies.count, junk.length, 'each junk event is one anomaly');
        const strip = (v: typeof clean.v) => JSON.stringify([...v.state.nodes.values()], (_, x) => (typeof x === 'bigint' ? String(x) : x));
        assert.equal(strip(dirty.v), strip(clean.v), 'the real nodes are untouched');
        const again = feed(blocks);
        assert.deepEqual(again.v.state.anomalies, dirty.v.state.anomalies, 'anomalies are deterministic');
        dirty.c.rollback(rollTo);
        const fresh = feed(blocks.filter((b) => b.block.number <= rollTo));
        assert.equal(serialiseLedger(dirty.c.view().ledger), serialiseLedger(fresh.v.ledger));
        assert.deepEqual(dirty.c.view().state.anomalies, fresh.v.state.anomalies);
      }),
      { numRuns: 80 },
    );
  });

  it('arbitrary events with arbitrary arguments never throw (property)', () => {
    const anyValue = fc.oneof(fc.bigInt({ min: -5n, max: 2n ** 70n }), fc.integer(), fc.string(), fc.constant(undefined), fc.constant(null), fc.boolean(), fc.constantFrom(addr(1), addr(2)));
    const eventArb = fc.record({
      address: fc.constantFrom(contracts.staking, contracts.rewards, contracts.pool, contracts.registry, addr(0xbb)),
      eventName: fc.constantFrom('NodeOpened', 'SlotReserved', 'Contributed', 'ContributionWithdrawn', 'NodeActivated', 'PoolCancelled', 'ExitRequested', 'NodeExited', 'NodeDeregistered', 'StakeReturned', 'Released', 'RewardsAuthorised', 'RewardsClaimed', 'NodeDecommissioned', 'NodeRecommissioned', 'Whatever'),
      args: fc.record({ nodeId: fc.oneof(fc.bigInt({ min: 0n, max: 3n }), anyValue), operator: anyValue, contributor: anyValue, account: anyValue, beneficiary: fc.oneof(fc.constant(contracts.rewards), anyValue), amount: anyValue, total: anyValue, penalty: anyValue, time: anyValue, unlockAt: anyValue, blsKey: fc.oneof(fc.constant({ x: 1n, y: 2n }), anyValue), ed25519Key: anyValue, epoch: anyValue, cumulativeAmount: anyValue, round: fc.oneof(fc.bigInt({ min: 0n, max: 2n }), anyValue), nonSigners: fc.oneof(fc.array(fc.bigInt({ min: 0n, max: 3n })), anyValue) }, { requiredKeys: [] }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(eventArb, { maxLength: 4 }), { maxLength: 12 }), (blocks) => {
        const chain = chainBuilder();
        blocks.forEach((events, i) => chain.add(10 + i, events as never));
        assert.doesNotThrow(() => feed(chain.blocks));
      }),
      { numRuns: 300 },
    );
  });
});

describe('network state machine: ed25519 identity', () => {
  const problemOf = (blocks: ReturnType<typeof chainBuilder>['blocks'], id: bigint) => feed(blocks).v.state.nodes.get(id)!.identityProblem;

  it('accepts a valid proof; refuses a tampered one, a missing one, and one for another chain', () => {
    const valid = chainBuilder();
    valid.add(10, soloNode(1, 1));
    assert.equal(problemOf(valid.blocks, 1n), null);

    const tampered = chainBuilder();
    const t = opening(1, 1);
    const [r, sWord] = t.args.ed25519Signature as [string, string];
    t.args.ed25519Signature = [r, `${sWord.slice(0, -2)}${sWord.endsWith('00') ? '01' : '00'}`];
    tampered.add(10, [t, contributed(1, 1, 100n), activated(1)]);
    assert.match(problemOf(tampered.blocks, 1n)!, /the ed25519 signature does not prove key 0x[0-9a-f]{64} for this registration/);

    const otherOperator = chainBuilder();
    const o = opening(1, 1);
    o.args.operator = addr(2); // the proof was made for operator 1
    otherOperator.add(10, [o]);
    assert.match(problemOf(otherOperator.blocks, 1n)!, /does not prove/);

    const missing = chainBuilder();
    const m = opening(1, 1);
    delete m.args.ed25519Signature;
    missing.add(10, [m]);
    assert.equal(problemOf(missing.blocks, 1n), 'the registration carries no ed25519 signature');

    const otherChain = chainBuilder();
    otherChain.add(10, [{ address: S, eventName: 'NodeOpened', args: signedOpening(S, { nodeId: 1n, operator: addr(1), blsKey: { x: 1n, y: 2n }, feeBps: 0, stakeRequired: 100n, autoActivate: true }, '1', 1) }]);
    assert.match(problemOf(otherChain.blocks, 1n)!, /does not prove/);
  });

  it('refuses a key a live node holds; allows it again once that node exited; a bad proof does not lock the owner out', () => {
    const chain = chainBuilder();
    chain.add(10, soloNode(1, 1, 'shared'));
    chain.add(11, [opening(2, 2, { autoActivate: false }, 'shared')]);
    assert.equal(problemOf(chain.blocks, 1n), null);
    assert.equal(problemOf(chain.blocks, 2n), 'ed25519 key ' + edKey('shared').publicKey + ' is already held by live node 1');
    chain.add(12, [{ address: S, eventName: 'ExitRequested', args: { nodeId: 1n, by: addr(1), unlockAt: 0n } }]);
    chain.add(13, [{ address: S, eventName: 'NodeExited', args: { nodeId: 1n, withSignature: true } }]);
    chain.add(14, soloNode(3, 3, 'shared'));
    assert.equal(problemOf(chain.blocks, 3n), null, 're-registering the key after the first holder exited is fine');

    const squat = chainBuilder();
    const bad = opening(1, 9, {}, 'victim');
    bad.args.ed25519Signature = (opening(1, 9, {}, 'someone-else').args.ed25519Signature);
    squat.add(10, [bad]);
    squat.add(11, soloNode(2, 2, 'victim'));
    assert.match(problemOf(squat.blocks, 1n)!, /does not prove/);
    assert.equal(problemOf(squat.blocks, 2n), null, 'the real owner of the key registers normally');
  });

  it('the ledger gives a node with an identity problem nothing, before and after it leaves', () => {
    const chain = chainBuilder();
    chain.add(10, soloNode(1, 1));
    const m = opening(2, 2);
    delete m.args.ed25519Signature;
    chain.add(11, [m, contributed(2, 2, 100n), activated(2)]);
    chain.add(40, [released(1_000n)]);
    chain.add(41, [{ address: S, eventName: 'NodeDeregistered', args: { nodeId: 2n, liquidator: addr(5), penalty: 1n, liquidatorReward: 0n, releaseAt: 0n } }]);
    chain.add(70, [released(500n)]);
    const { v } = feed(chain.blocks);
    assert.equal(v.state.nodes.get(2n)!.status, 'deregistered', 'the registry still follows it');
    assert.equal(v.ledger.nodes.has(2n), false, 'never activated in the ledger');
    assert.deepEqual(ledgerBalances(v.ledger), [{ account: addr(1001) as Address, amount: 100n + 900n + 50n + 450n }], 'node 1 gets every release');
    assert.equal(v.state.anomalies.count, 0, 'an identity problem is a verdict, not an anomaly');
  });
});

describe('/health of a node or gateway (chainHealth)', () => {
  const status = { height: 72, syncing: false, reorgs: 0, rpc: [] };
  it('is ok and not degraded on a clean chain; degraded with the anomalies once one was skipped; not ok while the consumer fails', async () => {
    const { chainHealth } = await import('../state/health.ts');
    const chain = chainBuilder();
    chain.add(10, soloNode(1, 1));
    const clean = chainHealth(status, feed(chain.blocks).v.state);
    assert.deepEqual(clean, { ok: true, degraded: false, reason: null, height: 72, lastError: null, consumerError: null, anomalies: { count: 0, latest: [] } });
    chain.add(11, [activated(77)]);
    const dirty = chainHealth(status, feed(chain.blocks).v.state);
    assert.equal(dirty.ok, true, 'still following the chain');
    assert.equal(dirty.degraded, true);
    assert.equal(dirty.reason, '1 chain event was skipped: the state machine could not apply it (see anomalies.latest)');
    assert.equal(dirty.anomalies.latest[0]!.reason, 'NodeActivated for node 77, which was never opened');
    assert.doesNotThrow(() => JSON.stringify(dirty), 'JSON-safe (no bigints)');
    const failing = chainHealth({ ...status, lastError: 'x', consumerError: 'the consumer failed on block 9: boom' }, feed(chain.blocks).v.state);
    assert.equal(failing.ok, false);
    assert.match(failing.reason!, /^the chain consumer is failing: the consumer failed on block 9: boom; 1 chain event was skipped/);
  });
});
