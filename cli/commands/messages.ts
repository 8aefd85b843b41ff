/**
 * sesh messages …: keygen, id, send, receive, delete — a Session-style mailbox on the storage
 * nodes, through the sdk storage client (the anchor's protocol).
 *
 * Keys: a Session identity is a 32-byte Ed25519 seed; the Session ID is 05 + its X25519 key.
 * `keygen` writes a fresh seed (64 hex, file mode 0600) and prints its Session ID; every
 * command that signs reads it from --seed-file (or SESH_SESSION_SEED). Nodes: --node URL, or
 * the seedNodes of --deployments FILE; the client finds the account's swarm from either.
 * Message bodies are sent as given (UTF-8 text, or a file's bytes with --data-file); this CLI
 * does not apply Session's end-to-end encryption envelope.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readDeployments } from '../../sdk/src/deployments.ts';
import { parseAccount, sessionKeysFromSeed, type SessionKeys } from '../../sdk/src/storage/account.ts';
import { createStorageClient, type StorageClient } from '../../sdk/src/storage/client.ts';
import { TTL_MAX_PUBLIC_MS, TTL_MIN_MS } from '../../sdk/src/storage/limits.ts';
import { StorageRpcError } from '../../sdk/src/storage/types.ts';
import { nodeUrl } from '../node-api.ts';
import { CliError, positional, type CliCommand, type CliIo } from '../lib.ts';

const NODE_OPTIONS = {
  node: { type: 'string' },
  deployments: { type: 'string', default: 'deployments/local.json' },
  'seed-file': { type: 'string' },
  namespace: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const COMMON = `  --node URL           a storage node to ask (any node finds the account's swarm)
  --deployments FILE   else use this deployments file's seedNodes (default deployments/local.json)
  --seed-file FILE     the Session seed (64 hex, from "messages keygen"; or set SESH_SESSION_SEED)
  --namespace N        namespace -32768..32767 (default 0: anyone may deposit, only you read)
  --json               print JSON
  --help               show this help`;

type Values = { node?: string; deployments?: string; 'seed-file'?: string; namespace?: string; json?: boolean; [k: string]: unknown };

function parse(args: string[], extra: Record<string, { type: 'string' | 'boolean' }>, usage: string): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...NODE_OPTIONS, ...extra }, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
}

function clientFor(values: Values): StorageClient {
  if (values.node) return createStorageClient({ nodeUrl: nodeUrl(values.node) });
  const file = values.deployments ?? 'deployments/local.json';
  const seeds = existsSync(file) ? readDeployments(file).seedNodes ?? [] : [];
  if (seeds.length === 0) throw new CliError(`no storage node to ask: pass --node URL, or a --deployments file with seedNodes (${file} has none${existsSync(file) ? '' : ': it does not exist'})`);
  return createStorageClient({ seedUrls: seeds });
}

function keysFrom(values: Values): SessionKeys {
  const file = values['seed-file'];
  const text = file ? readSeedFile(file) : process.env.SESH_SESSION_SEED?.trim();
  if (!text) throw new CliError('this command signs as your Session ID: pass --seed-file FILE (make one with "sesh messages keygen --out FILE") or set SESH_SESSION_SEED');
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(text)) throw new CliError(`the seed${file ? ` in ${file}` : ''} must be 64 hex digits (a 32-byte Ed25519 seed)`);
  return sessionKeysFromSeed(Uint8Array.from(Buffer.from(text.replace(/^0x/, ''), 'hex')));
}

function readSeedFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new CliError(`cannot read the seed file ${file}: ${(error as Error).message}`);
  }
}

function namespaceOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < -32768 || n > 32767) throw new CliError(`--namespace must be an integer from -32768 to 32767, not "${text}"`);
  return n;
}

/** Runs a storage call; a node's refusal becomes a CliError with its status and reason. */
async function call<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    if (error instanceof StorageRpcError) throw new CliError(`${what} refused (${error.status}): ${error.reason}`);
    throw error;
  }
}

const print = (io: CliIo, values: Values, json: unknown, lines: string[]) => (values.json ? io.out(JSON.stringify(json, null, 2)) : lines.forEach((l) => io.out(l)));

