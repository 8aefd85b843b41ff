/**
 * A storage client that does what a Session client does: find the account's swarm from any
 * node (get_swarm), store at one member, retrieve from another, page with last_hash, delete
 * and expire, signing with the user's Ed25519 seed. It speaks only the anchor's JSON protocol
 * (POST /storage_rpc/v1), so it works against any compatible node.
 *
 * Time: signatures must be within ±60 s of the node's clock, so the client signs with the
 * node's time (from `info`), not its own. A 421 names the account's real swarm: the client
 * remembers it and retries there. Every refusal surfaces as a StorageRpcError with the node's
 * status and reason.
 */
import type { Account } from './account.ts';
import { fromBase64 } from './encoding.ts';
import type { Scope } from './methods.ts';
import { buildParams, type Signer } from './request-builder.ts';
import type { InfoResult, RetrieveResult, StoreMemberResult, SwarmNode, SwarmResult } from './results.ts';
import { resultText, verifyText } from './signatures.ts';
import { StorageRpcError } from './types.ts';

export const STORAGE_RPC_PATH = '/storage_rpc/v1';

export type StorageClientOptions = {
  /** Nodes to ask first (any node answers get_swarm). At least one of seedUrls / nodeUrl. */
  seedUrls?: readonly string[];
  nodeUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
};

export type RetrievedMessage = { hash: string; timestamp: number; expiry: number; data: Uint8Array };
/** Each member's answer to a store/delete/expire: its result, or why it failed, and whether its signature checked out. */
export type MemberOutcome<T> = { ed25519: string; result?: T; failure?: unknown; signatureValid?: boolean };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const trimUrl = (url: string) => url.replace(/\/+$/, '');
/** Where a member is reached: its announced URL, else the anchor's ip and HTTPS port; undefined when it has neither yet. */
const urlOf = (n: SwarmNode): string | undefined => (n.url ? trimUrl(n.url) : n.ip && n.ip !== '0.0.0.0' && n.port_https > 0 ? `https://${n.ip}:${n.port_https}` : undefined);
const reachable = (nodes: readonly SwarmNode[]): SwarmNode[] => nodes.filter((n) => urlOf(n) !== undefined);

