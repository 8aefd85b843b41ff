/**
 * The node's swarm view against the real network state machine (chain events through the
 * consumer, as the daemon follows them): registering nodes, a decommission and recommission,
 * an exit, a duplicate identity, a reorg; recomputed only when the active set changes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Hex } from 'viem';
import { createNetworkConsumer } from '../../core/state/consumer.ts';
import { addr, chainBuilder, edKey, signedOpening, TEST_CHAIN_ID } from '../../core/test/helpers/network-events.ts';
import { createSwarmView } from '../src/storage/swarm-view.ts';
import { DEVNET_STORAGE_RULES } from '../../sdk/src/storage/rules.ts';
import { accountPosition, swarmForPosition } from '../../sdk/src/storage/swarm-space.ts';
import { StorageRpcError } from '../../sdk/src/storage/types.ts';

const contracts = { staking: addr(0xa1), rewards: addr(0xa2), pool: addr(0xa3), registry: addr(0xa4) };
const time = (block: number) => 1_000_000 + block * 3_600;
const key = (id: number) => edKey(String(id)).publicKey.toLowerCase() as Hex;

/** Opens, funds and activates node `id` (its ed25519 key: edKey(keyLabel)). */
function solo(id: number, block: number, keyLabel: string | number = String(id)) {
  return [
    { address: contracts.staking, eventName: 'NodeOpened', args: signedOpening(contracts.staking, { nodeId: BigInt(id), operator: addr(id), blsKey: { x: BigInt(id), y: 2n }, feeBps: 0, stakeRequired: 100n, autoActivate: true }, keyLabel) },
    { address: contracts.staking, eventName: 'Contributed', args: { nodeId: BigInt(id), contributor: addr(id), beneficiary: addr(id), amount: 100n, total: 100n } },
    { address: contracts.staking, eventName: 'NodeActivated', args: { nodeId: BigInt(id), time: BigInt(time(block)) } },
  ];
}
const opened = (id: number) => solo(id, 0).slice(0, 1);
const decommissioned = (nodeId: number, round: bigint) => ({ address: contracts.registry, eventName: 'NodeDecommissioned', args: { nodeId: BigInt(nodeId), round } });
const recommissioned = (nodeId: number, round: bigint) => ({ address: contracts.registry, eventName: 'NodeRecommissioned', args: { nodeId: BigInt(nodeId), round } });
const exitRequested = (nodeId: number, block: number) => ({ address: contracts.staking, eventName: 'ExitRequested', args: { nodeId: BigInt(nodeId), by: addr(nodeId), unlockAt: BigInt(time(block) + 86_400) } });
const exited = (nodeId: number) => ({ address: contracts.staking, eventName: 'NodeExited', args: { nodeId: BigInt(nodeId), withSignature: true } });

const ACCOUNT = `05${'ab'.repeat(32)}`;

function setup() {
  const chain = chainBuilder();
  const consumer = createNetworkConsumer(contracts, { deployBlock: 1, chainId: TEST_CHAIN_ID });
  const feed = (number: number, events: Parameters<typeof chain.add>[1]) => {
    chain.add(number, events);
    const last = chain.blocks.at(-1)!;
    consumer.apply(last.events, last.block);
  };
  const urls = new Map<string, string>();
  const view = (own: number) => createSwarmView({ network: consumer, urlOf: (k) => urls.get(k), ownKey: key(own), rules: DEVNET_STORAGE_RULES });
  return { consumer, feed, urls, view };
}

const allKeys = (v: ReturnType<ReturnType<typeof setup>['view']>) => [...v.assignment().swarmOfKey.keys()].sort();

