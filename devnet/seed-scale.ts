/**
 * `--seed-nodes N`: N more registered nodes on the devnet, without processes, to see how the
 * portal and the gateway behave at network scale (the issue's 2,000). They are open pools
 * (SessionStaking.openPool by one operator account, each with real BLS and ed25519 keys and
 * proofs, ¼ of the stake in): registered on-chain records the gateway indexes like any other,
 * that never sign. Filling pools are not in the signing set, so the genesis nodes keep their
 * 2/3 quorum and checkpoints go on (N silent ACTIVE nodes would stop every round).
 *
 * Fast: the transactions are signed locally with explicit nonces and fixed gas and sent one
 * after the other without gas estimation or receipt polling; the node count is checked at the end.
 * Key generation was the slow part; consecutive BLS secrets make it a point addition a node plus
 * its proof of possession (~15 ms here). The calldata is also cached in .devnet-cache/ under the operator
 * (a fixed devnet key), chain id, contract and requirement: a fresh devnet deploys to the same
 * addresses, so later runs reuse it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFunctionData, erc20Abi, keccak256, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { SessionStaking } from '../sdk/src/generated/contracts.ts';
import { consecutiveBlsKeyPairs } from '../sdk/src/bls/index.ts';
import { nodeKeysArgs, parseRegistrationPayload, prepareRegistration } from '../sdk/src/staking/registration.ts';
import { openPoolCall } from '../sdk/src/staking/calls.ts';
import { OPERATOR_MIN_DIVISOR } from '../sdk/src/staking/constants.ts';
import type { Deployments } from '../sdk/src/deployments.ts';
import { connectDeployer } from '../contracts/deploy/deploy.ts';
import { generateEd25519Identity } from '../core/keys/ed25519.ts';

/** Upper bound of --seed-nodes (the issue's scale is 2,000). */
export const MAX_SEED_NODES = 5_000;
const WINDOW = 200;
// Generous: a pool opening verifies a BLS proof (pairing) and writes fresh slots; only the gas used is paid.
const OPEN_POOL_GAS = 3_000_000n;

export type SeedResult = { count: number; operator: Address; firstId: bigint; lastId: bigint; keysMs: number; sendMs: number };

/**
 * Opens `count` pools from a fresh operator account funded from `funder` (the treasury) with
 * exactly their operator stakes. `rpc` is the chain's JSON-RPC.
 */
export async function seedScaleNodes(args: {
  deployments: Deployments;
  funderKey: Hex;
  count: number;
  rpc: <T>(method: string, params?: unknown[]) => Promise<T>;
  log?: (line: string) => void;
  /** Where generated registrations are kept between runs (default .devnet-cache). */
  cacheDir?: string;
}): Promise<SeedResult> {
  const { deployments, count, rpc } = args;
  const log = args.log ?? (() => {});
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEED_NODES) throw new Error(`--seed-nodes must be an integer in 1..${MAX_SEED_NODES}, got ${count}`);
  const staking = deployments.contracts.SessionStaking!;
  const token = deployments.contracts.SESH!;
  const funder = await connectDeployer(deployments.rpcUrl, args.funderKey, deployments.chainId);
  const requirement = (await funder.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'stakingRequirement' })) as bigint;
  const operatorAmount = (requirement + OPERATOR_MIN_DIVISOR - 1n) / OPERATOR_MIN_DIVISOR;

  // A fixed, public devnet key (never fund it on a real network): same operator, same cache.
  const key = keccak256(toHex('sesh devnet scale-seed operator'));
  const operator = privateKeyToAccount(key).address;
  await rpc('anvil_setBalance', [operator, '0x56BC75E2D63100000000']); // plenty of ETH for gas
  await funder.send(token, erc20Abi, 'transfer', [operator, operatorAmount * BigInt(count)]);
  const op = await connectDeployer(deployments.rpcUrl, key, deployments.chainId);
  await op.send(token, erc20Abi, 'approve', [staking, operatorAmount * BigInt(count)]);

  let started = Date.now();
  const cacheDir = args.cacheDir ?? '.devnet-cache';
  const cacheFile = join(cacheDir, `scale-seed-${keccak256(toHex(`${deployments.chainId}:${staking}:${operator}:${requirement}`)).slice(2, 18)}.json`);
  const cached: Hex[] = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Hex[]) : [];
  const calls: Hex[] = cached.slice(0, count);
  if (calls.length > 0) log(`  seed nodes: ${calls.length} registrations from ${cacheFile}`);
  // Consecutive BLS secrets (one point addition each, not a scalar multiplication); the proofs
  // are still real and the contract checks every one, so they are not re-verified here.
  const start = calls.length;
  const keyPairs = consecutiveBlsKeyPairs(count - start);
  for (let i = start; i < count; i++) {
    const identity = generateEd25519Identity();
    const payload = prepareRegistration({ keyPair: keyPairs[i - start]!, operator, ed25519SecretKey: identity.secretKey, chainId: deployments.chainId, contract: staking });
    const keys = nodeKeysArgs(parseRegistrationPayload(payload));
    const call = openPoolCall(staking, { keys, feeBps: 500 + (i % 11) * 100, autoActivate: false, operatorAmount });
    calls.push(encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args } as never));
    if ((i + 1) % 500 === 0) log(`  seed nodes: ${i + 1}/${count} keys`);
  }
  if (calls.length > cached.length) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(calls));
  }
  const keysMs = Date.now() - started;
  const firstId = ((await op.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'lastNodeId' })) as bigint) + 1n;

  started = Date.now();
  let nonce = await op.publicClient.getTransactionCount({ address: operator, blockTag: 'pending' });
  const gasPrice = (await op.publicClient.getGasPrice()) * 2n;
  // One after the other, in nonce order (the chain never holds a gap); anvil mines them behind.
  for (let i = 0; i < calls.length; i++) {
    const raw = await op.walletClient.account!.signTransaction!({ to: staking, data: calls[i]!, nonce: nonce++, gas: OPEN_POOL_GAS, gasPrice, chainId: deployments.chainId, type: 'legacy' });
    await rpc<Hex>('eth_sendRawTransaction', [raw]);
    if ((i + 1) % WINDOW === 0 || i + 1 === calls.length) log(`  seed nodes: ${i + 1}/${count} opened`);
  }
  // Automine answers a send before its block is mined: wait until the chain has caught up (it
  // may only stall, for 30 s, to count as done).
  const expected = firstId + BigInt(count) - 1n;
  let lastId = 0n;
  for (let progressAt = Date.now(); Date.now() - progressAt < 30_000; ) {
    const now = (await op.publicClient.readContract({ address: staking, abi: SessionStaking.abi, functionName: 'lastNodeId' })) as bigint;
    if (now !== lastId) progressAt = Date.now();
    lastId = now;
    if (lastId >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const sendMs = Date.now() - started;
  if (lastId - firstId + 1n !== BigInt(count)) throw new Error(`seeding opened ${lastId - firstId + 1n} nodes, not ${count}`);
  return { count, operator, firstId, lastId, keysMs, sendMs };
}
