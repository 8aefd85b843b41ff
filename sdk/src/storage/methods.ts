/**
 * The storage RPC's methods (POST /storage_rpc/v1, `{ "method", "params" }`), parsed and
 * validated into typed requests exactly as the anchor parses them (oxen-storage-server
 * rpc/client_rpc_endpoints.cpp). Parsing checks shape only: types, sizes, base64, ranges.
 * Everything that depends on the clock or on keys (401, 403, 406) is signatures.ts'
 * `authorizeRequest`; which swarm holds the account (421) is the node's. Every refusal is a
 * StorageRpcError with status 400 and the anchor's reason ("invalid request: …"), so hostile
 * JSON can only ever produce one of those. What each method returns is in results.ts.
 */
import { parseAccount, SESSION_ID_TYPE, type Account } from './account.ts';
import { fromBase64, fromHex, isBase64 } from './encoding.ts';
import {
  invalid, isParams, oneOf, optBool, optInteger, optNamespace, optScope, optString, optStrings, optTimestamp, optTimestamps, raw, require, signatureOf, type Params,
} from './fields.ts';
import { BATCH_MAX, MAX_MESSAGE_BASE64, MAX_MESSAGE_BYTES, MESSAGE_HASH_LENGTH } from './limits.ts';
import { StorageRpcError } from './types.ts';

/** One namespace, or every namespace of the account. */
export type Scope = number | 'all';

/** The authentication a request carries: the signature and, for a Session ID, the Ed25519 key. */
export type Auth = { signature: Uint8Array; pubkeyEd25519?: Uint8Array };

export type StoreRequest = {
  method: 'store'; account: Account; namespace: number; timestamp: number; expiry: number; data: Uint8Array;
  /** Required for namespaces not divisible by 10; `sigTimestamp` defaults to `timestamp`. */
  auth?: Auth & { sigTimestamp: number };
};
export type RetrieveRequest = {
  method: 'retrieve'; account: Account; namespace: number; lastHash?: string; maxCount?: number; maxSize?: number;
  /** Required unless the namespace needs none (-10, public outboxes). */
  auth?: Auth & { timestamp: number };
};
export type DeleteRequest = { method: 'delete'; account: Account; messages: string[]; required: boolean; auth: Auth };
export type DeleteAllRequest = { method: 'delete_all'; account: Account; namespace: Scope; timestamp: number; auth: Auth };
export type DeleteBeforeRequest = { method: 'delete_before'; account: Account; namespace: Scope; before: number; auth: Auth };
export type ExpireAllRequest = { method: 'expire_all'; account: Account; namespace: Scope; expiry: number; auth: Auth };
export type ExpireRequest = {
  method: 'expire'; account: Account; messages: string[];
  /** One expiry for all messages, or one per message (same length as `messages`). */
  expiry: number[];
  /** 'shorten': only lowers expiries; 'extend': only raises them; undefined: sets them. */
  mode?: 'shorten' | 'extend';
  auth: Auth;
};
export type GetExpiriesRequest = { method: 'get_expiries'; account: Account; messages: string[]; timestamp: number; auth: Auth };
export type GetSwarmRequest = { method: 'get_swarm'; account: Account };
export type InfoRequest = { method: 'info' };
export type SubRequest =
  | StoreRequest | RetrieveRequest | DeleteRequest | DeleteAllRequest | DeleteBeforeRequest
  | ExpireAllRequest | ExpireRequest | GetExpiriesRequest | GetSwarmRequest | InfoRequest;
/** `batch` runs its sub-requests independently; `sequence` stops at the first non-2xx one. */
export type BatchRequest = { method: 'batch' | 'sequence'; requests: SubRequest[] };
export type StorageRequest = SubRequest | BatchRequest;
/** Requests every swarm member executes (the origin forwards them; results per member). */
export type RecursiveRequest = StoreRequest | DeleteRequest | DeleteAllRequest | DeleteBeforeRequest | ExpireAllRequest | ExpireRequest;
export type SignedRequest = Exclude<SubRequest, GetSwarmRequest | InfoRequest>;

