/**
 * Requests between nodes carry the sender's identity, so a node can give its registered peers
 * their own rate-limit bucket (an anonymous flood cannot starve a real round):
 *   x-sesh-node       the sender's ed25519 public key (0x + 64 hex)
 *   x-sesh-timestamp  unix seconds when it was signed
 *   x-sesh-signature  ed25519 over requestMessage(method, path, sha256(body), timestamp)
 * The path signed is the ROUTE path (e.g. /sign/checkpoint), not a reverse proxy's prefix.
 * A signature is accepted within ±maxSkewSec of the receiver's clock; a replay inside that
 * window can only repeat the same request, which the signing routes answer from their cache.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { signEd25519, verifyEd25519, type Ed25519Identity } from '../keys/ed25519.ts';

export const NODE_HEADER = 'x-sesh-node';
export const TIMESTAMP_HEADER = 'x-sesh-timestamp';
export const SIGNATURE_HEADER = 'x-sesh-signature';
export const DEFAULT_MAX_SKEW_SEC = 60;

export function requestMessage(method: string, path: string, body: Uint8Array | string, timestamp: number): Uint8Array {
  const bytes = typeof body === 'string' ? utf8ToBytes(body) : body;
  return utf8ToBytes(`SESH.node-request.v1\n${method.toUpperCase()}\n${path}\n${bytesToHex(sha256(bytes))}\n${timestamp}`);
}

/** The three headers for a request this node sends. */
export function signRequest(identity: Ed25519Identity, method: string, path: string, body: string, nowSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    [NODE_HEADER]: identity.nodeId,
    [TIMESTAMP_HEADER]: String(nowSec),
    [SIGNATURE_HEADER]: `0x${bytesToHex(signEd25519(identity, requestMessage(method, path, body, nowSec)))}`,
  };
}

export type RequestAuth = { ok: true; node: `0x${string}` } | { ok: false; reason: string };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? undefined : v);

/** Checks the headers of a request that claims a node identity (the caller saw x-sesh-node). */
export function verifyRequest(
  headers: Record<string, string | string[] | undefined>,
  method: string,
  path: string,
  body: Uint8Array,
  options: { nowSec?: number; maxSkewSec?: number } = {},
): RequestAuth {
  const node = one(headers[NODE_HEADER])?.toLowerCase();
  const timestamp = one(headers[TIMESTAMP_HEADER]);
  const signature = one(headers[SIGNATURE_HEADER])?.toLowerCase();
  if (!node || !/^0x[0-9a-f]{64}$/.test(node)) return { ok: false, reason: `${NODE_HEADER} must be one ed25519 public key, 0x + 64 hex digits` };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${TIMESTAMP_HEADER} must be unix seconds` };
  if (!signature || !/^0x[0-9a-f]{128}$/.test(signature)) return { ok: false, reason: `${SIGNATURE_HEADER} must be an ed25519 signature, 0x + 128 hex digits` };
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  const skew = options.maxSkewSec ?? DEFAULT_MAX_SKEW_SEC;
  if (Math.abs(nowSec - Number(timestamp)) > skew) return { ok: false, reason: `${TIMESTAMP_HEADER} ${timestamp} is more than ${skew} s from this node's clock (${nowSec})` };
  const valid = verifyEd25519(hexToBytes(node.slice(2)), requestMessage(method, path, body, Number(timestamp)), hexToBytes(signature.slice(2)));
  if (!valid) return { ok: false, reason: `the signature does not verify for ${node} over ${method} ${path}` };
  return { ok: true, node: node as `0x${string}` };
}
