/**
 * Who may do what, and the exact bytes that prove it, as the anchor checks it
 * (oxen-storage-server rpc/request_handler.cpp).
 *
 * Clients sign, with the account's Ed25519 key, a text that names the method and pins its
 * parameters (`requestText`): a signature for one request cannot be replayed as another.
 * Timestamps in those texts must be within ±60 s of the node's clock (70 s for a request a
 * swarm member forwarded). Anyone may store into a namespace divisible by 10; everything else
 * needs the owner's signature. `authorizeRequest` applies every check that depends on the
 * clock or on keys, with the anchor's status for each refusal (401 signature, 403 TTL,
 * 406 clock). Nodes sign their results (`resultText`) with their own Ed25519 key, so a client
 * can tell which member did what.
 */
import { ed25519Sign, ed25519Verify } from '../crypto/ed25519.ts';
import { signingKeyOf, type Account } from './account.ts';
import { fromBase64, toBase64 } from './encoding.ts';
import {
  SIGNATURE_TOLERANCE_FORWARDED_MS, SIGNATURE_TOLERANCE_MS, STORE_TOLERANCE_MS, TTL_MAX_PRIVATE_MS, TTL_MAX_PUBLIC_MS, TTL_MIN_MS,
} from './limits.ts';
import { namespaceText } from './message-hash.ts';
import { isNoAuthRetrieveNamespace, isPublicInboxNamespace, type Auth, type Scope, type SignedRequest, type StorageRequest } from './methods.ts';
import { StorageRpcError } from './types.ts';

const encoder = new TextEncoder();

/** A scope as it is signed: "" for namespace 0, "all", or the decimal namespace. */
export const scopeText = (scope: Scope): string => (scope === 'all' ? 'all' : namespaceText(scope));

/** The exact text a client signs for each method (the anchor's strings, concatenated without separators). */
export const requestText = {
  store: (namespace: number, sigTimestamp: number) => `store${namespaceText(namespace)}${sigTimestamp}`,
  retrieve: (namespace: number, timestamp: number) => `retrieve${namespaceText(namespace)}${timestamp}`,
  delete: (messages: readonly string[]) => `delete${messages.join('')}`,
  delete_all: (scope: Scope, timestamp: number) => `delete_all${scopeText(scope)}${timestamp}`,
  delete_before: (scope: Scope, before: number) => `delete_before${scopeText(scope)}${before}`,
  expire_all: (scope: Scope, expiry: number) => `expire_all${scopeText(scope)}${expiry}`,
  expire: (mode: 'shorten' | 'extend' | undefined, expiries: readonly number[], messages: readonly string[]) => `expire${mode ?? ''}${expiries.join('')}${messages.join('')}`,
  get_expiries: (timestamp: number, messages: readonly string[]) => `get_expiries${timestamp}${messages.join('')}`,
};

/** The text a parsed request's signature must cover. */
export function signedTextOf(req: SignedRequest): string {
  switch (req.method) {
    case 'store': return requestText.store(req.namespace, req.auth!.sigTimestamp);
    case 'retrieve': return requestText.retrieve(req.namespace, req.auth!.timestamp);
    case 'delete': return requestText.delete(req.messages);
    case 'delete_all': return requestText.delete_all(req.namespace, req.timestamp);
    case 'delete_before': return requestText.delete_before(req.namespace, req.before);
    case 'expire_all': return requestText.expire_all(req.namespace, req.expiry);
    case 'expire': return requestText.expire(req.mode, req.expiry, req.messages);
    case 'get_expiries': return requestText.get_expiries(req.timestamp, req.messages);
  }
}

/** A base64 Ed25519 signature of `text` by `seed`'s key (clients sign requests, nodes results). */
export function signText(text: string, seed: Uint8Array): string {
  return toBase64(ed25519Sign(encoder.encode(text), seed));
}

/** True iff `signature` (base64, or bytes) is `publicKey`'s over `text`. Never throws. */
export function verifyText(text: string, signature: string | Uint8Array, publicKey: Uint8Array): boolean {
  const sig = typeof signature === 'string' ? fromBase64(signature) : signature;
  return !!sig && ed25519Verify(sig, encoder.encode(text), publicKey);
}

/** True iff `auth` is the account's signature over `text` (via pubkey_ed25519 for a Session ID). */
export function verifyAuth(account: Account, auth: Auth, text: string): boolean {
  const key = signingKeyOf(account, auth.pubkeyEd25519);
  return !!key && ed25519Verify(auth.signature, encoder.encode(text), key);
}

const refuse = (status: number, reason: string) => new StorageRpcError(status, reason);

function checkClock(method: string, ts: number, now: number, tolerance: number): void {
  if (ts < now - tolerance || ts > now + tolerance) {
    throw refuse(406, `${method} timestamp too far from current time (${Math.round((ts - now) / 1000)} s from the node's clock; must be within ±${tolerance / 1000} s: sign with the time from "info")`);
  }
}

function checkSignature(req: SignedRequest, auth: Auth): void {
  if (verifyAuth(req.account, auth, signedTextOf(req))) return;
  const mismatch = auth.pubkeyEd25519 !== undefined && !signingKeyOf(req.account, auth.pubkeyEd25519);
  throw refuse(401, mismatch
    ? `${req.method} signature verification failed: pubkey_ed25519 does not convert to the X25519 key of ${req.account.id}`
    : `${req.method} signature verification failed: sign exactly "${signedTextOf(req).slice(0, 120)}" with the account's Ed25519 key`);
}