export const RECURSIVE_METHODS: ReadonlySet<string> = new Set(['store', 'delete', 'delete_all', 'delete_before', 'expire_all', 'expire']);

/** The anchor's methods this node does not offer, with why (a refusal a developer can act on). */
const NOT_OFFERED: Record<string, string> = {
  oxend_request: 'oxend_request is not offered: this network has no oxend; read the chain directly or use get_swarm',
  ifelse: 'ifelse is not offered by this node; send the request for the branch you want directly',
  revoke_subaccount: 'subaccounts are not supported by this node',
  unrevoke_subaccount: 'subaccounts are not supported by this node',
};

type Parser = (p: Params) => SubRequest;
const PARSERS: Record<string, Parser> = {
  store: parseStore, retrieve: parseRetrieve, delete: parseDelete, delete_all: parseDeleteAll,
  delete_before: parseDeleteBefore, expire_all: parseExpireAll, expire: parseExpire,
  get_expiries: parseGetExpiries, get_swarm: parseGetSwarm, get_snodes_for_pubkey: parseGetSwarm, info: () => ({ method: 'info' }),
};
export const METHODS: readonly string[] = [...Object.keys(PARSERS), 'batch', 'sequence'];

/** Parses a whole request body (already JSON-decoded): `{ "method": string, "params": object }`. */
export function parseRpcBody(body: unknown): StorageRequest {
  if (!isParams(body) || typeof raw(body, 'method') !== 'string') throw new StorageRpcError(400, 'invalid json: no `method` field');
  const params = raw(body, 'params');
  if (!isParams(params)) throw new StorageRpcError(400, 'invalid json: no `params` field');
  return parseRequest(body.method as string, params);
}

export function parseRequest(method: string, params: unknown): StorageRequest {
  if (!isParams(params)) throw new StorageRpcError(400, 'invalid json: no `params` field');
  if (method === 'batch' || method === 'sequence') return { method, requests: parseBatch(params) };
  return parseSubRequest(method, params);
}

function parseSubRequest(method: string, params: Params): SubRequest {
  const parser = Object.hasOwn(PARSERS, method) ? PARSERS[method] : undefined;
  if (parser) return parser(params);
  if (Object.hasOwn(NOT_OFFERED, method)) throw new StorageRpcError(400, NOT_OFFERED[method]!);
  const shown = method.length > 40 ? `${method.slice(0, 40)}…` : method;
  throw new StorageRpcError(400, `no method ${shown} (methods: ${METHODS.join(', ')})`);
}

function parseBatch(p: Params): SubRequest[] {
  const list = raw(p, 'requests');
  if (!Array.isArray(list) || list.length === 0) throw invalid('Invalid batch request: no valid "requests" field');
  if (list.length > BATCH_MAX) throw invalid(`Invalid batch request: subrequest limit exceeded (${list.length} > ${BATCH_MAX})`);
  return list.map((sub) => {
    if (!isParams(sub)) throw invalid('Invalid batch request: requests must be objects');
    const method = raw(sub, 'method');
    const params = raw(sub, 'params');
    if (typeof method !== 'string' || !isParams(params)) throw invalid('Invalid batch request: subrequests must have method/params keys');
    if (method === 'batch' || method === 'sequence' || method === 'ifelse') throw invalid('Invalid batch subrequest: subrequests may not contain meta-requests');
    if (!Object.hasOwn(PARSERS, method)) throw invalid(`Invalid batch subrequest: invalid method "${method.slice(0, 40)}"`);
    return PARSERS[method]!(params);
  });
}

function pubkeyOf(p: Params, alias: boolean): Account {
  const pk = optString(p, 'pubkey');
  const value = alias ? oneOf('pubkey', pk, 'pubKey', optString(p, 'pubKey'), true) : require('pubkey', pk);
  return parseAccount(value);
}

