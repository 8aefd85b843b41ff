/** Command-line options of the gateway (pure: argv in, config or help out). */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../node/src/daemon-config.ts';

export const GATEWAY_HELP = `Usage: gateway --deployments FILE --data-dir DIR --submitter-key-file FILE [options]

Runs the Session network gateway: follows the staking contracts, fans signing requests out
to every active node, aggregates their BLS shares, submits checkpoints and deregistrations,
and serves the portal's API.

Required:
  --deployments FILE          deployments file of the chain (deployments/<network>.json)
  --data-dir DIR              where the gateway keeps its chain journal and the nodes' announcements
  --submitter-key-file FILE   key file { "type": "secp256k1", "secret": "0x…" } (mode 0600) of the
                              account that pays for checkpoint / deregistration transactions

Options:
  --http-port N               port of the API (default 8600; 0 picks a free one)
  --http-host HOST            address to listen on (default 127.0.0.1)
  --rpc-url URL               JSON-RPC endpoint; repeat for failover (default: the deployments file's)
  --seed URL                  a node's HTTP base URL to learn the nodes' announcements from;
                              repeatable (in addition to the deployments file's seedNodes)
  --cors-origin ORIGIN        origin allowed to call the API from a browser (default *)
  --checkpoint-interval T     how often to authorise a rewards checkpoint, e.g. 30s, 10m; "off"
                              disables (default 10m)
  --deregistration-interval T how often to collect nodes' deregistration votes (default 30s; "off")
  --round-timeout T           per-node timeout of a signing round (default 10s)
  --submit-wait T             longest wait for one transaction to confirm (re-sent if dropped,
                              replaced if stuck; default 60s)
  --outside-round-interval T  an exit / deregistration signature asked for from outside is
                              signed at most once per this interval (default 5s)
  --cooldown T                first cooldown of a node that returned a bad signature (default 1m)
  --confirmations N           blocks on top of a block before it counts (default 1 locally, 20 elsewhere)
  --poll-interval T           chain poll interval (default 500ms locally, 1m elsewhere)
  --help                      show this text
`;

export type GatewayConfig = {
  deploymentsFile: string;
  dataDir: string;
  /** Extra bootstrap nodes (--seed), besides the deployments file's seedNodes. */
  seeds: string[];
  submitterKeyFile: string;
  httpPort: number;
  httpHost: string;
  rpcUrls: string[];
  corsOrigin: string;
  checkpointIntervalMs: number | null;
  deregistrationIntervalMs: number | null;
  roundTimeoutMs: number;
  submitWaitMs: number;
  outsideRoundIntervalMs: number;
  cooldownMs: number;
  confirmations?: number;
  pollIntervalMs?: number;
};

/** A seed is a plain http(s) base URL; it is only pulled from, never trusted. */
function seedUrl(raw: string, fail: (m: string) => never): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`--seed: "${raw}" is not a URL; expected a node's base URL, e.g. http://203.0.113.5:22020`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`--seed: "${raw}" must be http:// or https://`);
  return raw.replace(/\/+$/, '');
}

export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
}

export function parseGatewayArgs(argv: readonly string[], cwd = process.cwd()): { help: string } | { config: GatewayConfig } {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        deployments: { type: 'string' },
        'data-dir': { type: 'string' },
        seed: { type: 'string', multiple: true },
        'submitter-key-file': { type: 'string' },
        'http-port': { type: 'string' },
        'http-host': { type: 'string' },
        'rpc-url': { type: 'string', multiple: true },
        'cors-origin': { type: 'string' },
        'checkpoint-interval': { type: 'string' },
        'deregistration-interval': { type: 'string' },
        'round-timeout': { type: 'string' },
        'submit-wait': { type: 'string' },
        'outside-round-interval': { type: 'string' },
        cooldown: { type: 'string' },
        confirmations: { type: 'string' },
        'poll-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new GatewayConfigError(`${(error as Error).message}\nRun gateway --help for the options.`);
  }
  if (values.help) return { help: GATEWAY_HELP };
  const str = (k: string) => values[k] as string | undefined;
  const need = (k: string) => str(k) ?? fail(`--${k} is required`);
  const fail = (m: string): never => {
    throw new GatewayConfigError(`${m}\nRun gateway --help for the options.`);
  };
  const path = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const duration = (k: string, def: number | null): number | null => {
    const v = str(k);
    if (v === undefined) return def;
    if (v === 'off') return null;
    try {
      return parseDuration(`--${k}`, v);
    } catch (error) {
      return fail((error as Error).message.split('\n')[0]!);
    }
  };
  const port = str('http-port') ?? '8600';
  if (!/^\d+$/.test(port) || Number(port) > 65_535) fail(`--http-port: expected 0..65535, got "${port}"`);
  const confirmations = str('confirmations');
  if (confirmations !== undefined && !/^\d+$/.test(confirmations)) fail(`--confirmations: expected an integer, got "${confirmations}"`);
  return {
    config: {
      deploymentsFile: path(need('deployments')),
      dataDir: path(need('data-dir')),
      seeds: ((values.seed as string[] | undefined) ?? []).map((u) => seedUrl(u, fail)),
      submitterKeyFile: path(need('submitter-key-file')),
      httpPort: Number(port),
      httpHost: str('http-host') ?? '127.0.0.1',
      rpcUrls: ((values['rpc-url'] as string[] | undefined) ?? []).flatMap((u) => u.split(',')).filter(Boolean),
      corsOrigin: str('cors-origin') ?? '*',
      checkpointIntervalMs: duration('checkpoint-interval', 600_000),
      deregistrationIntervalMs: duration('deregistration-interval', 30_000),
      roundTimeoutMs: duration('round-timeout', 10_000) ?? 10_000,
      submitWaitMs: duration('submit-wait', 60_000) ?? 60_000,
      outsideRoundIntervalMs: duration('outside-round-interval', 5_000) ?? 5_000,
      cooldownMs: duration('cooldown', 60_000) ?? 60_000,
      ...(confirmations !== undefined ? { confirmations: Number(confirmations) } : {}),
      ...(str('poll-interval') !== undefined ? { pollIntervalMs: duration('poll-interval', null) ?? undefined } : {}),
    },
  };
}
