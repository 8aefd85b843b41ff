/**
 * Command-line options of the session node daemon (the future `session-node` entry point).
 * parseDaemonArgs is pure (argv in, config or help out); resolveDaemonConfig reads the
 * deployments file and fills the defaults that depend on it.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { readDeployments, type Deployments } from '../../sdk/src/deployments.ts';
import { defaultPollIntervalMs } from '../../core/chain/tracker.ts';
import { integer as integerOption, OptionError, parseDuration as durationOption } from '../../core/cli/options.ts';
import { ConfigFileError, withConfigFile, type ConfigFileSpec } from '../../core/cli/config-file.ts';
import { hostProblem } from '../../sdk/src/network/announcement.ts';

export type DaemonConfig = {
  /** In failover order; empty means "the deployments file's rpcUrl". */
  rpcUrls: string[];
  deploymentsFile: string;
  dataDir: string;
  keyDir: string;
  httpHost: string;
  httpPort: number;
  /** Undefined: 1 on a loopback chain, 20 elsewhere (see resolveDaemonConfig). */
  confirmations?: number;
  /** Undefined: 500 ms on a loopback chain, 1 min elsewhere. */
  pollIntervalMs?: number;
  chunkSize: number;
  /** The host peers reach this node at (its signed announcement); default: --http-host, or 127.0.0.1 if that is a wildcard. */
  publicHost: string;
  /** The port peers reach it at; undefined: the port it listens on. */
  publicPort?: number;
  /** Extra BLS key files this process signs with too (a host running several node identities). */
  extraBlsKeys: string[];
  /** Lifetime of the Session Pro proofs this node signs (ms; whole seconds used). */
  proProofTtlMs: number;
  /** Message bytes this node stores at most (--storage-max-mb). */
  storageMaxBytes: number;
  /** Message bytes one account may store on this node (--storage-account-max-mb). */
  storageAccountMaxBytes: number;
  /** SQLite's synchronous mode for the message database (--storage-sync). */
  storageSync: 'NORMAL' | 'FULL';
};

export type ResolvedDaemonConfig = Required<Omit<DaemonConfig, 'publicPort'>> & { publicPort?: number; deployments: Deployments };

export class DaemonConfigError extends Error {
  override name = 'DaemonConfigError';
}

export const DAEMON_HELP = `Usage: session-node --deployments FILE --data-dir DIR --http-port PORT [options]

Runs a Session node: follows the staking contracts, keeps the reward ledger, answers
signing requests and peer tests over HTTP.

Every option can also come from a JSON config file, keys = option names without dashes:
  --config FILE          e.g. { "deployments": "…", "data-dir": "…", "http-port": 22021 }
                         (or SESSION_NODE_CONFIG=FILE); relative paths are relative to the
                         file; options on the command line override it

Required:
  --deployments FILE     deployments file of the chain to follow (deployments/<network>.json)
  --data-dir DIR         where the node keeps its chain journal and state (created if missing)
  --http-port PORT       port of the node's HTTP API (0 picks a free port)

Options:
  --rpc-url URL          JSON-RPC endpoint; repeat (or comma-separate) for failover
                         (default: the deployments file's rpcUrl)
  --key-dir DIR          where the node's keys live, mode 0700 (default: <data-dir>/keys)
  --http-host HOST       address to listen on (default: 127.0.0.1)
  --confirmations N      blocks on top of a block before it counts
                         (default: 1 on a local chain, 20 elsewhere)
  --poll-interval T      how often to poll the chain: 500ms, 15s, 1m or seconds
                         (default: 500ms on a local chain, 1m elsewhere)
  --chunk-size N         max blocks per eth_getLogs request, 1..10000 (default: 1000)
  --public-host HOST     the DNS name or IP address peers reach this node at, signed into its
                         announcement (default: --http-host, or 127.0.0.1 if that is 0.0.0.0/::)
  --public-port N        the port peers reach it at, e.g. behind NAT or a proxy
                         (default: the port it listens on)
                         Testing, decommission and downtime-credit timings are the network's
                         membership rules (the deployments file's "membership"; node/README.md),
                         the same for every node, so they are not options.
  --extra-bls-key FILE   also sign with this BLS key file (repeatable; hosts several identities)
  --pro-proof-ttl T      lifetime of the signed Session Pro proofs served at
                         GET /pro/:accountId/proof, 1m..24h (default: 1h)
  --storage-max-mb N     message storage limit of this node in MB (data + hashes; the
                         database file adds SQLite's overhead); a store beyond it is
                         refused with 507 (default: 3584, the anchor's 3.5 GB)
  --storage-account-max-mb N
                         the same limit for one account's messages (default: 100)
  --storage-sync MODE    normal: a stored message survives the process being killed at
                         any moment (kill -9, crash), not a power loss of this machine (its
                         swarm still holds it); full: fsync every commit, survives power
                         loss too, at one fsync per write (default: normal)
  --help                 show this text

Commands:
  session-node status [--url http://127.0.0.1:PORT | --config FILE]
                         asks the running node (GET /status) and says in words how it is doing
  session-node prepare-registration --operator 0x… (--config FILE | --deployments FILE (--data-dir DIR | --key-dir DIR))
                         prints the registration payload JSON for the portal or the CLI
                         (creates the keys if missing)
`;

