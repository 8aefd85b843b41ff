/**
 * Shared CLI plumbing: the command shape, common options (--deployments, --key-file /
 * SESH_KEY, --rpc-url), clients, sending a contract call and decoding its refusal.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Abi, Hex } from 'viem';
import { accountFromKey, publicClientFor, signerClientsFor, type Clients, type SignerClients } from '../sdk/src/clients.ts';
import { readDeployments, type Deployments } from '../sdk/src/deployments.ts';
import { decodeRevert, type DecodedRevert } from '../sdk/src/errors.ts';

export type CliIo = { out: (line: string) => void; err: (line: string) => void };
export type CliSubcommand = { name: string; summary: string; usage: string; run: (args: string[], io: CliIo) => Promise<void> };
export type CliCommand = { name: string; summary: string; subcommands: CliSubcommand[] };

/** An error whose message is shown as is: it already says what to do. */
export class CliError extends Error {
  override name = 'CliError';
}

/** A contract refused the call with a custom error; `revert` keeps it for callers that explain it. */
export class ContractRefusal extends CliError {
  override name = 'ContractRefusal';
  constructor(
    readonly functionName: string,
    readonly revert: DecodedRevert,
  ) {
    const args = revert.args.map((a) => (typeof a === 'bigint' ? a.toString() : String(a))).join(', ');
    super(`${functionName} refused: ${revert.name}(${args})`);
  }
}

export const COMMON_OPTIONS = {
  deployments: { type: 'string', default: 'deployments/local.json' },
  'key-file': { type: 'string' },
  'rpc-url': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_USAGE = `Common options:
  --deployments FILE   deployments file (default deployments/local.json)
  --key-file FILE      file holding the signer's 0x… private key (or set SESH_KEY)
  --rpc-url URL        override the deployments file's RPC URL
  --help               show this help`;

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
}

export type Context = { deployments: Deployments; clients: Clients };

export function connect(values: { deployments?: string; 'rpc-url'?: string }): Context {
  const deployments = readDeployments(values.deployments ?? 'deployments/local.json');
  const rpcUrl = values['rpc-url'] ?? deployments.rpcUrl;
  return { deployments: { ...deployments, rpcUrl }, clients: publicClientFor(deployments.chainId, rpcUrl) };
}

export function signer(ctx: Context, values: { 'key-file'?: string }): SignerClients {
  const key = values['key-file'] ? readFileSync(values['key-file'], 'utf8').trim() : (process.env.SESH_KEY ?? '');
  if (!key) throw new CliError('this command sends a transaction: pass --key-file FILE or set SESH_KEY to the signer\'s 0x… private key');
  return signerClientsFor(ctx.deployments.chainId, ctx.deployments.rpcUrl, accountFromKey(key));
}

export type Call = { address: Hex; abi: Abi; functionName: string; args: readonly unknown[] };

/** Simulates (for a clear refusal), sends and waits for a call; returns the tx hash and gas. */
export async function send(s: SignerClients, call: Call): Promise<{ hash: Hex; gasUsed: bigint }> {
  try {
    const { request } = await s.publicClient.simulateContract({ ...call, account: s.account } as never);
    // Time-dependent paths (a pool release that grows between estimate and mining) can need
    // more gas than estimated: add headroom rather than fail out of gas. Only gas used is paid.
    const estimate = await s.publicClient.estimateContractGas({ ...call, account: s.account } as never);
    const hash = await s.walletClient.writeContract({ ...(request as object), gas: estimate + (estimate / 2n > 80_000n ? estimate / 2n : 80_000n) } as never);
    const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new CliError(`${call.functionName} reverted on-chain (tx ${hash})`);
    return { hash, gasUsed: receipt.gasUsed };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const decoded = decodeRevert(error);
    if (decoded) throw new ContractRefusal(call.functionName, decoded);
    throw error;
  }
}

export function positional(positionals: string[], index: number, what: string, usage: string): string {
  const value = positionals[index];
  if (value === undefined) throw new CliError(`missing ${what}\n\n${usage}`);
  return value;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
