/**
 * Shared helpers for the staking tests and the staking gas bench: deterministic BLS node keys
 * with real proofs of possession, network signatures from the active keys, readers.
 * The aggregate signature of a signer set S is computed as (Σ_S sk)·H, which is exactly the
 * sum of the individual signatures Σ_S (sk·H); one test checks the two agree.
 */
import { encodeAbiParameters, erc20Abi, keccak256, toBytes, type Address, type Hex } from 'viem';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  blsKeyPairFromSecret,
  g1ToSolidity,
  g2ToSolidity,
  GROUP_ORDER,
  hashToG1,
  proofOfPossessionDigest,
  networkSignatureArgs,
  signNetworkMessage,
  type BlsKeyPair,
  type NetworkSignatureArgs,
} from '../../sdk/src/bls/index.ts';
import { G1, G2 } from '../../sdk/src/bls/curve.ts';
import { SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import {
  decodeNodeRecord,
  ed25519SignatureWords,
  nodeKeysArgs,
  signEd25519Registration,
  parseRegistrationPayload,
  prepareRegistration,
  seedNodesCall,
  type NodeKeysArgs,
  type NodeRecord,
  type SeedNodeInput,
} from '../../sdk/src/staking/index.ts';
import type { Deployer } from '../deploy/deploy.ts';
import type { LocalSystem } from '../../devnet/testkit.ts';

export type StakingNet = {
  sys: LocalSystem;
  chainId: number;
  token: Address;
  pool: Address;
  staking: Address;
  /** NetworkKeyRegistry (deployed by SessionStaking): the active keys and the signature checks. */
  registry: Address;
  rewards: Address;
  /** Key pair of every node id this process created (active or not). */
  keyPairs: Map<bigint, BlsKeyPair>;
};

export function stakingNet(sys: LocalSystem): StakingNet {
  const c = sys.deployments.contracts;
  return {
    sys,
    chainId: sys.anvil.chainId,
    token: c.SESH!,
    pool: c.RewardRatePool!,
    staking: c.SessionStaking!,
    registry: c.NetworkKeyRegistry!,
    rewards: c.StakingRewards!,
    keyPairs: new Map(),
  };
}

let keyCounter = 0n;
/** A deterministic, never-repeating key pair (a test run reuses no key by accident). */
export function nextKeyPair(): BlsKeyPair {
  keyCounter += 1n;
  const seed = BigInt(keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'uint256' }], ['sesh-test-node', keyCounter])));
  return blsKeyPairFromSecret((seed % (GROUP_ORDER - 1n)) + 1n);
}

// Bulk keys for seeding: secrets in arithmetic progression, so each key pair is one point
// addition away from the last (G2 scalar multiplication costs ~30 ms in JS; an add ~0.1 ms).
let bulk: BlsKeyPair | undefined;
function nextBulkKeyPair(): BlsKeyPair {
  if (!bulk) {
    const first = nextKeyPair();
    bulk = first;
    return first;
  }
  bulk = { secretKey: bulk.secretKey + 1n, publicKeyG1: bulk.publicKeyG1.add(G1.BASE), publicKeyG2: bulk.publicKeyG2.add(G2.BASE) };
  if (bulk.secretKey >= GROUP_ORDER) throw new Error('bulk key range exhausted');
  return bulk;
}

/** The test node's ed25519 secret (32-byte seed), derived from its BLS secret: one identity per node. */
export function testEd25519Secret(keyPair: BlsKeyPair): Uint8Array {
  return toBytes(keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'uint256' }], ['sesh-test-ed25519', keyPair.secretKey])));
}

/**
 * Keys + a real PoP and a real ed25519 registration signature for `operator`, fast: the PoP is
 * the same point signProofOfPossession gives (hashToG1(digest)·sk) computed with a
 * variable-time multiply (test keys only). `ed25519Secret` defaults to one derived from the BLS key.
 */
export function bulkNodeKeys(net: StakingNet, operator: Address, ed25519Secret?: Uint8Array): { keyPair: BlsKeyPair; keys: NodeKeysArgs } {
  const keyPair = nextBulkKeyPair();
  const digest = proofOfPossessionDigest({ chainId: net.chainId, contract: net.staking, operator, publicKey: keyPair.publicKeyG1 });
  const pop = hashToG1(digest).multiplyUnsafe(keyPair.secretKey);
  const edSecret = ed25519Secret ?? testEd25519Secret(keyPair);
  const blsKey = keyPair.publicKeyG1.toAffine();
  return {
    keyPair,
    keys: {
      blsKey: g1ToSolidity(keyPair.publicKeyG1),
      blsKeyG2: g2ToSolidity(keyPair.publicKeyG2),
      proofOfPossession: g1ToSolidity(pop),
      ed25519Key: `0x${bytesToHex(ed25519.getPublicKey(edSecret))}`,
      ed25519Signature: ed25519SignatureWords(signEd25519Registration(edSecret, { chainId: net.chainId, contract: net.staking, operator, blsKey })),
    },
  };
}

/** Keys + PoP + ed25519 signature for `operator`, through the registration payload path the portal uses. */
export function nodeKeysFor(net: StakingNet, operator: Address, keyPair = nextKeyPair()): { keyPair: BlsKeyPair; keys: NodeKeysArgs } {
  const payload = prepareRegistration({ keyPair, operator, ed25519SecretKey: testEd25519Secret(keyPair), chainId: net.chainId, contract: net.staking });
  return { keyPair, keys: nodeKeysArgs(parseRegistrationPayload(JSON.stringify(payload))) };
}