const VALUE_OPTIONS = ['--rpc-url', '--deployments', '--data-dir', '--key-dir', '--http-host', '--http-port', '--confirmations', '--poll-interval', '--chunk-size', '--public-host', '--public-port', '--extra-bls-key', '--pro-proof-ttl', '--storage-max-mb', '--storage-account-max-mb', '--storage-sync'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];
const REMOVED_OPTIONS = ['--peer-test-interval', '--peer-grace', '--deregister-after', '--deregister-min-failures', '--peer-fail-threshold'];

// ---- config file (--config / SESSION_NODE_CONFIG) ----
export const DAEMON_CONFIG_SPEC: ConfigFileSpec = {
  program: 'session-node',
  envVar: 'SESSION_NODE_CONFIG',
  valueOptions: VALUE_OPTIONS,
  pathOptions: ['--deployments', '--data-dir', '--key-dir', '--extra-bls-key'],
  repeatable: ['--rpc-url', '--extra-bls-key'],
};

/** argv with the config file merged in (the command line wins); refusals are DaemonConfigErrors. */
export function daemonArgv(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    return withConfigFile(argv, DAEMON_CONFIG_SPEC, env);
  } catch (error) {
    if (error instanceof ConfigFileError) return fail(error.message);
    throw error;
  }
}
// ---- end config file ----

const fail = (message: string): never => {
  throw new DaemonConfigError(`${message}\nRun session-node --help for the options.`);
};

// The shared parsers throw OptionError; here it becomes a DaemonConfigError with the --help hint.
const guard = <T>(parse: () => T): T => {
  try {
    return parse();
  } catch (error) {
    if (error instanceof OptionError) return fail(error.message);
    throw error;
  }
};
const integer = (option: string, raw: string, min: number, max: number) => guard(() => integerOption(option, raw, min, max));
/** parseDuration throwing DaemonConfigError (the round runner's options use it too). */
export const parseDuration = (option: string, raw: string, bounds: { minMs?: number; maxMs?: number } = {}) => guard(() => durationOption(option, raw, bounds));

function rpcUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`--rpc-url: "${raw}" is not a URL; expected e.g. http://127.0.0.1:8545`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`--rpc-url: "${raw}" must be http:// or https://`);
  return raw;
}

function proProofTtl(raw: string | undefined): number {
  if (raw === undefined) return 3_600_000;
  const ms = parseDuration('--pro-proof-ttl', raw, { maxMs: 86_400_000 });
  if (ms < 60_000 || ms > 86_400_000) fail('--pro-proof-ttl must be between 1m and 24h: clients trust a proof until it expires');
  return ms;
}

const DAY_MS = 86_400_000;
const MB = 1024 * 1024;
/** Storage limits by default: the anchor's 3.5 GB per node, and 100 MB per account. */
export const DEFAULT_STORAGE_MAX_MB = 3584;
export const DEFAULT_STORAGE_ACCOUNT_MAX_MB = 100;

function storageSync(raw: string | undefined): 'NORMAL' | 'FULL' {
  if (raw === undefined || raw === 'normal') return 'NORMAL';
  if (raw === 'full') return 'FULL';
  return fail(`--storage-sync must be normal or full, got "${raw}"`);
}

