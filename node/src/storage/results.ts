/**
 * The storage RPC's answer shapes, as the anchor sends them (oxen-storage-server
 * rpc/request_handler.cpp), so that Session clients read our answers unchanged:
 *   - a swarm as `{ swarm: "<hex id>", snodes: [{ pubkey_ed25519, pubkey_x25519, ip, port_https, … }] }`
 *     (get_swarm, and the body of a 421 to a node outside the account's swarm);
 *   - a recursive request's answer `{ swarm: { <ed25519 hex>: result }, t, hf }`, where a member
 *     without a result reads `{ failed: true, code?, reason?, timeout? }`, and the whole answer
 *     is 200 when at least one member succeeded, else 500 (or the status every member gave, e.g. 507);
 *   - `t` (this node's clock, ms) and `hf` on every top-level answer.
 * A refusal is the anchor's status with a plain-text reason (RpcAnswer with a string body).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Hex } from 'viem';
import type { SwarmId } from '../../../sdk/src/storage/types.ts';
import type { ReachableMember } from './types.ts';

/** What a method answers: the HTTP status and a JSON body (object) or a plain-text reason (string). */
export type RpcAnswer = { status: number; body: unknown };

/**
 * The network version clients gate features on. We speak the protocol of the anchor's
 * 19.x network (namespaces, multi-expiry, batch/sequence), so we report that.
 */
export const HF_VERSION: readonly [number, number] = [19, 3];
/** The anchor's "no swarm" id (INVALID_SWARM_ID = 2^64 - 1). */
const INVALID_SWARM_ID = (1n << 64n) - 1n;

export const plain = (hex: string) => hex.toLowerCase().replace(/^0x/, '');

const BASE32Z = 'ybndrfg8ejkmcpqxot1uwisza345h769';
/** z-base-32 (the anchor's legacy `<key>.snode` address form). */
export function base32z(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32Z[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32Z[(buffer << (5 - bits)) & 31];
  return out;
}

const x25519Cache = new Map<string, string>();
/** A node's X25519 key, from its Ed25519 key (as the anchor's nodes derive it). */
function x25519Of(ed25519Hex: string): string {
  let x = x25519Cache.get(ed25519Hex);
  if (x === undefined) {
    try {
      x = Buffer.from(ed25519.utils.toMontgomery(Buffer.from(ed25519Hex, 'hex'))).toString('hex');
    } catch {
      x = '';
    }
    if (x25519Cache.size > 10_000) x25519Cache.clear();
    x25519Cache.set(ed25519Hex, x);
  }
  return x;
}

/** One member as the anchor lists it, plus our `url` (the node's announced HTTP base). */
export function memberJson(m: ReachableMember): Record<string, unknown> {
  const ed = plain(m.ed25519Key);
  let ip = '0.0.0.0';
  let port = 0;
  if (m.url) {
    try {
      const u = new URL(m.url);
      ip = u.hostname.replace(/^\[|\]$/g, '');
      port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    } catch {
      // an unparsable announced URL lists the node without an address
    }
  }
  return {
    address: `${base32z(Buffer.from(ed, 'hex'))}.snode`,
    // Our nodes have one identity key: the "legacy" key of the anchor's nodes is the same one.
    pubkey_legacy: ed,
    pubkey_x25519: x25519Of(ed),
    pubkey_ed25519: ed,
    port: String(port),
    port_https: port,
    ip,
    url: m.url ?? null,
  };
}

export function swarmJson(swarm: { id: SwarmId; members: readonly ReachableMember[] } | null): Record<string, unknown> {
  if (!swarm) return { snodes: [], swarm: INVALID_SWARM_ID.toString(16) };
  return { snodes: swarm.members.map(memberJson), swarm: swarm.id.toString(16) };
}

/** The fields the anchor adds to every top-level answer. */
export const misc = (nowMs: number) => ({ t: nowMs, hf: HF_VERSION });

export const refusal = (status: number, reason: string): RpcAnswer => ({ status, body: reason });

/** A peer's outcome as the Forwarder reports it, in the anchor's `swarm` entry form. */
export function peerEntry(outcome: { result?: unknown; error?: { status: number; reason: string } }): unknown {
  if (outcome.error) {
    const e = outcome.error;
    return e.status === 0 || e.status === 504 ? { failed: true, timeout: true, reason: e.reason } : { failed: true, code: e.status, reason: e.reason };
  }
  if (outcome.result === undefined || outcome.result === null || typeof outcome.result !== 'object') return { failed: true, bad_peer_response: true };
  return outcome.result;
}

/**
 * The answer to a recursive request: every member's entry under `swarm` (own first), and 200
 * if any member succeeded (the anchor's reply_or_fail), else 500.
 */
export function swarmAnswer(own: Hex, mine: Record<string, unknown>, peers: Map<Hex, { result?: unknown; error?: { status: number; reason: string } }>, top: Record<string, unknown>, nowMs: number): RpcAnswer {
  const swarm: Record<string, unknown> = { [plain(own)]: mine };
  for (const [key, outcome] of peers) if (plain(key) !== plain(own)) swarm[plain(key)] = peerEntry(outcome);
  const entries = Object.values(swarm) as { failed?: boolean; code?: number }[];
  const ok = entries.some((entry) => !(entry && typeof entry === 'object' && 'failed' in entry));
  // Every member failed: 500 as the anchor, or the one refusal they all gave (e.g. 507 full), which says more.
  const codes = new Set(entries.map((e) => e.code));
  const status = ok ? 200 : codes.size === 1 && [...codes][0] !== undefined ? [...codes][0]! : 500;
  return { status, body: { ...top, swarm, ...misc(nowMs) } };
}