const keygenUsage = `Usage: npm run sesh -- messages keygen --out FILE

Makes a new Session identity: writes a random 32-byte Ed25519 seed (64 hex) to FILE with
mode 0600 (never overwriting) and prints its Session ID (05 + the X25519 key).`;

const idUsage = `Usage: npm run sesh -- messages id --seed-file FILE

Prints the Session ID and Ed25519 public key of a seed.`;

const sendUsage = `Usage: npm run sesh -- messages send SESSION_ID (TEXT | --data-file FILE) [--ttl SECONDS] [options]

Deposits a message for SESSION_ID at its swarm. Namespaces divisible by 10 take anyone's
messages unsigned; any other namespace is the owner's own and needs their --seed-file.

  --ttl SECONDS        lifetime, ${TTL_MIN_MS / 1000} s to ${TTL_MAX_PUBLIC_MS / 86_400_000} days in public namespaces (default 86400)
  --data-file FILE     send this file's bytes instead of TEXT
  --via N|URL          store at the Nth member of the swarm, or ask this node first (default: any)
${COMMON}`;

const receiveUsage = `Usage: npm run sesh -- messages receive --seed-file FILE [--last-hash HASH] [options]

Retrieves your messages from a member of your swarm, page by page (last_hash), and prints
hash, timestamp, expiry and text (or base64 for binary data).

  --last-hash HASH     only messages stored after this one
  --via N|URL          read from the Nth member of the swarm, or ask this node first (default: any)
${COMMON}`;

const deleteUsage = `Usage: npm run sesh -- messages delete --seed-file FILE (HASH… | --all) [options]

Deletes messages (by hash) or, with --all, every message of the namespace (or of every
namespace with --namespace all), on every member of your swarm.

  --all                delete everything in the namespace
${COMMON.replace('namespace -32768..32767', 'namespace -32768..32767 or "all"')}`;

