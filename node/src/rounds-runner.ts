/**
 * `session-node --run-rounds`: this node runs the checkpoint, deregistration and commission
 * rounds itself (core/rounds/runner.ts, the code the gateway uses), paying with its own
 * submitter key, so a dead gateway stops nothing.
 *
 * No thundering herd when many nodes do: a runner starts a round only when it is overdue by
 * its own offset, position × step, where position is this node's place in the sorted
 * commissioned ids rotated by the last epoch (so the first runner changes every epoch and a
 * dead one is replaced one step later). A checkpoint is due at last checkpoint time +
 * interval + offset (chain time); deregistration and commission rounds run every interval +
 * offset (wall clock). Runners that still race are safe: the contracts refuse the copy
 * (EpochNotNext, CommissionRoundMismatch) and the runner reports "landed elsewhere".
 *
 * Options (taken out of argv before the daemon's own parser sees them):
 *   --run-rounds                  enable
 *   --submitter-key-file FILE     secp256k1 key file of the account that pays (required with it)
 *   --checkpoint-interval T       default 10m (the gateway's)
 *   --rounds-step T               offset per position, default 30s
 */
import { readKeyFile } from '../../core/keys/key-file.ts';
import type { Ed25519Identity } from '../../core/keys/ed25519.ts';
import { signRequest } from '../../core/http/node-auth.ts';
import { createCooldownRegistry } from '../../core/rounds/cooldown.ts';
import { createRoundRunner, CheckpointTooSoonError, type RoundRunner } from '../../core/rounds/runner.ts';
import { inSigningSet } from '../../core/rounds/signing-set.ts';
import type { NetworkConsumer } from '../../core/state/consumer.ts';
import type { NetworkView } from '../../core/state/consumer.ts';
import type { ContractAddresses } from '../../core/state/network-state.ts';
import type { Tracker } from '../../core/chain/tracker.ts';
import type { RpcRequest } from '../../core/chain/rpc.ts';
import { connectDeployer } from '../../contracts/deploy/deploy.ts';
import { DaemonConfigError, parseDuration } from './daemon-config.ts';

export const RUNNER_HELP = `
Running rounds (no gateway needed):
  --run-rounds           also run the checkpoint, deregistration and commission rounds
  --submitter-key-file FILE
                         key file { "type": "secp256k1", "secret": "0x…" } of the account that
                         pays for those transactions (required with --run-rounds)
  --checkpoint-interval T
                         checkpoint when the last one is this old plus this node's offset
                         (default 10m)
  --rounds-step T        offset per position in the rotated order of commissioned nodes, so
                         runners do not all start at once (default 30s)
`;

export type RunnerArgs = { submitterKeyFile: string; checkpointIntervalMs: number; stepMs: number };

/** Splits the runner's options off argv; `runner` is undefined without --run-rounds. */
export function extractRunnerArgs(argv: readonly string[], resolvePath: (p: string) => string): { rest: string[]; runner?: RunnerArgs } {
  const rest: string[] = [];
  const got = new Map<string, string>();
  let enabled = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--run-rounds') {
      enabled = true;
      continue;
    }
    if (name === '--submitter-key-file' || name === '--checkpoint-interval' || name === '--rounds-step') {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new DaemonConfigError(`${name} needs a value`);
      got.set(name, value);
      continue;
    }
    rest.push(arg);
  }
  if (!enabled) {
    if (got.size > 0) throw new DaemonConfigError(`${[...got.keys()].join(', ')} only make sense with --run-rounds`);
    return { rest };
  }
  const key = got.get('--submitter-key-file');
  if (!key) throw new DaemonConfigError('--run-rounds needs --submitter-key-file FILE (the account that pays for the transactions)');
  return {
    rest,
    runner: {
      submitterKeyFile: resolvePath(key),
      checkpointIntervalMs: got.has('--checkpoint-interval') ? parseDuration('--checkpoint-interval', got.get('--checkpoint-interval')!) : 600_000,
      stepMs: got.has('--rounds-step') ? parseDuration('--rounds-step', got.get('--rounds-step')!) : 30_000,
    },
  };
}