export function createStorageClient(options: StorageClientOptions) {
  const seeds = [...(options.nodeUrl ? [options.nodeUrl] : []), ...(options.seedUrls ?? [])].map(trimUrl);
  if (seeds.length === 0) throw new Error('createStorageClient needs nodeUrl or seedUrls (a node to ask for the swarm)');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const swarms = new Map<string, SwarmNode[]>();
  let clockOffsetMs: number | undefined;

  /** One RPC call; a non-2xx answer becomes StorageRpcError(status, reason, body). */
  async function rpc<T>(url: string, method: string, params: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(`${url}${STORAGE_RPC_PATH}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, params }), signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new StorageRpcError(503, `cannot reach the storage node at ${url}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // the anchor answers refusals as plain text
    }
    if (response.ok) {
      if (!isObject(body)) throw new StorageRpcError(502, `the storage node at ${url} answered ${method} with something that is not a JSON object`);
      return body as T;
    }
    const reason = typeof body === 'string' ? body : isObject(body) && typeof body.reason === 'string' ? body.reason : text;
    throw new StorageRpcError(response.status, reason || `HTTP ${response.status}`, isObject(body) ? body : undefined);
  }

  /** The first seed that answers `method`; refusals (not unreachability) are final. */
  async function anySeed<T>(method: string, params: Record<string, unknown>): Promise<{ url: string; body: T }> {
    let last: unknown;
    for (const url of seeds) {
      try {
        return { url, body: await rpc<T>(url, method, params) };
      } catch (error) {
        last = error;
        if (!(error instanceof StorageRpcError) || (error.status !== 503 && error.status < 500)) throw error;
      }
    }
    throw last;
  }

  async function now(url?: string): Promise<number> {
    if (clockOffsetMs === undefined) {
      const before = Date.now();
      const info = url ? { body: await rpc<InfoResult>(url, 'info', {}) } : await anySeed<InfoResult>('info', {});
      clockOffsetMs = info.body.timestamp - Math.round((before + Date.now()) / 2);
    }
    return Date.now() + clockOffsetMs;
  }

  async function swarmOf(accountId: string, refresh = false): Promise<SwarmNode[]> {
    const known = swarms.get(accountId);
    if (known && !refresh) return known;
    const { body } = await anySeed<SwarmResult>('get_swarm', { pubkey: accountId });
    const members = Array.isArray(body.snodes) ? reachable(body.snodes) : [];
    if (members.length === 0) throw new StorageRpcError(503, `no reachable swarm holds ${accountId} yet (no active storage nodes, or none has announced its URL)`);
    swarms.set(accountId, members);
    return members;
  }

  /**
   * Sends a request for `accountId` to a member of its swarm (`via`: a URL, or an index into
   * the swarm), following a 421 to the swarm it names, at most twice. `build` makes fresh
   * params (re-signed with the node's time) for each attempt.
   */
  async function toSwarm<T>(accountId: string, method: string, build: (nowMs: number) => Record<string, unknown>, via?: string | number): Promise<{ url: string; body: T }> {
    for (let attempt = 0; ; attempt++) {
      const members = await swarmOf(accountId);
      const url = typeof via === 'string' ? trimUrl(via) : urlOf(members[(via ?? Math.floor(Math.random() * members.length)) % members.length]!)!;
      try {
        return { url, body: await rpc<T>(url, method, build(await now(url))) };
      } catch (error) {
        if (!(error instanceof StorageRpcError) || attempt >= 2) throw error;
        const named = error.status === 421 && isObject(error.body) && Array.isArray(error.body.snodes) ? reachable(error.body.snodes as SwarmNode[]) : [];
        if (named.length > 0) {
          swarms.set(accountId, named);
          if (typeof via === 'string') via = undefined; // the node we were pointed at is not in the swarm
          continue;
        }
        if (error.status === 406) { clockOffsetMs = undefined; continue; }
        if (error.status === 503 && typeof via !== 'string') { via = undefined; await swarmOf(accountId, true); continue; } // another member
        throw error;
      }
    }
  }

  /** Splits a recursive answer's `swarm` into per-member outcomes, checking each node's signature of `text(result)`. */
  function outcomes<T extends { signature?: string }>(body: Record<string, unknown>, text: (r: T) => string): MemberOutcome<T>[] {
    const swarm = isObject(body.swarm) ? body.swarm : {};
    return Object.entries(swarm).map(([ed25519, r]) => {
      if (!isObject(r) || r.failed) return { ed25519, failure: r };
      const result = r as T;
      const key = Buffer.from(ed25519, 'hex');
      return { ed25519, result, signatureValid: key.length === 32 && typeof result.signature === 'string' && verifyText(text(result), result.signature, key) };
    });
  }

  const decodeMessages = (body: RetrieveResult): RetrievedMessage[] =>
    (Array.isArray(body.messages) ? body.messages : []).map((m) => {
      const data = typeof m.data === 'string' ? fromBase64(m.data) : undefined;
      if (!data) throw new StorageRpcError(502, `a node returned message ${String(m.hash)} with data that is not base64`);
      return { hash: m.hash, timestamp: m.timestamp, expiry: m.expiration, data };
    });

  /** One page of the signer's messages in a namespace, after `lastHash`. */
  async function retrieve(signer: Signer, args: { namespace?: number; lastHash?: string; maxCount?: number; via?: string | number } = {}) {
    const { url, body } = await toSwarm<RetrieveResult>(signer.account.id, 'retrieve', (nowMs) =>
      buildParams.retrieve(signer, { timestamp: nowMs, namespace: args.namespace, lastHash: args.lastHash, maxCount: args.maxCount }), args.via);
    return { messages: decodeMessages(body), more: body.more === true, node: url };
  }

  /** Every message of a namespace, paging with last_hash (from one member, so paging is consistent). */
  async function retrieveAll(signer: Signer, args: { namespace?: number; pageSize?: number; via?: string | number } = {}) {
    const all: RetrievedMessage[] = [];
    let lastHash: string | undefined;
    let via = args.via;
    for (let page = 0; page < 10_000; page++) {
      const r = await retrieve(signer, { namespace: args.namespace, lastHash, maxCount: args.pageSize, via });
      via = r.node;
      all.push(...r.messages);
      if (!r.more || r.messages.length === 0) return { messages: all, node: r.node };
      lastHash = r.messages.at(-1)!.hash;
    }
    throw new StorageRpcError(500, 'retrieveAll gave up after 10,000 pages');
  }

  return {
    rpc,
    swarmOf,
    now,
    info: async (url?: string) => (url ? rpc<InfoResult>(trimUrl(url), 'info', {}) : (await anySeed<InfoResult>('info', {})).body),

    /** Deposits `data` for `to` (signed by `signer` when the namespace is not divisible by 10). */
    async store(args: { to: string; data: Uint8Array; ttlMs: number; namespace?: number; signer?: Signer; via?: string | number }) {
      const { url, body } = await toSwarm<Record<string, unknown>>(args.to, 'store', (nowMs) =>
        buildParams.store({ to: args.to, data: args.data, timestamp: nowMs, ttl: args.ttlMs, namespace: args.namespace, signer: args.signer }), args.via);
      const members = outcomes<StoreMemberResult>(body, (r) => resultText.store(r.hash));
      const hash = typeof body.hash === 'string' ? body.hash : members.find((m) => m.result)?.result?.hash;
      if (!hash) throw new StorageRpcError(502, `the storage node at ${url} stored nothing: ${JSON.stringify(body).slice(0, 200)}`);
      return { hash, node: url, members };
    },

    retrieve,
    retrieveAll,

    async delete(signer: Signer, messages: string[], args: { via?: string | number } = {}) {
      const id = signer.account.id;
      const { url, body } = await toSwarm<Record<string, unknown>>(id, 'delete', () => buildParams.delete(signer, { messages }), args.via);
      return { node: url, members: outcomes<{ deleted: string[]; signature: string }>(body, (r) => resultText.delete(id, messages, r.deleted)) };
    },

    async deleteAll(signer: Signer, args: { namespace?: Scope; via?: string | number } = {}) {
      let ts = 0;
      const { url, body } = await toSwarm<Record<string, unknown>>(signer.account.id, 'delete_all', (nowMs) => buildParams.delete_all(signer, { timestamp: (ts = nowMs), namespace: args.namespace }), args.via);
      return { node: url, members: outcomes<{ deleted: string[] | Record<string, string[]>; signature: string }>(body, (r) => resultText.delete_all(signer.account.id, ts, flat(r.deleted))) };
    },

    /** Sets (or with `mode`, only shortens / only extends) the expiry of some messages. */
    async expire(signer: Signer, messages: string[], expiry: number, args: { mode?: 'shorten' | 'extend'; via?: string | number } = {}) {
      const id = signer.account.id;
      const { url, body } = await toSwarm<Record<string, unknown>>(id, 'expire', () => buildParams.expire(signer, { messages, expiry, mode: args.mode }), args.via);
      return {
        node: url,
        members: outcomes<{ updated: string[]; unchanged?: Record<string, number>; expiry: number; signature: string }>(body, (r) => resultText.expire(id, [r.expiry], messages, r.updated, r.unchanged)),
      };
    },

    async getExpiries(signer: Signer, messages: string[], args: { via?: string | number } = {}) {
      const { body } = await toSwarm<{ expiries: Record<string, number> }>(signer.account.id, 'get_expiries', (nowMs) => buildParams.get_expiries(signer, { messages, timestamp: nowMs }), args.via);
      return body.expiries ?? {};
    },
  };
}

export type StorageClient = ReturnType<typeof createStorageClient>;

/** The one sorted hash list a node signs for a scope result (a list, or `{ ns: hashes }` for "all"). */
function flat(v: string[] | Record<string, string[]>): string[] {
  return Array.isArray(v) ? v : Object.values(v).flat().sort();
}

export type { Account, Signer };
