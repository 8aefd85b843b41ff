/**
 * `session-node status [--url URL | --config FILE] [--json]`: asks a running node for
 * GET /status and prints it in words. The URL comes from --url, or from the node's own config
 * file (its --http-host/--http-port), so an operator types the same --config as the service.
 * Exit codes: 0 printed, 1 bad usage, 2 the node did not answer (with what to do).
 */
import { DaemonConfigError, daemonArgv, parseDaemonArgs } from '../daemon-config.ts';
import { formatStatus } from './format.ts';
import type { NodeStatusJson } from './types.ts';

export const STATUS_HELP = `Usage: session-node status [--url http://127.0.0.1:PORT | --config FILE] [--json]

Asks a running session-node (GET /status) whether it is registered, announced, tested,
commissioned, how much downtime credit and reward it has, and how far it is behind the chain.

  --url URL      the node's HTTP API
  --config FILE  the node's config file (or SESSION_NODE_CONFIG): its http-host and http-port
  --json         print the raw JSON instead of words
`;

type Io = { out: (text: string) => void; err: (text: string) => void; env?: NodeJS.ProcessEnv; timeoutMs?: number };

/** The node's base URL from the arguments; throws DaemonConfigError saying what to give. */
export function statusUrl(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  let raw: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') continue;
    if (a === '--url') raw = argv[++i] ?? '';
    else if (a.startsWith('--url=')) raw = a.slice('--url='.length);
    else if (a === '--config') rest.push(a, argv[++i] ?? '');
    else if (a.startsWith('--config=')) rest.push(a);
    else throw new DaemonConfigError(`status: unexpected argument "${a}"; give --url URL or --config FILE`);
  }
  if (raw !== undefined) {
    if (rest.length > 0) throw new DaemonConfigError('status: give either --url or --config, not both');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DaemonConfigError(`status: --url "${raw}" is not a URL; expected e.g. http://127.0.0.1:22021`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DaemonConfigError(`status: --url must be http:// or https://, got "${raw}"`);
    return url.origin;
  }
  if (rest.length === 0 && !env.SESSION_NODE_CONFIG) throw new DaemonConfigError('status: give --url http://127.0.0.1:PORT (the node\'s --http-port) or --config FILE (the node\'s config file)');
  const parsed = parseDaemonArgs(daemonArgv(rest, env));
  if (!('config' in parsed)) throw new DaemonConfigError('status: --help is not a config option');
  const { httpHost, httpPort } = parsed.config;
  if (httpPort === 0) throw new DaemonConfigError('status: the config file says http-port 0 (a random port); give --url with the port the node printed');
  // A node listening on every address is reachable on loopback.
  const host = httpHost === '0.0.0.0' || httpHost === '::' ? '127.0.0.1' : httpHost.includes(':') ? `[${httpHost}]` : httpHost;
  return `http://${host}:${httpPort}`;
}

function isStatus(value: unknown): value is NodeStatusJson {
  const v = value as NodeStatusJson;
  return typeof v === 'object' && v !== null && v.version === 1 && typeof v.chain === 'object' && typeof v.announcement === 'object';
}

export async function statusCommand(argv: readonly string[], io: Io): Promise<number> {
  if (argv.includes('--help')) {
    io.out(STATUS_HELP);
    return 0;
  }
  let base: string;
  try {
    base = statusUrl(argv, io.env ?? process.env);
  } catch (error) {
    if (!(error instanceof DaemonConfigError)) throw error;
    io.err(`session-node ${error.message.split('\n')[0]}\n`);
    return 1;
  }
  let body: unknown;
  try {
    const response = await fetch(`${base}/status`, { signal: AbortSignal.timeout(io.timeoutMs ?? 5_000) });
    body = await response.json().catch(() => null);
    if (!response.ok || !isStatus(body)) {
      const reason = (body as { reason?: string } | null)?.reason;
      io.err(`session-node status: ${base} answered ${response.status}${reason ? ` (${reason})` : ''}, not a node status; is it a session-node of this version? Check the --url or the port.\n`);
      return 2;
    }
  } catch (error) {
    const cause = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).name;
    io.err(`session-node status: the node at ${base} is not reachable (${cause}). Is session-node running? Start it (systemctl start session-node, or session-node --config FILE) and look at its log (journalctl -u session-node); if it listens elsewhere, give --url.\n`);
    return 2;
  }
  io.out(argv.includes('--json') ? `${JSON.stringify(body, null, 2)}\n` : formatStatus(body as NodeStatusJson));
  return 0;
}