describe('node storage: swarm view', () => {
  it('assigns the commissioned nodes: 10 devnet nodes make 2 swarms of 5, with their URLs', () => {
    const { feed, urls, view } = setup();
    feed(1, [...Array.from({ length: 10 }, (_, i) => solo(i + 1, 1)).flat(), ...opened(11)]); // 11 is still awaiting stake
    for (let i = 1; i <= 10; i++) if (i !== 4) urls.set(key(i), `http://127.0.0.1:${20_000 + i}`);
    const v = view(1);
    const a = v.assignment();
    assert.equal(a.ids.length, 2);
    assert.deepEqual(a.ids.map((id) => a.members.get(id)!.length), [5, 5]);
    assert.ok(!a.swarmOfKey.has(key(11)), 'a node awaiting contributions serves no swarm');
    const mine = v.mine()!;
    assert.equal(mine.id, a.swarmOfKey.get(key(1)));
    assert.ok(mine.members.some((m) => m.ed25519Key === key(1)));
    for (const m of mine.members) assert.equal(m.url, m.ed25519Key === key(4) ? undefined : `http://127.0.0.1:${20_000 + Number(m.nodeId)}`, 'URL from the directory, undefined when not announced');

    const swarm = v.swarmOf(ACCOUNT);
    assert.equal(swarm.id, swarmForPosition(a.ids, accountPosition(ACCOUNT)));
    assert.equal(v.holds(ACCOUNT), swarm.id === mine.id);
    // Every node of the other swarm agrees it does (not) hold the account.
    for (let i = 1; i <= 10; i++) assert.equal(view(i).holds(ACCOUNT), a.swarmOfKey.get(key(i)) === swarm.id, `node ${i}`);
    assert.equal(view(11).mine(), null);
    assert.equal(view(11).holds(ACCOUNT), false);
  });

  it('drops a decommissioned node and takes it back on recommission; an exit request still serves, an exit does not', () => {
    const { feed, view } = setup();
    feed(1, Array.from({ length: 10 }, (_, i) => solo(i + 1, 1)).flat());
    const v = view(3);
    const before = v.assignment();
    feed(2, [decommissioned(3, 0n)]);
    assert.equal(v.mine(), null, 'decommissioned: in no swarm');
    assert.equal(v.holds(ACCOUNT), false);
    assert.ok(!allKeys(v).includes(key(3)));
    assert.equal(v.assignment().swarmOfKey.size, 9);
    feed(3, [recommissioned(3, 1n)]);
    assert.ok(v.mine() !== null);
    assert.deepEqual([...v.assignment().swarmOfKey].sort(), [...before.swarmOfKey].sort(), 'the same set: the same swarms');

    feed(4, [exitRequested(5, 4)]);
    assert.ok(allKeys(v).includes(key(5)), 'an exit request keeps serving until the exit');
    feed(5, [exited(5)]);
    assert.ok(!allKeys(v).includes(key(5)));
    assert.equal(view(5).mine(), null);
  });

  it('leaves out a node whose key another live node holds', () => {
    const { feed, view } = setup();
    feed(1, [...Array.from({ length: 6 }, (_, i) => solo(i + 1, 1)).flat(), ...solo(7, 1, '2')]); // 7 registers node 2's key
    const a = view(1).assignment();
    assert.equal(a.swarmOfKey.size, 6);
    assert.ok(a.members.get(a.swarmOfKey.get(key(2))!)!.some((m) => m.nodeId === 2n), "the key is node 2's, not 7's");
  });

  it('recomputes only when the active set changes, and follows a reorg', () => {
    const { consumer, feed, view } = setup();
    feed(1, Array.from({ length: 10 }, (_, i) => solo(i + 1, 1)).flat());
    const v = view(1);
    const first = v.assignment();
    feed(2, []);
    feed(3, [...opened(20)]); // a new pool: not active
    assert.equal(v.assignment(), first, 'same set, same object');
    assert.equal(v.recomputations(), 1);
    feed(4, [...solo(21, 4), ...solo(22, 4), ...solo(23, 4)]);
    assert.notEqual(v.assignment(), first);
    assert.equal(v.assignment().swarmOfKey.size, 13);
    assert.equal(v.recomputations(), 2);
    consumer.rollback(3); // the block that added 21–23 is gone
    assert.equal(v.assignment().swarmOfKey.size, 10);
    assert.deepEqual([...v.assignment().swarmOfKey].sort(), [...first.swarmOfKey].sort());
  });

  it('an empty network and a bad account are refused with a reason', () => {
    const { view } = setup();
    const v = view(1);
    assert.equal(v.mine(), null);
    assert.equal(v.holds(ACCOUNT), false);
    assert.throws(() => v.swarmOf(ACCOUNT), (e: unknown) => e instanceof StorageRpcError && e.status === 503);
    assert.throws(() => v.holds('05abc'), (e: unknown) => e instanceof StorageRpcError && e.status === 400);
  });
});