function refuseSubaccount(p: Params): void {
  const sub = raw(p, 'subaccount');
  if (sub !== undefined && sub !== '') throw invalid('subaccount tokens are not supported by this node: sign with the account key');
}

/** The signature and (for 05 accounts) pubkey_ed25519 of a request that must carry them. */
function authOf(p: Params, account: Account): Auth {
  refuseSubaccount(p);
  const sig = require('signature', optString(p, 'signature'));
  const edText = optString(p, 'pubkey_ed25519');
  let pubkeyEd25519: Uint8Array | undefined;
  if (edText !== undefined) {
    if (account.type !== SESSION_ID_TYPE) throw invalid('pubkey_ed25519 is only permitted for 05[...] pubkeys');
    pubkeyEd25519 = fromHex(edText, 32);
    if (!pubkeyEd25519) throw invalid('Invalid pubkey_ed25519: expected 64 hex char or 32 byte pubkey');
  }
  const signature = signatureOf(sig);
  return pubkeyEd25519 ? { signature, pubkeyEd25519 } : { signature };
}

function isMessageHash(h: string): boolean {
  return h.length === MESSAGE_HASH_LENGTH && isBase64(h);
}

function hashesOf(p: Params, validate: boolean): string[] {
  const messages = require('messages', optStrings(p, 'messages'));
  if (messages.length === 0) throw invalid('messages does not contain any message hashes');
  if (validate) for (const m of messages) if (!isMessageHash(m)) throw invalid(`invalid message hash: ${m.slice(0, 60)}`);
  return messages;
}

function parseStore(p: Params): StoreRequest {
  const timestamp = require('timestamp', optTimestamp(p, 'timestamp', { stringified: true }));
  const ttl = optInteger(p, 'ttl', { unsigned: true, stringified: true });
  const expiryAt = optTimestamp(p, 'expiry');
  if (ttl !== undefined && expiryAt !== undefined) throw invalid("Cannot specify both 'expiry' and 'ttl'");
  if (ttl === undefined && expiryAt === undefined) throw invalid("Required field 'expiry' or 'ttl' missing");
  const account = pubkeyOf(p, true);
  const namespace = optNamespace(p) ?? 0;
  const sigTs = optTimestamp(p, 'sig_timestamp');
  let auth: StoreRequest['auth'];
  if (optString(p, 'signature') !== undefined) auth = { ...authOf(p, account), sigTimestamp: sigTs ?? timestamp };
  const dataText = require('data', optString(p, 'data'));
  if (!isBase64(dataText)) throw invalid("Invalid 'data' value: not base64 encoded");
  if (dataText.length > MAX_MESSAGE_BASE64) throw invalid(`Message body exceeds maximum allowed length of ${MAX_MESSAGE_BYTES} bytes`);
  const data = fromBase64(dataText)!;
  return { method: 'store', account, namespace, timestamp, expiry: expiryAt ?? timestamp + ttl!, data, ...(auth ? { auth } : {}) };
}

/** Namespaces anyone may retrieve from: legacy closed groups (-10) and public outboxes -(20n+1). */
export const isNoAuthRetrieveNamespace = (ns: number): boolean => ns === -10 || (ns < 0 && -ns % 20 === 1);
/** Namespaces anyone may store into: every namespace divisible by 10. */
export const isPublicInboxNamespace = (ns: number): boolean => ns % 10 === 0;