/** --via: a member index into the swarm (0, 1, …) or a node URL to send to first (a 421 from it is followed). */
function viaOf(v: unknown): string | number | undefined {
  if (typeof v !== 'string') return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  if (/^https?:\/\//.test(v)) return nodeUrl(v);
  throw new CliError(`--via must be a member index (0, 1, …) or a node URL, not "${v}"`);
}

const textOf = (data: Uint8Array) => {
  const text = Buffer.from(data).toString('utf8');
  return Buffer.from(text, 'utf8').equals(Buffer.from(data)) && !/[\u0000-\u0008\u000e-\u001f]/.test(text) ? text : `base64:${Buffer.from(data).toString('base64')}`;
};

export const command: CliCommand = {
  name: 'messages',
  summary: 'Send, receive and delete Session messages on the storage nodes',
  subcommands: [
    {
      name: 'keygen',
      summary: 'Make a Session identity (seed file) and print its Session ID',
      usage: keygenUsage,
      async run(args, io) {
        const { values } = parse(args, { out: { type: 'string' } }, keygenUsage);
        const out = values.out as string | undefined;
        if (!out) throw new CliError(`missing --out FILE\n\n${keygenUsage}`);
        if (existsSync(out)) throw new CliError(`${out} already exists: keygen never overwrites a seed (it is your identity); choose another --out`);
        const seed = randomBytes(32);
        writeFileSync(out, `${seed.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
        const keys = sessionKeysFromSeed(seed);
        print(io, values, { sessionId: keys.sessionId, seedFile: out }, [`Session ID ${keys.sessionId}`, `seed written to ${out} (keep it secret)`]);
      },
    },
    {
      name: 'id',
      summary: 'Print the Session ID of a seed',
      usage: idUsage,
      async run(args, io) {
        const { values } = parse(args, {}, idUsage);
        const keys = keysFrom(values);
        const ed = Buffer.from(keys.ed25519PublicKey).toString('hex');
        print(io, values, { sessionId: keys.sessionId, ed25519: ed }, [`Session ID ${keys.sessionId}`, `Ed25519    ${ed}`]);
      },
    },
    {
      name: 'send',
      summary: "Deposit a message at a Session ID's swarm",
      usage: sendUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { ttl: { type: 'string' }, 'data-file': { type: 'string' }, via: { type: 'string' } }, sendUsage);
        const to = positional(positionals, 0, 'the recipient SESSION_ID', sendUsage);
        try {
          parseAccount(to);
        } catch (error) {
          throw new CliError(`SESSION_ID: ${(error as StorageRpcError).reason.replace(/^invalid request: /, '')}`);
        }
        const file = values['data-file'] as string | undefined;
        if (file && positionals[1] !== undefined) throw new CliError(`give TEXT or --data-file, not both\n\n${sendUsage}`);
        const data = file ? new Uint8Array(readFileSync(file)) : new TextEncoder().encode(positional(positionals, 1, 'the message TEXT (or --data-file FILE)', sendUsage));
        const ttlText = (values.ttl as string | undefined) ?? '86400';
        if (!/^\d+$/.test(ttlText)) throw new CliError(`--ttl must be whole seconds, not "${ttlText}"`);
        const namespace = namespaceOf(values.namespace);
        const signer = namespace % 10 === 0 ? undefined : keysFrom(values);
        if (signer && signer.sessionId !== to.toLowerCase()) throw new CliError(`namespace ${namespace} is private: only its owner stores there, and your seed is ${signer.sessionId}, not ${to}; use a namespace divisible by 10 to send to someone else`);
        const client = clientFor(values);
        const r = await call('store', () => client.store({ to, data, ttlMs: Number(ttlText) * 1000, namespace, signer, via: viaOf(values.via) }));
        const ok = r.members.filter((m) => m.result && m.signatureValid).length;
        print(io, values, { hash: r.hash, node: r.node, members: r.members }, [`stored ${r.hash} at ${r.node}`, `${ok}/${r.members.length} swarm members confirmed with a valid signature`]);
      },
    },
    {
      name: 'receive',
      summary: 'Retrieve your messages from your swarm',
      usage: receiveUsage,
      async run(args, io) {
        const { values } = parse(args, { 'last-hash': { type: 'string' }, via: { type: 'string' } }, receiveUsage);
        const keys = keysFrom(values);
        const client = clientFor(values);
        const namespace = namespaceOf(values.namespace);
        const lastHash = values['last-hash'] as string | undefined;
        const all = [];
        let node: string | number | undefined = viaOf(values.via);
        let after = lastHash;
        for (;;) {
          const page = await call('retrieve', () => client.retrieve(keys, { namespace, lastHash: after, via: node }));
          node = page.node;
          all.push(...page.messages);
          if (!page.more || page.messages.length === 0) break;
          after = page.messages.at(-1)!.hash;
        }
        const rows = all.map((m) => ({ hash: m.hash, timestamp: m.timestamp, expiry: m.expiry, text: textOf(m.data) }));
        print(io, values, { node, messages: rows }, [
          `${rows.length} message${rows.length === 1 ? '' : 's'} for ${keys.sessionId} from ${node}`,
          ...rows.map((m) => `${m.hash}  ${new Date(m.timestamp).toISOString()}  ${m.text}`),
        ]);
      },
    },
    {
      name: 'delete',
      summary: 'Delete your messages (by hash, or --all) on every swarm member',
      usage: deleteUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { all: { type: 'boolean' } }, deleteUsage);
        const keys = keysFrom(values);
        const client = clientFor(values);
        if (values.all) {
          if (positionals.length > 0) throw new CliError(`give HASH… or --all, not both\n\n${deleteUsage}`);
          const namespace = values.namespace === 'all' ? 'all' : namespaceOf(values.namespace);
          const r = await call('delete_all', () => client.deleteAll(keys, { namespace }));
          const counts = r.members.map((m) => (m.result ? (Array.isArray(m.result.deleted) ? m.result.deleted.length : Object.values(m.result.deleted).flat().length) : -1));
          print(io, values, r, [`deleted on ${counts.filter((c) => c >= 0).length}/${r.members.length} members (${counts.filter((c) => c >= 0).join(', ')} messages)`]);
          return;
        }
        if (positionals.length === 0) throw new CliError(`give the HASH of each message to delete, or --all\n\n${deleteUsage}`);
        const r = await call('delete', () => client.delete(keys, positionals));
        const deleted = new Set(r.members.flatMap((m) => m.result?.deleted ?? []));
        print(io, values, r, [`deleted ${deleted.size}/${positionals.length} on ${r.members.filter((m) => m.result).length}/${r.members.length} members`]);
      },
    },
  ],
};