export async function approveMax(d: Deployer, net: StakingNet, spender: Address = net.staking): Promise<void> {
  await d.send(net.token, erc20Abi, 'approve', [spender, 2n ** 255n]);
}

export async function read<T>(net: StakingNet, address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []): Promise<T> {
  const d = await net.sys.as(0);
  return (await d.publicClient.readContract({ address, abi, functionName, args } as never)) as T;
}

export const readStaking = <T>(net: StakingNet, fn: string, args: readonly unknown[] = []) => read<T>(net, net.staking, SessionStaking.abi, fn, args);
export const readRewards = <T>(net: StakingNet, fn: string, args: readonly unknown[] = []) => read<T>(net, net.rewards, StakingRewards.abi, fn, args);

export async function balanceOf(net: StakingNet, who: Address): Promise<bigint> {
  return read<bigint>(net, net.token, erc20Abi, 'balanceOf', [who]);
}

export async function readNode(net: StakingNet, nodeId: bigint): Promise<NodeRecord> {
  return decodeNodeRecord(await readStaking<[bigint[], bigint[]]>(net, 'nodeRecord', [nodeId]));
}

export async function lastNodeId(net: StakingNet): Promise<bigint> {
  return readStaking<bigint>(net, 'lastNodeId');
}

/** The active node ids, from the chain (status Active or ExitRequested). */
export async function activeNodeIds(net: StakingNet): Promise<bigint[]> {
  const last = await lastNodeId(net);
  const ids: bigint[] = [];
  for (let id = 1n; id <= last; id++) {
    const status = (await readNode(net, id)).status;
    if (status === 'Active' || status === 'ExitRequested') ids.push(id);
  }
  return ids;
}

/**
 * The network's signature over (purpose, payloadHash) for this StakingNet's SessionStaking:
 * every active node in `active` signs except `nonSigners`.
 */
export function networkSignature(
  net: StakingNet,
  active: readonly bigint[],
  purpose: Hex,
  payloadHash: Hex,
  nonSigners: readonly bigint[] = [],
  overrides: { chainId?: number; contract?: Address } = {},
): NetworkSignatureArgs {
  const skip = new Set(nonSigners.map(String));
  let secret = 0n;
  for (const id of active) {
    if (skip.has(String(id))) continue;
    const pair = net.keyPairs.get(id);
    if (!pair) throw new Error(`no key pair for node ${id}`);
    secret = (secret + pair.secretKey) % GROUP_ORDER;
  }
  const sigma = signNetworkMessage({ chainId: overrides.chainId ?? net.chainId, contract: overrides.contract ?? net.staking, purpose, payloadHash, secretKey: secret });
  return networkSignatureArgs({
    sigma,
    apkG2: G2.BASE.multiply(secret),
    nonSigners: nonSigners.map((id) => ({ nodeId: id, publicKeyG1: net.keyPairs.get(id)!.publicKeyG1 })),
  });
}

/** Σ of the G1 keys of `ids` as the contract stores the aggregate ((0,0) for none). */
export function aggregateOf(net: StakingNet, ids: readonly bigint[]): { x: bigint; y: bigint } {
  let sum = G1.ZERO;
  for (const id of ids) sum = sum.add(net.keyPairs.get(id)!.publicKeyG1);
  const { x, y } = sum.toAffine();
  return { x, y };
}

export const DAY = 24n * 3600n;

/**
 * Seeds `count` nodes (staking must not be started), operator account 0 staking in full
 * unless `contributors` says otherwise. Returns the new node ids.
 */
export async function seedNodes(
  net: StakingNet,
  count: number,
  options: {
    batch?: number;
    contributors?: (index: number, requirement: bigint) => SeedNodeInput['contributors'];
    log?: (done: number) => void;
  } = {},
): Promise<bigint[]> {
  const admin = await net.sys.as(0);
  const operator = admin.account.address;
  await approveMax(admin, net);
  const requirement = await readStaking<bigint>(net, 'stakingRequirement');
  const batch = options.batch ?? 50;
  const ids: bigint[] = [];
  let next = (await lastNodeId(net)) + 1n;
  for (let start = 0; start < count; start += batch) {
    const nodes: SeedNodeInput[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const { keyPair, keys } = bulkNodeKeys(net, operator);
      net.keyPairs.set(next + BigInt(i - start), keyPair);
      nodes.push({ keys, operator, feeBps: 500, contributors: options.contributors?.(i, requirement) ?? [{ contributor: operator, amount: requirement }] });
    }
    // Explicit gas: estimating a batch re-executes every PoP check many times (~10x slower).
    const gas = 400_000n * BigInt(nodes.length) + 200_000n;
    const hash = await admin.walletClient.writeContract({ ...seedNodesCall(net.staking, nodes), gas } as never);
    const receipt = await admin.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`seedNodes batch at ${start} reverted (tx ${hash})`);
    for (let i = 0; i < nodes.length; i++) ids.push(next + BigInt(i));
    next += BigInt(nodes.length);
    options.log?.(ids.length);
  }
  return ids;
}
