/**
 * Model-based property test of the node's state machine against the real contracts: random
 * sequences of every public SessionStaking / StakingRewards / RewardRatePool operation (valid
 * and invalid) run on anvil; after EVERY step the events of the mined receipts, decoded with
 * the generated ABIs, go through the real consumer (createNetworkConsumer), and its view of
 * every node, contributor (address, amount, time, order), reservation and stake must equal
 * what the contracts' own views return. The consumer must never throw nor record an anomaly
 * (the contracts only emit applicable sequences), refused operations must change nothing, and
 * two consumers fed the same chain hold byte-identical ledgers.
 *
 * Checkpoints are the network's real flow: the pool releases, the node's own ledger checkpoint
 * (root, total) is signed by the active nodes' aggregate BLS key and authorised (epoch =
 * latest + 1, 2 h after the previous one); claims use the node's Merkle tree. While no node
 * earns yet (e.g. before the 24 h eligibility), a synthetic tree over two accounts is
 * authorised instead so claims still happen.
 *
 * Commission updates (NetworkKeyRegistry.updateCommission) are signed for real by the
 * commissioned set; after each step decommissionedAt and commissionRound must match the
 * registry's isDecommissioned / commissionRound.
 *
 * MODEL_RUNS (default 1000) sets the number of sequences; MODEL_STATS=1 prints outcome counts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createPublicClient, decodeEventLog, encodeFunctionData, erc20Abi, getAddress, http, toHex, type Abi, type Address, type Hex } from 'viem';
import { NetworkKeyRegistry, RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import {
  buildRewardsTree,
  commissionMessage,
  DEREGISTER_PURPOSE,
  deregisterPayloadHash,
  EXIT_PURPOSE,
  exitPayloadHash,
  nodeKeysArgs,
  openPoolCall,
  parseRegistrationPayload,
  prepareRegistration,
  proofFor,
  registerSoloNodeCall,
  REWARDS_PURPOSE,
  rewardsPayloadHash,
  decodeNodeRecord,
  type NodeKeysArgs,
  type NodeRecord,
} from '../../sdk/src/staking/index.ts';
import { sesh } from '../../sdk/src/units.ts';
import { GROUP_ORDER, networkSignatureArgs, signNetworkMessage, type BlsKeyPair } from '../../sdk/src/bls/index.ts';
import { G2 } from '../../sdk/src/bls/curve.ts';
import { revertName, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { approveMax, DAY, nextKeyPair, seedNodes, stakingNet, type StakingNet } from '../../contracts/test/staking-kit.ts';
import type { TrackedBlock, TrackedEvent } from '../chain/tracker.ts';
import { createNetworkConsumer, type NetworkConsumer } from '../state/consumer.ts';
import { isActive, isCommissioned, isLive, stakeOf, type NodeState } from '../state/network-state.ts';
import { serialiseLedger } from '../ledger/ledger.ts';
import { edKey } from './helpers/network-events.ts';
import { nodeShapes, type NodeKind } from './helpers/model-compare.ts';
import { BLS_KEYS, CLAIMERS, KEEPER, opArb, STAKERS, type Op } from './helpers/model-ops.ts';
import { followNetwork } from '../state/follow.ts';
import { chainHealth } from '../state/health.ts';

const RUNS = Number(process.env.MODEL_RUNS ?? 1000);
const HOUR = 3600;
/** Above any single operation here (a deregistration with its pairing check is ~300k). */
const GAS_LIMIT = 3_000_000n;
/** The contract emits the identity proof only once the ed25519 registration signature lands. */
const EMITS_ED25519_PROOF = (SessionStaking.abi as Abi).some((e) => e.type === 'event' && e.name === 'NodeOpened' && e.inputs.some((i) => i.name === 'ed25519Signature'));
/** A tree the contract authorised: the node's own checkpoint tree, or a synthetic one. */
type AuthorisedTree = { accounts: Address[]; claim: (account: Address) => { amount: bigint; proof: Hex[] } };

const stats = new Map<string, number>();
const count = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);
/** Wall time per part (MODEL_STATS=1), to see where a sequence's time goes. */
const timings = new Map<string, number>();
async function timed<T>(part: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    timings.set(part, (timings.get(part) ?? 0) + performance.now() - t0);
  }
}
const contractsOf = (net: StakingNet) => ({ staking: net.staking, rewards: net.rewards, pool: net.pool, registry: net.registry });
const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));