function parseRetrieve(p: Params): RetrieveRequest {
  const account = pubkeyOf(p, true);
  const nsGiven = optNamespace(p);
  const namespace = nsGiven ?? 0;
  const ts = optTimestamp(p, 'timestamp');
  const maxCount = optInteger(p, 'max_count');
  const maxSize = optInteger(p, 'max_size');
  const wantsAuth = raw(p, 'pubkey_ed25519') !== undefined || raw(p, 'signature') !== undefined || ts !== undefined || (nsGiven !== undefined && !isNoAuthRetrieveNamespace(nsGiven));
  const auth = wantsAuth ? { ...authOf(p, account), timestamp: require('timestamp', ts) } : undefined;
  let lastHash = oneOf('last_hash', optString(p, 'last_hash'), 'lastHash', optString(p, 'lastHash'), false);
  if (lastHash === '') lastHash = undefined;
  if (lastHash !== undefined) {
    if (lastHash.length !== MESSAGE_HASH_LENGTH) throw invalid(`Invalid last_hash: expected base64 (${MESSAGE_HASH_LENGTH} chars)`);
    if (!isBase64(lastHash)) throw invalid('Invalid last_hash: not base64');
  }
  return {
    method: 'retrieve', account, namespace,
    ...(lastHash !== undefined ? { lastHash } : {}), ...(maxCount !== undefined ? { maxCount } : {}), ...(maxSize !== undefined ? { maxSize } : {}), ...(auth ? { auth } : {}),
  };
}

function parseDelete(p: Params): DeleteRequest {
  const account = pubkeyOf(p, false);
  const auth = authOf(p, account);
  return { method: 'delete', account, auth, messages: hashesOf(p, true), required: optBool(p, 'required') ?? false };
}

function parseDeleteAll(p: Params): DeleteAllRequest {
  const namespace = optScope(p) ?? 0;
  const account = pubkeyOf(p, false);
  const auth = authOf(p, account);
  return { method: 'delete_all', account, auth, namespace, timestamp: require('timestamp', optTimestamp(p, 'timestamp')) };
}

function parseDeleteBefore(p: Params): DeleteBeforeRequest {
  const before = optTimestamp(p, 'before');
  const namespace = optScope(p) ?? 0;
  const account = pubkeyOf(p, false);
  const auth = authOf(p, account);
  return { method: 'delete_before', account, auth, namespace, before: require('before', before) };
}

function parseExpireAll(p: Params): ExpireAllRequest {
  const expiry = optTimestamp(p, 'expiry');
  const namespace = optScope(p) ?? 0;
  const account = pubkeyOf(p, false);
  const auth = authOf(p, account);
  return { method: 'expire_all', account, auth, namespace, expiry: require('expiry', expiry) };
}

function parseExpire(p: Params): ExpireRequest {
  const expiries = optTimestamps(p, 'expiry');
  const extend = optBool(p, 'extend') ?? false;
  const shorten = optBool(p, 'shorten') ?? false;
  const account = pubkeyOf(p, false);
  const auth = authOf(p, account);
  const expiry = require('expiry', expiries);
  if (expiry.length === 0) throw invalid("'expiry' does not contain any expiration timestamps");
  if (shorten && extend) throw invalid("cannot specify both 'shorten' and 'extend'");
  const messages = hashesOf(p, false);
  if (expiry.length > 1 && expiry.length !== messages.length) throw invalid("'expiry' must be a single expiry, or the same length as 'messages'");
  for (const m of messages) if (!isMessageHash(m)) throw invalid(`invalid message hash: ${m.slice(0, 60)}`);
  const mode = shorten ? 'shorten' : extend ? 'extend' : undefined;
  return { method: 'expire', account, auth, messages, expiry, ...(mode ? { mode } : {}) };
}

function parseGetExpiries(p: Params): GetExpiriesRequest {
  const account = pubkeyOf(p, false);
  const auth = authOf(p, account);
  const timestamp = require('timestamp', optTimestamp(p, 'timestamp'));
  return { method: 'get_expiries', account, auth, timestamp, messages: hashesOf(p, false) };
}

function parseGetSwarm(p: Params): GetSwarmRequest {
  return { method: 'get_swarm', account: pubkeyOf(p, true) };
}