/** This node's offset position: its index among the sorted commissioned ids, rotated by the last epoch. */
export function runnerPosition(view: NetworkView, ownEd25519: string): number | undefined {
  const ids = [...view.state.nodes.values()].filter(inSigningSet).sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  const index = ids.findIndex((n) => n.ed25519Key.toLowerCase() === ownEd25519.toLowerCase());
  if (index < 0) return undefined; // not commissioned: it has no place in the order (it still may run, last)
  const epoch = view.state.lastCheckpoint?.epoch ?? 0n;
  return Number((BigInt(index) - epoch % BigInt(ids.length) + BigInt(ids.length)) % BigInt(ids.length));
}

export async function startNodeRounds(options: {
  args: RunnerArgs;
  network: NetworkConsumer;
  tracker: Tracker;
  contracts: ContractAddresses;
  rpcUrl: string;
  chainId: number;
  identity: Ed25519Identity;
  endpoints: () => ReadonlyMap<string, string>;
  rpc: RpcRequest;
  chainNow: () => Promise<number>;
  confirmations: number;
  commissionIntervalMs: number;
  log: (line: string) => void;
}): Promise<{ runner: RoundRunner; stop: () => void }> {
  const { args, network, log } = options;
  const key = readKeyFile(args.submitterKeyFile, 'secp256k1');
  const submitter = await connectDeployer(options.rpcUrl, key.secret, options.chainId);
  const runner = createRoundRunner({
    network, tracker: options.tracker, contracts: options.contracts, submitter, endpoints: options.endpoints,
    sign: (method, path, body) => signRequest(options.identity, method, path, body),
    cooldowns: createCooldownRegistry({ durationMs: 60_000, maxMs: 16 * 60_000 }),
    roundTimeoutMs: 10_000, log, name: 'rounds', rpc: options.rpc, chainNow: options.chainNow, confirmations: options.confirmations,
    checkpointBudgetMs: Math.max(args.checkpointIntervalMs, 60_000),
  });
  const offsetMs = () => (runnerPosition(network.view(), options.identity.nodeId) ?? network.view().state.nodes.size) * args.stepMs;
  const busy = new Set<string>();
  const once = (what: string, run: () => Promise<unknown>) => {
    if (busy.has(what)) return;
    busy.add(what);
    run()
      .catch((e: Error) => {
        if (!(e instanceof CheckpointTooSoonError)) log(`rounds: ${what} failed: ${e.message.split('\n')[0]}`);
      })
      .finally(() => busy.delete(what));
  };
  const lastRun = { deregistration: Date.now(), commission: Date.now() };
  const tick = async () => {
    const offset = offsetMs();
    const last = network.view().state.lastCheckpoint;
    const now = await options.chainNow().catch(() => undefined);
    if (now !== undefined && (now - (last?.time ?? 0)) * 1000 >= args.checkpointIntervalMs + offset) {
      once('checkpoint', async () => {
        log(`rounds: checkpoint overdue by this node's offset ${offset / 1000} s; running it`);
        await runner.checkpoint();
      });
    }
    for (const [kind, interval, run] of [['deregistration', 30_000, runner.deregisterFailing], ['commission', options.commissionIntervalMs, runner.commission]] as const) {
      if (Date.now() - lastRun[kind] >= interval + offset) {
        lastRun[kind] = Date.now();
        once(kind, run);
      }
    }
  };
  const timer = setInterval(() => void tick(), Math.max(1_000, Math.min(5_000, args.stepMs / 2)));
  log(`rounds: this node runs rounds (checkpoint every ${args.checkpointIntervalMs / 1000} s + ${args.stepMs / 1000} s per position)`);
  return { runner, stop: () => clearInterval(timer) };
}