describe('node state machine vs the real contracts (model-based, fast-check on anvil)', () => {
  let sys: LocalSystem;
  let net: StakingNet;
  let R: bigint;
  let users: Address[];
  let clean: Hex;
  let baseline: { events: TrackedEvent[]; block: TrackedBlock }[];
  let seededKeys: Map<bigint, BlsKeyPair>;
  let client: ReturnType<typeof createPublicClient>;
  const blsKeys: BlsKeyPair[] = [];
  const decoders = new Map<string, Abi>();

  before(async () => {
    sys = await startLocalSystem({ startStaking: false });
    net = stakingNet(sys);
    const admin = await sys.as(0);
    // Two migrated nodes: one solo, one where a staker holds 3/4 (seeding is its own event path).
    await seedNodes(net, 2, { contributors: (i, r) => (i === 0 ? [{ contributor: admin.account.address, amount: r }] : [{ contributor: admin.account.address, amount: r / 4n }, { contributor: sys.accounts[STAKERS[0]!]!.address, amount: r - r / 4n }]) });
    seededKeys = new Map(net.keyPairs);
    await startStaking(admin, { SessionStaking: net.staking, StakingRewards: net.rewards, RewardRatePool: net.pool });
    await admin.send(net.staking, SessionStaking.abi, 'setParameters', [await readStakingRequirement(), 1000, 200]); // 10% penalty: the operator-share cap is reachable
    R = await readStakingRequirement();
    users = sys.accounts.map((a) => a.address);
    for (let i = 1; i < 10; i++) {
      await admin.send(net.token, erc20Abi, 'transfer', [users[i]!, sesh(500_000)]);
      await approveMax(await sys.as(i), net);
    }
    for (let i = 0; i < BLS_KEYS; i++) blsKeys.push(nextKeyPair());
    client = createPublicClient({ transport: http(sys.anvil.rpcUrl, { batch: { batchSize: 500, wait: 0 } }) });
    decoders.set(net.staking.toLowerCase(), SessionStaking.abi as Abi);
    decoders.set(net.rewards.toLowerCase(), StakingRewards.abi as Abi);
    decoders.set(net.pool.toLowerCase(), RewardRatePool.abi as Abi);
    decoders.set(net.registry.toLowerCase(), NetworkKeyRegistry.abi as Abi);
    // Everything the chain emitted since the deploy block: each sequence's consumer starts from it.
    const logs = await sys.rpc<RawLog[]>('eth_getLogs', [{ fromBlock: toHex(sys.deployments.deployBlock), toBlock: 'latest', address: [net.staking, net.rewards, net.pool, net.registry] }]);
    baseline = [];
    for (const n of [...new Set(logs.map((l) => Number(BigInt(l.blockNumber))))].sort((a, b) => a - b)) {
      const blockLogs = logs.filter((l) => Number(BigInt(l.blockNumber)) === n);
      baseline.push({ events: decodeLogs(blockLogs), block: await trackedBlock(n) });
    }
    await sys.rpc('evm_setAutomine', [false]);
    clean = await sys.snapshot();
  });
  after(async () => {
    if (process.env.MODEL_STATS) {
      console.log(Object.fromEntries([...stats].sort()));
      console.log(Object.fromEntries([...timings].map(([k, ms]) => [k, `${(ms / 1000).toFixed(1)} s`])));
    }
    await sys?.stop();
  });

  async function readStakingRequirement(): Promise<bigint> {
    const d = await sys.as(0);
    return (await d.publicClient.readContract({ address: net.staking, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
  }

  type RawLog = { address: Hex; topics: Hex[]; data: Hex; blockNumber: Hex; blockHash: Hex; logIndex: Hex; transactionHash: Hex };

  /** The receipt's logs as the tracker hands them out: decoded by the generated ABIs. */
  function decodeLogs(logs: readonly RawLog[]): TrackedEvent[] {
    const out: TrackedEvent[] = [];
    for (const l of logs) {
      const abi = decoders.get(l.address.toLowerCase());
      if (!abi) continue;
      const decoded = decodeEventLog({ abi, data: l.data, topics: l.topics as [Hex, ...Hex[]], strict: true });
      out.push({
        blockNumber: Number(BigInt(l.blockNumber)),
        blockHash: l.blockHash,
        logIndex: Number(BigInt(l.logIndex)),
        transactionHash: l.transactionHash,
        address: getAddress(l.address),
        eventName: String(decoded.eventName),
        args: (decoded.args ?? {}) as Record<string, unknown>,
      });
    }
    return out;
  }

  async function trackedBlock(n: number): Promise<TrackedBlock> {
    const b = await sys.rpc<{ hash: Hex; parentHash: Hex; timestamp: Hex }>('eth_getBlockByNumber', [toHex(n), false]);
    return { number: n, hash: b.hash, parentHash: b.parentHash, timestamp: Number(BigInt(b.timestamp)) };
  }

  const registrations = new Map<string, NodeKeysArgs>();
  /**
   * THE one place a registration is built, through the sdk's payload path (prepareRegistration
   * → parseRegistrationPayload → nodeKeysArgs). The ed25519 secret of key `ed` is edKey(`model-${ed}`).secret.
   */
  function registrationKeys(bls: number, ed: number, operator: Address): NodeKeysArgs {
    const memo = `${bls}:${ed}:${operator}`;
    const cached = registrations.get(memo);
    if (cached) return cached;
    const payload = prepareRegistration({ keyPair: blsKeys[bls]!, operator, ed25519SecretKey: edKey(`model-${ed}`).secret, chainId: net.chainId, contract: net.staking });
    const keys = nodeKeysArgs(parseRegistrationPayload(JSON.stringify(payload), { chainId: net.chainId, contract: net.staking }));
    registrations.set(memo, keys);
    return keys;
  }

  /** One sequence's world: the consumer under test, and what the test knows besides the chain. */
  type World = {
    consumer: NetworkConsumer;
    delivered: { events: TrackedEvent[]; block: TrackedBlock }[];
    kinds: Map<bigint, NodeKind>;
    /** What identityProblem must be for the nodes this sequence registered: null, or a pattern. */
    identity: Map<bigint, RegExp | null>;
    edOf: Map<bigint, number>;
    trees: AuthorisedTree[];
    synthetic: Map<Address, bigint>;
  };

  /** Sends a transaction from an (unlocked) demo account; a custom-error refusal mines nothing. */
  async function send(world: World, from: number, to: Address, abi: Abi, functionName: string, args: readonly unknown[], label: string): Promise<TrackedEvent[] | undefined> {
    const account = users[from]!;
    const data = encodeFunctionData({ abi, functionName, args } as never);
    // One eth_call says whether it would revert (estimating gas would run it ~20 times).
    try {
      await timed('simulate', () => client.call({ account, to, data }));
    } catch (error) {
      const name = revertName(error);
      if (!name) throw error;
      count(`${label} ${name}`);
      return undefined;
    }
    const hash = await sys.rpc<Hex>('eth_sendTransaction', [{ from: account, to, data, gas: toHex(GAS_LIMIT) }]);
    type Receipt = { status: Hex; blockNumber: Hex; logs: RawLog[] };
    type Header = { number: Hex; hash: Hex; parentHash: Hex; timestamp: Hex };
    // Automine is off (see before()): mining here is synchronous, no receipt polling.
    await sys.rpc('evm_mine');
    const [receipt, header] = await Promise.all([
      sys.rpc<Receipt>('eth_getTransactionReceipt', [hash]),
      sys.rpc<Header>('eth_getBlockByNumber', ['latest', false]),
    ]);
    assert.equal(header.number, receipt.blockNumber, `${label}: mined alone in the latest block`);
    assert.equal(receipt.status, '0x1', `${label}: mined but reverted`);
    const events = decodeLogs(receipt.logs);
    const block: TrackedBlock = { number: Number(BigInt(header.number)), hash: header.hash, parentHash: header.parentHash, timestamp: Number(BigInt(header.timestamp)) };
    // The consumer under test: it must never throw, whatever the chain emits.
    world.consumer.apply(events, block);
    world.delivered.push({ events, block });
    count(`${label} ok`);
    return events;
  }

  async function chainNow(): Promise<bigint> {
    return BigInt((await sys.rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false])).timestamp);
  }
  async function advance(seconds: number | bigint): Promise<void> {
    await sys.rpc('evm_increaseTime', [Number(seconds)]);
    await sys.rpc('evm_mine');
  }

  /** Every node as the contracts report it, and the globals. */
  async function readChain(world: World) {
    const v = world.consumer.view();
    // One batched round trip: the node's ids plus the next one (a node the view missed shows
    // as a lastNodeId difference, one it invented as a record of status None).
    const ids = Array.from({ length: v.state.nodes.size + 1 }, (_, i) => BigInt(i + 1));
    const read = <T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) => client.readContract({ address, abi, functionName, args } as never) as Promise<T>;
    const [globals, records, claimed, reservations, decommissioned] = await Promise.all([
      Promise.all([
        read<bigint>(net.staking, SessionStaking.abi as Abi, 'lastNodeId'),
        read<bigint>(net.staking, SessionStaking.abi as Abi, 'activeNodeCount'),
        read<bigint>(net.rewards, StakingRewards.abi as Abi, 'epoch'),
        read<Hex>(net.rewards, StakingRewards.abi as Abi, 'currentRoot'),
        read<bigint>(net.registry, NetworkKeyRegistry.abi as Abi, 'commissionRound'),
      ]),
      Promise.all(ids.map(async (id) => decodeNodeRecord(await read(net.staking, SessionStaking.abi as Abi, 'nodeRecord', [id])))),
      Promise.all(claimants(world).map((u) => read<bigint>(net.rewards, StakingRewards.abi as Abi, 'claimed', [u]))),
      Promise.all(ids.map((id) => Promise.all((v.state.nodes.get(id)?.reserved ?? []).map((r) => read<bigint>(net.staking, SessionStaking.abi as Abi, 'reservationOf', [id, r.address]))))),
      Promise.all(ids.map((id) => read<boolean>(net.registry, NetworkKeyRegistry.abi as Abi, 'isDecommissioned', [id]))),
    ]);
    const [lastNodeId, activeNodeCount, epoch, currentRoot, commissionRound] = globals as [bigint, bigint, bigint, Hex, bigint];
    return { lastNodeId, activeNodeCount, epoch, currentRoot, commissionRound, ids, records, claimed, reservations, decommissioned };
  }

  const lower = (a: string) => a.toLowerCase();
  /** Accounts that can have claimed: those in a tree this sequence authorised. */
  const claimants = (world: World) => [...new Set(world.trees.flatMap((t) => t.accounts))];

  async function check(world: World, step: string): Promise<void> {
    const v = world.consumer.view();
    const c = await timed('check reads', () => readChain(world));
    assert.equal(v.state.anomalies.count, 0, `${step}: no anomaly on a real chain: ${json(v.state.anomalies.latest)}`);
    assert.equal(BigInt(v.state.nodes.size), c.lastNodeId, `${step}: lastNodeId`);
    c.ids.forEach((id, i) => {
      const { chain, mine } = nodeShapes(world.consumer.view().state.nodes.get(id), world.kinds.get(id), c.records[i]!, c.reservations[i]!);
      assert.deepEqual(json(mine), json(chain.exists ? chain : { exists: false }), `${step}: node ${id}`);
    });
    const nodes = [...v.state.nodes.values()];
    // The registry counts the signing set: active and commissioned.
    assert.equal(BigInt(nodes.filter(isCommissioned).length), c.activeNodeCount, `${step}: activeNodeCount`);
    assert.equal(v.state.commissionRound, c.commissionRound, `${step}: commissionRound`);
    c.ids.forEach((id, i) => {
      const node = v.state.nodes.get(id);
      // The registry forgets the flag with the key (exit / deregistration); decommissionedAt is meaningful while active.
      const mine = node !== undefined && isActive(node) && node.decommissionedAt !== null;
      assert.equal(mine, c.decommissioned[i], `${step}: node ${id} isDecommissioned`);
      if (node?.decommissionedAt != null) assert.ok(node.downtimes.at(-1)?.from === node.decommissionedAt && node.downtimes.at(-1)?.to === null, `${step}: node ${id} downtime open`);
      const account = v.ledger.nodes.get(id);
      if (account?.active) assert.equal(account.decommissioned, node!.decommissionedAt !== null, `${step}: node ${id} decommissioned in the ledger`);
    });
    for (const node of nodes) {
      if (node.status === 'exited' || node.status === 'cancelled') {
        assert.deepEqual(json(node.returned.map((r) => [lower(r.address), r.amount])), json(node.contributors.map((x) => [lower(x.address), x.amount])), `${step}: node ${node.nodeId} returned every stake`);
      }
      if (node.unlockAt !== null) assert.equal(node.unlockAt, node.exitRequestedAt! + 15 * 86_400, `${step}: unlockAt`);
      if (node.releaseAt !== null) assert.equal(node.releaseAt, node.deregisteredAt! + 30 * 86_400, `${step}: releaseAt`);
      const expected = world.identity.get(node.nodeId);
      if (expected === null) assert.equal(node.identityProblem, null, `${step}: node ${node.nodeId} identity accepted`);
      else if (expected) assert.match(node.identityProblem ?? '', expected, `${step}: node ${node.nodeId} identity refused`);
    }
    // Only nodes with an accepted identity are in the ledger, exactly while active.
    const earning = nodes.filter((n) => isActive(n) && n.identityProblem === null).map((n) => n.nodeId).sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(v.ledger.activeIds, earning, `${step}: the ledger's active nodes`);
    assert.equal(v.state.lastCheckpoint?.epoch ?? 0n, c.epoch, `${step}: epoch`);
    assert.equal(v.state.lastCheckpoint?.root ?? `0x${'00'.repeat(32)}`, c.currentRoot, `${step}: currentRoot`);
    const accounts = claimants(world);
    accounts.forEach((u, i) => assert.equal(v.state.claimed.get(lower(u) as Address) ?? 0n, c.claimed[i], `${step}: claimed by ${u}`));
    for (const claimer of v.state.claimed.keys()) assert.ok(accounts.some((a) => lower(a) === claimer), `${step}: ${claimer} claimed without being in a tree`);
  }

  /** Every node, by the node's own view (the test picks its targets from it, like a user would). */
  const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);
  /** Three times in four a target with the right status, else any node or one that does not exist. */
  function target(world: World, i: number, wanted: (n: NodeState) => boolean): NodeState | { nodeId: bigint; missing: true } | undefined {
    const all = [...world.consumer.view().state.nodes.values()];
    if (i % 8 === 7) return { nodeId: BigInt(all.length + 1), missing: true };
    if (i % 4 === 3) return pick(all, i);
    return pick(all.filter(wanted), i);
  }
  const isNode = (t: ReturnType<typeof target>): t is NodeState => t !== undefined && !('missing' in t);
  const indexOf = (address: Address) => users.findIndex((u) => lower(u) === lower(address));

  async function signature(world: World, purpose: Hex, payloadHash: Hex, coinFlip: number) {
    // The signing set: decommissioned keys are out of the aggregate.
    const active = [...world.consumer.view().state.nodes.values()].filter(isCommissioned).map((n) => n.nodeId);
    // One time in eight more than a third do not sign: the contract refuses (InsufficientSigners).
    // (At least one signs: an empty aggregate is not a signature.)
    const nonSigners = coinFlip === 0 ? active.slice(0, Math.min(Math.floor(active.length / 3) + 1, active.length - 1)) : [];
    // The real aggregate: σ = (Σ signers' secrets)·H(m), the key Σ signers' G2 keys (point
    // additions; a G2 multiplication per signature would dominate the run).
    return timed('bls signing', async () => {
      const skip = new Set(nonSigners);
      let secret = 0n;
      let apkG2 = G2.ZERO;
      for (const id of active) {
        if (skip.has(id)) continue;
        const pair = net.keyPairs.get(id)!;
        secret = (secret + pair.secretKey) % GROUP_ORDER;
        apkG2 = apkG2.add(pair.publicKeyG2);
      }
      // No active node at all: send some well-formed signature; the contract refuses (NoActiveNodes).
      if (secret === 0n) {
        secret = 1n;
        apkG2 = G2.BASE;
      }
      const sigma = signNetworkMessage({ chainId: net.chainId, contract: net.staking, purpose, payloadHash, secretKey: secret });
      return networkSignatureArgs({ sigma, apkG2, nonSigners: nonSigners.map((id) => ({ nodeId: id, publicKeyG1: net.keyPairs.get(id)!.publicKeyG1 })) });
    });
  }

  async function registered(world: World, events: TrackedEvent[] | undefined, kind: 'solo' | 'pool', bls: number, ed: number): Promise<void> {
    const opened = events?.find((e) => e.eventName === 'NodeOpened');
    if (!opened) return;
    const nodeId = BigInt(opened.args.nodeId as bigint);
    net.keyPairs.set(nodeId, blsKeys[bls]!);
    world.kinds.set(nodeId, kind);
    world.edOf.set(nodeId, ed);
    if (!EMITS_ED25519_PROOF) {
      world.identity.set(nodeId, /no ed25519 signature/);
      return;
    }
    // The model: refused iff a live node whose identity was accepted holds the same key.
    const nodes = world.consumer.view().state.nodes;
    const holder = [...world.edOf].find(([id, e]) => id !== nodeId && e === ed && world.identity.get(id) === null && isLive(nodes.get(id)!));
    world.identity.set(nodeId, holder ? new RegExp(`already held by live node ${holder[0]}$`) : null);
  }

  async function run(world: World, op: Op): Promise<void> {
    const S = SessionStaking.abi as Abi;
    const warpTo = async (time: bigint, flip: number) => {
      const now = await chainNow();
      if (flip % 4 !== 0 && time > now) await advance(time - now);
    };
    switch (op.kind) {
      case 'solo': {
        const call = registerSoloNodeCall(net.staking, { keys: registrationKeys(op.bls, op.ed, users[op.who]!), amount: R });
        return registered(world, await send(world, op.who, net.staking, S, call.functionName, call.args, 'solo'), 'solo', op.bls, op.ed);
      }
      case 'open': {
        const reserved = op.reserveFor !== null && op.reserveFor !== op.who ? [{ account: users[op.reserveFor]!, amount: (R * BigInt(op.reserveEighths)) / 8n }] : [];
        const call = openPoolCall(net.staking, { keys: registrationKeys(op.bls, op.ed, users[op.who]!), feeBps: 700, reserved, autoActivate: op.auto, operatorAmount: (R * BigInt(op.quarters)) / 4n });
        const events = await send(world, op.who, net.staking, S, call.functionName, call.args, reserved.length ? 'open reserved' : 'open');
        await registered(world, events, 'pool', op.bls, op.ed);
        // Up to three other stakers join at the minimum, so later steps find pools to act on.
        const opened = events?.find((e) => e.eventName === 'NodeOpened');
        for (let j = 1; opened && j <= op.joiners; j++) {
          const node = world.consumer.view().state.nodes.get(BigInt(opened.args.nodeId as bigint))!;
          if (node.status !== 'awaitingContributions') break;
          const who = STAKERS[(STAKERS.indexOf(op.who) + j) % STAKERS.length]!;
          if (op.reserveFor === who) continue;
          const room = node.stakeRequired - stakeOf(node) - node.reserved.reduce((sum, r) => sum + r.amount, 0n);
          const openSlots = BigInt(10 - node.contributors.length - node.reserved.length);
          if (room <= 0n || openSlots <= 0n) break;
          await send(world, who, net.staking, S, 'contribute', [node.nodeId, room / openSlots, users[who]!], 'contribute new (joiner)');
        }
        return;
      }
      case 'contribute': {
        const t = target(world, op.node, (n) => n.status === 'awaitingContributions');
        if (!t) return;
        let amount = 1n;
        if (isNode(t)) {
          const room = t.stakeRequired - stakeOf(t) - t.reserved.reduce((s, r) => s + r.amount, 0n);
          const reservation = t.reserved.find((r) => lower(r.address) === lower(users[op.who]!))?.amount ?? 0n;
          const openSlots = BigInt(10 - t.contributors.length - t.reserved.length);
          const minimum = reservation > 0n ? reservation : openSlots > 0n ? room / openSlots : 1n;
          amount = [minimum, reservation + room, minimum + (room - minimum) / 2n, 1n, room + 1n][op.size]!;
        }
        const existing = isNode(t) && t.contributors.some((c) => lower(c.address) === lower(users[op.who]!));
        const reservedFor = isNode(t) && t.reserved.some((r) => lower(r.address) === lower(users[op.who]!));
        await send(world, op.who, net.staking, S, 'contribute', [t.nodeId, amount > 0n ? amount : 1n, users[op.who]!], existing ? 'contribute top-up' : reservedFor ? 'contribute reserved' : 'contribute new');
        return;
      }
      case 'withdraw': {
        const t = target(world, op.node, (n) => n.status === 'awaitingContributions' && n.contributors.length > 1);
        if (!t) return;
        // Mostly a contributor other than the operator (the operator must cancel instead).
        const candidates = isNode(t) ? (op.who % 5 === 0 ? t.contributors : t.contributors.slice(1)) : [];
        const contribution = pick(candidates, op.who);
        if (contribution) await warpTo(BigInt(contribution.lastContributionAt) + DAY, op.who >> 3);
        await send(world, contribution ? indexOf(contribution.address) : STAKERS[op.who % STAKERS.length]!, net.staking, S, 'withdrawContribution', [t.nodeId], 'withdraw');
        return;
      }
      case 'cancel':
      case 'activate': {
        // Activation is tried mostly on full pools (the others refuse with PoolNotFull).
        const full = (n: NodeState) => n.status === 'awaitingContributions' && stakeOf(n) === n.stakeRequired;
        const fullExists = [...world.consumer.view().state.nodes.values()].some(full);
        const t = target(world, op.node, op.kind === 'activate' && fullExists ? full : (n) => n.status === 'awaitingContributions');
        if (!t) return;
        const who = isNode(t) && op.byOperator ? indexOf(t.operator) : KEEPER;
        if (op.kind === 'activate' && isNode(t) && op.byOperator && op.node % 2 === 0) {
          // Half the time the pool is first filled (full non-auto pools are rare otherwise): the
          // reserved accounts take their slots, then the operator tops up the rest.
          for (const r of [...t.reserved]) await send(world, indexOf(r.address), net.staking, S, 'contribute', [t.nodeId, r.amount, r.address], 'contribute reserved (filling)');
          const now = world.consumer.view().state.nodes.get(t.nodeId)!;
          const room = now.stakeRequired - stakeOf(now) - now.reserved.reduce((sum, r) => sum + r.amount, 0n);
          if (room > 0n && now.status === 'awaitingContributions') await send(world, who, net.staking, S, 'contribute', [t.nodeId, room, users[who]!], 'contribute top-up (operator fills)');
        }
        await send(world, who, net.staking, S, op.kind === 'cancel' ? 'cancelPool' : 'activate', [t.nodeId], op.kind);
        return;
      }
      case 'requestExit': {
        const t = target(world, op.node, (n) => n.status === 'running');
        if (!t) return;
        const who = isNode(t) && t.contributors.length > 0 ? indexOf(t.contributors[op.who % t.contributors.length]!.address) : KEEPER;
        if (isNode(t) && t.activatedAt !== null && op.who % 3 !== 0) await warpTo(BigInt(t.activatedAt) + (op.who % 3 === 1 ? 2n * 3600n : 30n * DAY), 1);
        await send(world, who, net.staking, S, 'requestExit', [t.nodeId], 'requestExit');
        return;
      }
      case 'exitSigned':
      case 'deregister': {
        const t = target(world, op.node, (n) => (op.kind === 'exitSigned' ? n.status === 'exitRequested' : isActive(n)));
        if (!t) return;
        if (op.kind === 'exitSigned' && isNode(t) && t.exitRequestedAt !== null) await warpTo(BigInt(t.exitRequestedAt) + 15n * DAY, op.coin);
        const now = await chainNow();
        const [purpose, payload] = op.kind === 'exitSigned' ? [EXIT_PURPOSE, exitPayloadHash(t.nodeId, now)] : [DEREGISTER_PURPOSE, deregisterPayloadHash(t.nodeId, now)];
        const sig = await signature(world, purpose, payload, op.coin);
        await send(world, KEEPER, net.staking, S, op.kind === 'exitSigned' ? 'exitWithSignature' : 'deregisterWithSignature', [t.nodeId, now, sig], op.kind);
        return;
      }
      case 'exitUnsigned': {
        const t = target(world, op.node, (n) => n.status === 'exitRequested');
        if (!t) return;
        if (isNode(t) && t.exitRequestedAt !== null) await warpTo(BigInt(t.exitRequestedAt) + 30n * DAY, op.coin);
        await send(world, KEEPER, net.staking, S, 'exitWithoutSignature', [t.nodeId], 'exitUnsigned');
        return;
      }
      case 'release': {
        const t = target(world, op.node, (n) => n.status === 'deregistered');
        if (!t) return;
        if (isNode(t) && t.deregisteredAt !== null) await warpTo(BigInt(t.deregisteredAt) + 30n * DAY, op.coin);
        await send(world, KEEPER, net.staking, S, 'releaseDeregisteredStake', [t.nodeId], 'release');
        return;
      }
      case 'checkpoint': {
        // The contract will require epoch = latest + 1 and a minimum interval: both are met.
        await advance(2 * HOUR);
        await send(world, KEEPER, net.pool, RewardRatePool.abi as Abi, 'release', [], 'pool release');
        const view = world.consumer.view();
        const mine = world.consumer.checkpointAt(view.height);
        let root: Hex;
        let total: bigint;
        let tree: AuthorisedTree;
        if (mine.total > 0n && mine.tree && op.coin % 4 !== 0) {
          const t = mine.tree;
          root = mine.root;
          total = mine.total;
          const accounts = users.filter((u) => t.amountOf(u) !== undefined);
          tree = { accounts, claim: (a) => ({ amount: t.amountOf(a)!, proof: t.proof(a)! }) };
          count('checkpoint (node ledger)');
        } else {
          // Grow a synthetic ledger over the claimers by a share of what is not yet authorised.
          const received = view.state.released;
          const authorised = view.state.lastCheckpoint?.total ?? 0n;
          const grow = received > authorised ? ((received - authorised) * BigInt(op.share)) / 100n : 0n;
          const [c1, c2] = CLAIMERS.map((i) => users[i]!) as [Address, Address];
          world.synthetic.set(c1, (world.synthetic.get(c1) ?? 0n) + grow / 3n);
          world.synthetic.set(c2, (world.synthetic.get(c2) ?? 0n) + grow - grow / 3n);
          const entries = [...world.synthetic].map(([account, cumulativeAmount]) => ({ account, cumulativeAmount }));
          const t = buildRewardsTree(entries);
          root = t.root as Hex;
          total = entries.reduce((s, e) => s + e.cumulativeAmount, 0n);
          tree = { accounts: entries.map((e) => e.account), claim: (a) => { const p = proofFor(t, a); return { amount: p.cumulativeAmount, proof: p.proof }; } };
          count('checkpoint (synthetic)');
        }
        const epoch = (view.state.lastCheckpoint?.epoch ?? 0n) + 1n;
        const ledgerBlock = BigInt(view.height);
        const now = await chainNow();
        const sig = await signature(world, REWARDS_PURPOSE, rewardsPayloadHash({ stakingRewards: net.rewards, epoch, root, cumulativeTotal: total, ledgerBlock, signedAt: now }), op.coin);
        const events = await send(world, KEEPER, net.rewards, StakingRewards.abi as Abi, 'authoriseRewards', [epoch, root, total, ledgerBlock, now, sig], 'authoriseRewards');
        if (events) world.trees.push(tree);
        return;
      }
      case 'claim': {
        const tree = world.trees.at(-1);
        const account = tree ? pick(tree.accounts, op.who) : undefined;
        if (!tree || !account) return;
        const { amount, proof } = tree.claim(account);
        await send(world, KEEPER, net.rewards, StakingRewards.abi as Abi, 'claim', [account, amount, proof], 'claim');
        return;
      }
      case 'commission': {
        // Down: a commissioned node (or, a quarter of the time, any / a missing one); up: a decommissioned one.
        const t = target(world, op.node, (n) => isActive(n) && (op.down ? n.decommissionedAt === null : n.decommissionedAt !== null));
        if (!t) return;
        const view = world.consumer.view();
        // One time in eight the wrong round (CommissionRoundMismatch).
        const round = view.state.commissionRound + (op.coin === 5 ? 1n : 0n);
        const update = { round, decommission: op.down ? [t.nodeId] : [], recommission: op.down ? [] : [t.nodeId], signedAt: await chainNow() };
        const { purpose, payloadHash } = commissionMessage(update);
        const sig = await signature(world, purpose, payloadHash, op.coin);
        await send(world, KEEPER, net.registry, NetworkKeyRegistry.abi as Abi, 'updateCommission', [update.round, update.decommission, update.recommission, update.signedAt, sig], op.down ? 'decommission' : 'recommission');
        return;
      }
      case 'wait':
        await advance(op.seconds);
        return;
    }
  }

  /** Back to the clean chain, and a fresh consumer that has seen its events. */
  async function freshWorld(): Promise<World> {
    await sys.revert(clean);
    clean = await sys.snapshot();
    net.keyPairs = new Map(seededKeys);
    const world: World = {
      consumer: createNetworkConsumer(contractsOf(net), { deployBlock: sys.deployments.deployBlock, chainId: net.chainId }),
      delivered: [],
      kinds: new Map([...seededKeys.keys()].map((id) => [id, 'seeded' as const])),
      identity: new Map(),
      edOf: new Map(),
      trees: [],
      synthetic: new Map(),
    };
    for (const b of baseline) world.consumer.apply(b.events, b.block);
    return world;
  }

  it('the real tracker (followNetwork) follows pools opened with reservations and a decommission, and /health stays clean', async () => {
    const world = await freshWorld();
    // openPool emits SlotReserved around NodeOpened (before it, in older deployments): the bug
    // that stopped every node. Then the reserved account and a joiner fill it.
    await run(world, { kind: 'open', who: 1, bls: 0, ed: 0, quarters: 2, auto: true, reserveFor: 2, reserveEighths: 2, joiners: 1 });
    await run(world, { kind: 'open', who: 3, bls: 1, ed: 1, quarters: 1, auto: false, reserveFor: 4, reserveEighths: 1, joiners: 0 });
    await run(world, { kind: 'contribute', who: 2, node: 0, size: 0 });
    // A decommission, so the tracker must follow the NetworkKeyRegistry too.
    await run(world, { kind: 'commission', node: 0, down: true, coin: 1 });
    await check(world, 'pools opened');
    assert.equal(world.consumer.view().state.commissionRound, 1n, 'the decommission landed');
    const opened = [...world.consumer.view().state.nodes.values()].filter((n) => world.kinds.get(n.nodeId) === 'pool');
    assert.equal(opened.length, 2);
    assert.ok(opened.every((n) => n.reserved.length > 0 || n.contributors.length > 1), 'the reservations were recorded (or taken up)');
    const dataDir = mkdtempSync(join(tmpdir(), 'sesh-model-'));
    try {
      const { tracker, network } = await followNetwork({ deployments: sys.deployments, rpc: [sys.anvil.rpcUrl], dataDir, confirmations: 0 });
      await tracker.syncOnce();
      assert.equal(json([...network.view().state.nodes.values()]), json([...world.consumer.view().state.nodes.values()]), 'the tracker-fed consumer sees the same nodes');
      assert.equal(serialiseLedger(network.view().ledger), serialiseLedger(world.consumer.view().ledger));
      const health = chainHealth(tracker.status(), network.view().state);
      assert.deepEqual({ ok: health.ok, degraded: health.degraded, anomalies: health.anomalies.count }, { ok: true, degraded: false, anomalies: 0 });
      await tracker.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it(`the node's view equals the contracts' after every step of ${RUNS} random sequences, and nothing throws`, { timeout: 60 * 60_000 }, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        const world = await timed('revert+snapshot', freshWorld);
        await check(world, 'start');
        for (const [i, op] of ops.entries()) {
          const before = json({ state: [...world.consumer.view().state.nodes.values()], ledger: serialiseLedger(world.consumer.view().ledger) });
          const mined = world.delivered.length;
          await timed('operations', () => run(world, op));
          if (world.delivered.length === mined) {
            const after = json({ state: [...world.consumer.view().state.nodes.values()], ledger: serialiseLedger(world.consumer.view().ledger) });
            assert.equal(after, before, `step ${i} ${op.kind}: a refused operation changes nothing`);
          }
          await check(world, `step ${i} ${json(op)}`);
        }
        // A second node fed the same chain holds a byte-identical ledger and state.
        const twin = createNetworkConsumer(contractsOf(net), { deployBlock: sys.deployments.deployBlock, chainId: net.chainId });
        for (const b of [...baseline, ...world.delivered]) twin.apply(b.events, b.block);
        assert.equal(serialiseLedger(twin.view().ledger), serialiseLedger(world.consumer.view().ledger));
        assert.equal(json([...twin.view().state.nodes.values()]), json([...world.consumer.view().state.nodes.values()]));
      }),
      { numRuns: RUNS },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`model test: ${RUNS} sequences in ${seconds.toFixed(1)} s (${((seconds * 1000) / RUNS).toFixed(0)} ms each)`);
  });
});