function storageLimits(node: string | undefined, account: string | undefined): { storageMaxBytes: number; storageAccountMaxBytes: number } {
  const nodeMb = node === undefined ? DEFAULT_STORAGE_MAX_MB : integer('--storage-max-mb', node, 1, 1_048_576);
  const accountMb = account === undefined ? Math.min(DEFAULT_STORAGE_ACCOUNT_MAX_MB, nodeMb) : integer('--storage-account-max-mb', account, 1, 1_048_576);
  if (accountMb > nodeMb) fail(`--storage-account-max-mb ${accountMb} is larger than the node's --storage-max-mb ${nodeMb}`);
  return { storageMaxBytes: nodeMb * MB, storageAccountMaxBytes: accountMb * MB };
}

/** The announced host: a bare DNS name or IP; a wildcard listen address is nobody's address. */
function publicHost(raw: string | undefined, httpHost: string): string {
  const host = raw ?? (httpHost === '0.0.0.0' || httpHost === '::' ? '127.0.0.1' : httpHost.replace(/^\[(.*)\]$/, '$1'));
  const problem = hostProblem(host);
  if (problem) fail(raw === undefined ? `--http-host ${httpHost} can not be announced (${problem}); give --public-host` : `--public-host: ${problem}`);
  return host;
}


export function parseDaemonArgs(argv: readonly string[], cwd = process.cwd()): { help: string } | { config: DaemonConfig } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: DAEMON_HELP };
  const values = new Map<ValueOption, string[]>();
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (REMOVED_OPTIONS.includes(arg)) fail(`${arg} was removed: when peers are tested, decommissioned and deregistered is the network's membership rules (the deployments file's "membership", see node/README.md), the same for every node`);
    if (!(VALUE_OPTIONS as readonly string[]).includes(arg)) fail(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) fail(`${arg} needs a value`);
    }
    const option = arg as ValueOption;
    if (option !== '--rpc-url' && option !== '--extra-bls-key' && values.has(option)) fail(`${option} given twice`);
    values.set(option, [...(values.get(option) ?? []), value!]);
  }
  const one = (o: ValueOption) => values.get(o)?.[0];
  const path = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const required = (o: ValueOption) => one(o) ?? fail(`${o} is required`);

  const deploymentsFile = path(required('--deployments'));
  const dataDir = path(required('--data-dir'));
  const httpPort = integer('--http-port', required('--http-port'), 0, 65_535);
  const rpcUrls = (values.get('--rpc-url') ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '').map(rpcUrl);
  if (new Set(rpcUrls).size !== rpcUrls.length) fail('--rpc-url: the same URL is given twice');
  const confirmations = one('--confirmations');
  const poll = one('--poll-interval');
  const chunk = one('--chunk-size');
  const keyDir = one('--key-dir');
  const httpHost = one('--http-host') ?? '127.0.0.1';
  return {
    config: {
      rpcUrls,
      deploymentsFile,
      dataDir,
      keyDir: keyDir ? path(keyDir) : join(dataDir, 'keys'),
      httpHost,
      publicHost: publicHost(one('--public-host'), httpHost),
      ...(one('--public-port') !== undefined ? { publicPort: integer('--public-port', one('--public-port')!, 1, 65_535) } : {}),
      httpPort,
      ...(confirmations !== undefined ? { confirmations: integer('--confirmations', confirmations, 0, 10_000) } : {}),
      ...(poll !== undefined ? { pollIntervalMs: parseDuration('--poll-interval', poll) } : {}),
      chunkSize: chunk !== undefined ? integer('--chunk-size', chunk, 1, 10_000) : 1_000,
      extraBlsKeys: (values.get('--extra-bls-key') ?? []).map(path),
      proProofTtlMs: proProofTtl(one('--pro-proof-ttl')),
      ...storageLimits(one('--storage-max-mb'), one('--storage-account-max-mb')),
      storageSync: storageSync(one('--storage-sync')),
    },
  };
}

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/;

/** Reads the deployments file and fills the chain-dependent defaults. */
export function resolveDaemonConfig(config: DaemonConfig): ResolvedDaemonConfig {
  let deployments: Deployments;
  try {
    deployments = readDeployments(config.deploymentsFile);
  } catch (error) {
    throw new DaemonConfigError(`--deployments: ${(error as Error).message}`);
  }
  const rpcUrls = config.rpcUrls.length > 0 ? config.rpcUrls : [rpcUrl(deployments.rpcUrl)];
  const local = rpcUrls.every((u) => LOOPBACK.test(u));
  return {
    ...config,
    rpcUrls,
    confirmations: config.confirmations ?? (local ? 1 : 20),
    pollIntervalMs: config.pollIntervalMs ?? defaultPollIntervalMs(rpcUrls),
    deployments,
  };
}
