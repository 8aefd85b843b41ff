/**
 * Peer testing: a prober sends a random nonce; the peer signs, with its registered ed25519
 * key, a domain-separated message binding the nonce, its node id, the chain, the time and
 * the ledger root it currently holds. The prober accepts the answer only if it is signed by
 * the key the peer registered, answers this nonce, and is fresh.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { signEd25519, verifyEd25519, type Ed25519Identity } from '../../../core/keys/ed25519.ts';

export const PEER_TEST_DOMAIN = 'session-node/peer-test/v1';
export const MAX_LEDGER_ROOT_LENGTH = 256;

export type Hex = `0x${string}`;

export type ChallengeAnswer = {
  nodeId: Hex;
  nonce: Hex;
  /** Seconds since the epoch, when the peer signed. */
  timestamp: number;
  ledgerRoot: string;
  signature: Hex;
};

export type ChallengeRefusal =
  | 'malformed'
  | 'wrong_nonce'
  | 'wrong_node'
  | 'stale'
  | 'from_the_future'
  | 'bad_signature';

export type ChallengeCheck = { ok: true; ledgerRoot: string } | { ok: false; reason: ChallengeRefusal; detail: string };

export class PeerTestError extends Error {
  override name = 'PeerTestError';
}

const HEX32 = /^0x[0-9a-f]{64}$/;
const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};
const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

/** A fresh 32-byte random nonce. */
export const newNonce = (): Hex => `0x${randomBytes(32).toString('hex')}`;

/**
 * The bytes a peer signs: domain ‖ 0x00 ‖ chainId(u64) ‖ nonce(32) ‖ nodeId(32) ‖
 * timestamp(u64) ‖ len(u32) ‖ ledgerRoot(utf8). Fixed-width fields and a length prefix
 * make the encoding injective; the domain and chain id keep it from meaning anything else.
 */
export function challengeMessage(fields: { chainId: number; nonce: Hex; nodeId: Hex; timestamp: number; ledgerRoot: string }): Uint8Array {
  if (!HEX32.test(fields.nonce)) throw new PeerTestError('nonce must be 32 bytes of lower-case hex');
  if (!HEX32.test(fields.nodeId)) throw new PeerTestError('nodeId must be a 32-byte ed25519 public key in lower-case hex');
  if (!Number.isSafeInteger(fields.timestamp) || fields.timestamp < 0) throw new PeerTestError('timestamp must be whole seconds');
  if (!Number.isSafeInteger(fields.chainId) || fields.chainId <= 0) throw new PeerTestError('chainId must be a positive integer');
  const root = new TextEncoder().encode(fields.ledgerRoot);
  if (fields.ledgerRoot.length > MAX_LEDGER_ROOT_LENGTH) throw new PeerTestError(`ledgerRoot is longer than ${MAX_LEDGER_ROOT_LENGTH} characters`);
  const parts = [
    new TextEncoder().encode(PEER_TEST_DOMAIN),
    new Uint8Array([0]),
    u64(fields.chainId),
    hexToBytes(fields.nonce.slice(2)),
    hexToBytes(fields.nodeId.slice(2)),
    u64(fields.timestamp),
    u32(root.length),
    root,
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The peer side: signs its answer to `nonce`. */
export function answerChallenge(input: { identity: Ed25519Identity; chainId: number; nonce: Hex; ledgerRoot: string; now: number }): ChallengeAnswer {
  const timestamp = Math.floor(input.now);
  const fields = { chainId: input.chainId, nonce: input.nonce, nodeId: input.identity.nodeId, timestamp, ledgerRoot: input.ledgerRoot };
  const signature = signEd25519(input.identity, challengeMessage(fields));
  return { nodeId: input.identity.nodeId, nonce: input.nonce, timestamp, ledgerRoot: input.ledgerRoot, signature: `0x${bytesToHex(signature)}` };
}

/** The prober side: checks an answer against the nonce it sent and the peer's registered key. */
export function verifyChallengeAnswer(
  answer: unknown,
  expected: { chainId: number; nonce: Hex; nodeKey: Hex; now: number; maxAgeSec?: number; maxFutureSec?: number },
): ChallengeCheck {
  const a = answer as Partial<ChallengeAnswer>;
  if (
    typeof a !== 'object' || a === null || typeof a.nodeId !== 'string' || !HEX32.test(a.nodeId) || typeof a.nonce !== 'string' ||
    !HEX32.test(a.nonce) || !Number.isSafeInteger(a.timestamp) || typeof a.ledgerRoot !== 'string' ||
    a.ledgerRoot.length > MAX_LEDGER_ROOT_LENGTH || typeof a.signature !== 'string' || !/^0x[0-9a-f]{128}$/.test(a.signature)
  ) {
    return { ok: false, reason: 'malformed', detail: 'the answer lacks nodeId, nonce, timestamp, ledgerRoot or a 64-byte signature in the expected form' };
  }
  if (a.nonce !== expected.nonce) return { ok: false, reason: 'wrong_nonce', detail: `answered nonce ${a.nonce}, sent ${expected.nonce}` };
  if (a.nodeId !== expected.nodeKey.toLowerCase()) return { ok: false, reason: 'wrong_node', detail: `answered as ${a.nodeId}, the registered key is ${expected.nodeKey}` };
  const age = Math.floor(expected.now) - a.timestamp!;
  const maxAge = expected.maxAgeSec ?? 60;
  const maxFuture = expected.maxFutureSec ?? 10;
  if (age > maxAge) return { ok: false, reason: 'stale', detail: `signed ${age} s ago (limit ${maxAge} s)` };
  if (-age > maxFuture) return { ok: false, reason: 'from_the_future', detail: `timestamp is ${-age} s ahead (limit ${maxFuture} s); check the peer's clock` };
  const message = challengeMessage({ chainId: expected.chainId, nonce: a.nonce, nodeId: a.nodeId, timestamp: a.timestamp!, ledgerRoot: a.ledgerRoot });
  if (!verifyEd25519(hexToBytes(expected.nodeKey.slice(2).toLowerCase()), message, hexToBytes(a.signature.slice(2)))) {
    return { ok: false, reason: 'bad_signature', detail: 'the signature does not verify against the registered ed25519 key' };
  }
  return { ok: true, ledgerRoot: a.ledgerRoot };
}
