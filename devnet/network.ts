/**
 * The devnet's Session network: node keys and registration payloads (through the same
 * prepare-registration path operators use), seeding them at genesis, the deployments file's
 * seedNodes and membership rules (nodes then find each other through signed announcements),
 * and the node / gateway processes. Used by `npm run devnet` and by the network fault tests.
 */
import { join } from 'node:path';
import { erc20Abi, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SessionStaking } from '../sdk/src/generated/contracts.ts';
import { prepareRegistration, parseRegistrationPayload, nodeKeysArgs, type NodeKeysArgs } from '../sdk/src/staking/registration.ts';
import { seedNodesCall, type SeedNodeInput } from '../sdk/src/staking/calls.ts';
import type { Deployments } from '../sdk/src/deployments.ts';
import { DEVNET_RULES } from '../sdk/src/network/rules.ts';
import { DEVNET_STORAGE_RULES, type StorageRules } from '../sdk/src/storage/rules.ts';
import type { Deployer } from '../contracts/deploy/deploy.ts';
import { loadOrCreateBlsKey } from '../core/keys/bls.ts';
import { loadOrCreateEd25519Key } from '../core/keys/ed25519.ts';
import { writeKeyFile } from '../core/keys/key-file.ts';
import { superviseScript, type Supervised } from './processes.ts';
import { freePort } from './anvil.ts';

export type PreparedNode = { index: number; dataDir: string; ed25519: Hex; keys: NodeKeysArgs; port: number; url: string };

/** Creates each node's keys in `<dir>/node-<i>/keys` and its registration payload for `operator`. */
export async function prepareNodes(args: { dir: string; count: number; deployments: Deployments; operator: Address }): Promise<PreparedNode[]> {
  const nodes: PreparedNode[] = [];
  for (let i = 0; i < args.count; i++) {
    const dataDir = join(args.dir, `node-${i}`);
    const keyDir = join(dataDir, 'keys');
    const { keyPair } = loadOrCreateBlsKey(keyDir);
    const { identity } = loadOrCreateEd25519Key(keyDir);
    const payload = prepareRegistration({ keyPair, operator: args.operator, ed25519SecretKey: identity.secretKey, ed25519PublicKey: identity.nodeId, chainId: args.deployments.chainId, contract: args.deployments.contracts.SessionStaking! });
    const keys = nodeKeysArgs(parseRegistrationPayload(JSON.stringify(payload), { chainId: args.deployments.chainId, contract: args.deployments.contracts.SessionStaking! }));
    const port = await freePort();
    nodes.push({ index: i, dataDir, ed25519: identity.nodeId, keys, port, url: `http://127.0.0.1:${port}` });
  }
  return nodes;
}

/**
 * Registers the nodes at genesis (SessionStaking.seedNodes, before start): the operator (the
 * sender) stakes half, and `coStakers[i % n]` the other half, so demo accounts own stakes and
 * earn rewards from the first checkpoint.
 */
export async function seedPreparedNodes(admin: Deployer, deployments: Deployments, nodes: readonly PreparedNode[], coStakers: readonly Address[] = []): Promise<void> {
  const staking = deployments.contracts.SessionStaking!;
  const requirement = (await admin.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
  await admin.send(deployments.contracts.SESH!, erc20Abi, 'approve', [staking, requirement * BigInt(nodes.length)]);
  const operator = admin.account.address;
  const inputs: SeedNodeInput[] = nodes.map((n, i) => {
    const co = coStakers.length > 0 ? coStakers[i % coStakers.length] : undefined;
    const contributors = co
      ? [{ contributor: operator, amount: requirement / 2n }, { contributor: co, amount: requirement - requirement / 2n }]
      : [{ contributor: operator, amount: requirement }];
    return { keys: n.keys, operator, feeBps: 1_000, contributors };
  });
  for (let i = 0; i < inputs.length; i += 25) {
    const call = seedNodesCall(staking, inputs.slice(i, i + 25));
    await admin.send(call.address, call.abi, call.functionName, call.args as unknown as readonly unknown[]);
  }
}

/** Seed nodes written to the deployments file: enough that one down seed does not matter. */
export const DEVNET_SEED_COUNT = 3;

/**
 * The deployments with what the membership layer needs: the first few nodes' URLs as
 * seedNodes, the devnet's short membership rules and its swarm sizes (10 nodes → 2 swarms).
 * Write it before any node starts.
 */
export function withMembership(deployments: Deployments, nodes: readonly Pick<PreparedNode, 'url'>[], rules = DEVNET_RULES, storage: StorageRules = DEVNET_STORAGE_RULES): Deployments {
  return { ...deployments, seedNodes: nodes.slice(0, DEVNET_SEED_COUNT).map((n) => n.url), membership: { ...rules }, storage: { ...storage } };
}

/**
 * A node or gateway serves once it has caught up with the chain: on a devnet seeded with 2,000
 * nodes that is ~2,000 blocks of registrations (about a minute on a busy 2-core machine), so allow
 * five; the process prints its progress meanwhile.
 */
const START_TIMEOUT_MS = 300_000;

export function spawnNode(node: Pick<PreparedNode, 'index' | 'dataDir' | 'port'>, args: { deploymentsFile: string; extra?: readonly string[]; logFile?: string; echo?: boolean; env?: Record<string, string> }): Supervised {
  const extra = args.extra ?? [];
  const given = (flag: string): boolean => extra.some((a) => a === flag || a.startsWith(`${flag}=`));
  return superviseScript(`node-${node.index}`, 'node/src/main.ts', [
    '--deployments', args.deploymentsFile,
    '--data-dir', node.dataDir,
    '--http-port', String(node.port),
    ...(given('--public-host') ? [] : ['--public-host', '127.0.0.1']),
    ...extra,
  ], { logFile: args.logFile, echo: args.echo, env: args.env, timeoutMs: START_TIMEOUT_MS });
}

/** A fresh account for the gateway's transactions (so it never races a demo account's nonce). */
export async function gatewaySubmitter(rpc: <T>(method: string, params?: unknown[]) => Promise<T>, keyFile: string): Promise<Address> {
  const key = generatePrivateKey();
  writeKeyFile(keyFile, { type: 'secp256k1', secret: key });
  const address = privateKeyToAccount(key).address;
  await rpc('anvil_setBalance', [address, '0x3635C9ADC5DEA00000']); // 1,000 ETH
  return address;
}

export function spawnGateway(args: {
  deploymentsFile: string;
  dataDir: string;
  keyFile: string;
  port: number;
  checkpointInterval: string;
  extra?: readonly string[];
  logFile?: string;
  echo?: boolean;
}): Supervised {
  return superviseScript('gateway', 'gateway/src/main.ts', [
    '--deployments', args.deploymentsFile,
    '--data-dir', args.dataDir,
    '--submitter-key-file', args.keyFile,
    '--http-port', String(args.port),
    '--checkpoint-interval', args.checkpointInterval,
    '--round-timeout', '5s',
    ...(args.extra ?? []),
  ], { logFile: args.logFile, echo: args.echo, timeoutMs: START_TIMEOUT_MS });
}