/**
 * Every check of a parsed request that depends on the clock or on keys, in the anchor's order,
 * throwing its status on the first failure. Call it after the swarm check (421). `forwarded`:
 * the request came from another member of the swarm (a looser clock for delete_all/expire_all).
 * A batch is checked sub-request by sub-request (each gets its own code), so it passes here.
 */
export function authorizeRequest(req: StorageRequest, nowMs: number, options: { forwarded?: boolean } = {}): void {
  const tolerance = options.forwarded ? SIGNATURE_TOLERANCE_FORWARDED_MS : SIGNATURE_TOLERANCE_MS;
  switch (req.method) {
    case 'store': {
      const isPublic = isPublicInboxNamespace(req.namespace);
      const ttl = req.expiry - req.timestamp;
      const maxTtl = isPublic ? TTL_MAX_PUBLIC_MS : TTL_MAX_PRIVATE_MS;
      if (ttl < TTL_MIN_MS || ttl > maxTtl) throw refuse(403, `Provided expiry/TTL is not valid: the TTL must be ${TTL_MIN_MS / 1000} s to ${maxTtl / 86_400_000} days${isPublic ? ' in a public namespace' : ''}, got ${ttl} ms`);
      if (req.timestamp > nowMs + STORE_TOLERANCE_MS || req.expiry < nowMs - STORE_TOLERANCE_MS) throw refuse(406, 'Timestamp error: check your clock (the message timestamp is in the future or its expiry has passed)');
      if (isPublic) return; // anyone may deposit; a signature, if any, is not checked (as at the anchor)
      if (!req.auth) throw refuse(401, `store: signature required to store to namespace ${req.namespace} (only namespaces divisible by 10 accept unsigned messages)`);
      if (req.auth.sigTimestamp < nowMs - SIGNATURE_TOLERANCE_MS || req.auth.sigTimestamp > nowMs + SIGNATURE_TOLERANCE_MS) throw refuse(406, 'store signature timestamp too far from current time (must be within ±60 s: sign with the time from "info")');
      return checkSignature(req, req.auth);
    }
    case 'retrieve': {
      if (!req.auth) {
        if (isNoAuthRetrieveNamespace(req.namespace)) return;
        throw refuse(401, 'retrieve: request signature required (sign "retrieve" + namespace + timestamp with the account key)');
      }
      checkClock('retrieve', req.auth.timestamp, nowMs, SIGNATURE_TOLERANCE_MS);
      return checkSignature(req, req.auth);
    }
    case 'delete':
      return checkSignature(req, req.auth);
    case 'delete_all':
      checkClock('delete_all', req.timestamp, nowMs, tolerance);
      return checkSignature(req, req.auth);
    case 'delete_before':
      if (req.before > nowMs + 60_000) throw refuse(401, 'delete_before timestamp too far in the future (at most 60 s after the node\'s clock)');
      return checkSignature(req, req.auth);
    case 'expire_all':
      if (req.expiry < nowMs - tolerance) throw refuse(406, 'expire_all timestamp should be >= current time');
      return checkSignature(req, req.auth);
    case 'expire':
      for (const e of req.expiry) if (e < nowMs - 60_000) throw refuse(401, 'expire: timestamp should be >= current time (at most 60 s in the past)');
      return checkSignature(req, req.auth);
    case 'get_expiries':
      checkClock('get_expiries', req.timestamp, nowMs, SIGNATURE_TOLERANCE_MS);
      return checkSignature(req, req.auth);
    case 'get_swarm': case 'info': case 'batch': case 'sequence':
      return;
  }
}

/** The expiries an expire applies: each capped at now + 30 days (the request itself stays as signed). */
export const appliedExpiries = (expiry: readonly number[], nowMs: number): number[] => expiry.map((e) => Math.min(e, nowMs + TTL_MAX_PRIVATE_MS));

const sorted = (hashes: readonly string[]) => [...hashes].sort();

/**
 * The exact text a node signs in each result (per member, with the node's Ed25519 key). Hash
 * lists the node returned are ascii-sorted (callers pass them sorted, as they return them);
 * `requested` lists are in the request's order. For "all" scopes the hashes of every namespace
 * are sorted together.
 */
export const resultText = {
  store: (hash: string) => hash,
  delete: (accountId: string, requested: readonly string[], deleted: readonly string[]) => `${accountId}${requested.join('')}${deleted.join('')}`,
  delete_all: (accountId: string, timestamp: number, deleted: readonly string[]) => `${accountId}${timestamp}${deleted.join('')}`,
  delete_before: (accountId: string, before: number, deleted: readonly string[]) => `${accountId}${before}${deleted.join('')}`,
  expire_all: (accountId: string, expiry: number, updated: readonly string[]) => `${accountId}${expiry}${updated.join('')}`,
  /** `expiries`: the applied expiry (single-expiry request) or one per updated hash; `unchanged` is hash → expiry. */
  expire: (accountId: string, expiries: readonly number[], requested: readonly string[], updated: readonly string[], unchanged: Readonly<Record<string, number>> = {}) =>
    `${accountId}${expiries.join('')}${requested.join('')}${updated.join('')}${sorted(Object.keys(unchanged)).map((h) => `${h}${unchanged[h]}`).join('')}`,
};

/** Flattens an "all"-scope result (`{ ns: hashes }`) into the one sorted list the node signs. */
export const allScopeHashes = (byNamespace: Readonly<Record<string, readonly string[]>>): string[] => sorted(Object.values(byNamespace).flat());
