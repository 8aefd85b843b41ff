/**
 * The storage test: proof that a node holds its swarm's messages, as the anchor's storage
 * tests ask a swarm member for a message it must hold and compare the data. Here the tester
 * sends a fresh 32-byte nonce with the message's account and hash, and the target answers
 * blake2b-256(nonce ‖ data): it can only answer from the data itself (a hash alone, or a
 * proof seen before, does not help), and the data never travels.
 *
 * Who can test whom. Testers come from the network-wide assignment (node/src/testing), so a
 * tester must first learn a message the target must hold: a member of the target's own swarm
 * samples one from its database; a tester outside it asks another member of that swarm
 * (POST /storage/sample, node-signed), checks the sample's hash against its content and that
 * the account maps to the target's swarm, and caches one sample per sampler for a test
 * period (so a swarm costs one sample request, not one per target). A sampler with nothing
 * to offer, or that lies about a hash, makes the check 'skip', never a failure of the target.
 * Limit: a registered sampler could hand out a valid message it made up (the hash is over the
 * content); each tester uses its own random sampler and a verdict needs a majority of
 * testers, so one liar can not fail a node alone.
 *
 * Filled first. A target is not tested until the tester has seen it in that swarm for
 * `fillGraceMs` (it is pulling its swarm's messages, handoff.ts); a target that says it is
 * still filling is skipped, but only for `fillGraceMs` in a row: after that it fails.
 * Messages younger than `minAgeMs` are not sampled (they may still be on their way).
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { randomBytes } from 'node:crypto';
import type { Hex } from 'viem';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { signRequest } from '../../../core/http/node-auth.ts';
import { forbidden, HttpError, notFound } from '../../../core/http/errors.ts';
import { hex, integer, object, optional, parseBody, string } from '../../../core/http/validate.ts';
import { route, type Route } from '../../../core/http/server.ts';
import type { CheckResult } from '../../../sdk/src/network/test-report.ts';
import { joinUrl } from '../peers/http.ts';
import { acceptWire, toWire, type TransferLimits, type WireMessage } from './transfer.ts';
import type { MessageDb, ReachableMember, StoredMessage, SwarmView } from './types.ts';

export const SAMPLE_PATH = '/storage/sample';
export const PROVE_PATH = '/storage/test';
/** Requests one storage check may send: one sample (when not cached or local), one test. */
export const STORAGE_CHECK_MAX_REQUESTS = 2;

/** blake2b-256(nonce ‖ data): what a holder of the data answers. */
export function storageProof(nonce: Uint8Array, data: Uint8Array): Hex {
  const input = new Uint8Array(nonce.length + data.length);
  input.set(nonce);
  input.set(data, nonce.length);
  return `0x${bytesToHex(blake2b(input, { dkLen: 32 }))}`;
}

type Deps = { db: MessageDb; swarmView: SwarmView; filled: () => boolean; now?: () => number; minAgeMs?: number };

/** A random live message of an account this node's swarm holds, older than minAgeMs; null if none. */
export function sampleLocal(o: Deps): StoredMessage | null {
  const nowMs = (o.now ?? Date.now)();
  const minAge = o.minAgeMs ?? 30_000;
  for (let attempt = 0; attempt < 6; attempt++) {
    const start = `${randomBytes(33).toString('hex')}`;
    const account = o.db.accounts({ after: start, limit: 1 })[0] ?? o.db.accounts({ limit: 1 })[0];
    if (account === undefined) return null;
    if (!o.swarmView.holds(account)) continue;
    const candidates = o.db.messagesOf(account).filter((m) => m.timestamp <= nowMs - minAge && m.expiry > nowMs + 60_000);
    if (candidates.length > 0) return candidates[Math.floor(Math.random() * candidates.length)]!;
  }
  return null;
}

/** POST /storage/sample (a message the caller may test this node's swarm with) and POST /storage/test (the proof). */
export function storageCheckRoutes(o: Deps & { dishonest?: 'wrong-proof' }): Route[] {
  const peerOnly = (peer: string | undefined, path: string) => {
    if (!peer) throw forbidden(`${path} is for registered active nodes only: sign the request as a node (x-sesh-node, x-sesh-timestamp, x-sesh-signature)`);
  };
  const sampleBody = object({ minAgeMs: optional(integer({ min: 0, max: 86_400_000 })) });
  const proveBody = object({ account: string({ pattern: /^[0-9a-f]{66}$/, what: '66 lower-case hex characters' }), hash: string({ min: 1, max: 100 }), nonce: hex({ bytes: 32 }) });
  return [
    route('POST', SAMPLE_PATH, (request) => {
      peerOnly(request.peer, SAMPLE_PATH);
      const { minAgeMs } = parseBody(sampleBody, request.body ?? {});
      if (!o.filled()) throw new HttpError(503, 'filling', 'this node is still pulling its swarm\'s messages; ask another member');
      const m = sampleLocal({ ...o, minAgeMs: minAgeMs ?? o.minAgeMs });
      return { message: m ? toWire(m) : null };
    }),
    route('POST', PROVE_PATH, (request) => {
      peerOnly(request.peer, PROVE_PATH);
      const { account, hash, nonce } = parseBody(proveBody, request.body);
      if (!o.filled()) throw new HttpError(503, 'filling', 'this node is still pulling its swarm\'s messages; test it again later');
      const m = o.db.messagesOf(account).find((x) => x.hash === hash);
      if (!m) throw notFound(`this node holds no message ${hash} of account ${account}`);
      const data = o.dishonest === 'wrong-proof' ? new Uint8Array(m.data.length) : m.data;
      return { hash, proof: storageProof(hexToBytes(nonce.slice(2)), data) };
    }),
  ];
}

/** `outOfBudget`: the check could not be afforded; the tester then sends no report at all (a storage skip must not make a report pass). */
export type StorageCheck = { result: CheckResult; reason: string | null; requests: number; outOfBudget?: true };

async function post(identity: Ed25519Identity, url: string, path: string, payload: unknown, timeoutMs: number): Promise<{ status: number; body: any; error?: string }> {
  const body = JSON.stringify(payload);
  try {
    const response = await fetch(joinUrl(path, url), { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(identity, 'POST', path, body) }, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch (error) {
    const e = error as Error;
    return { status: 0, body: null, error: e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((e.cause as Error)?.message ?? e.message) };
  }
}

export type StorageChecker = (target: { ed25519Key: Hex; url: string | undefined }, afford: (requests: number) => boolean) => Promise<StorageCheck>;

export function createStorageChecker(o: Deps & TransferLimits & {
  identity: Ed25519Identity;
  /** Announced URLs (membership directory). */
  urlOf: (ed25519: Hex) => string | undefined;
  timeoutMs: number;
  /** Time a node gets to fill after it is seen in a swarm, and to stay "filling" (default 60 s). */
  fillGraceMs?: number;
  /** How long a sample is reused (default: a test period). */
  sampleTtlMs: number;
}): StorageChecker {
  const now = o.now ?? Date.now;
  const grace = o.fillGraceMs ?? 60_000;
  const minAge = o.minAgeMs ?? 30_000;
  const self = o.identity.nodeId.toLowerCase();
  const firstSeen = new Map<string, number>(); // `${target}/${swarm}` → first seen there
  const fillingSince = new Map<string, number>();
  const samples = new Map<string, { at: number; message: StoredMessage | null }>(); // sampler → its sample

  const sampleFrom = async (sampler: ReachableMember, swarm: bigint): Promise<{ message: StoredMessage | null; requests: number; why?: string }> => {
    const key = sampler.ed25519Key.toLowerCase();
    const cached = samples.get(key);
    if (cached && now() - cached.at < o.sampleTtlMs) return { message: cached.message, requests: 0 };
    if (!sampler.url) return { message: null, requests: 0, why: `sampler ${key} announces no URL` };
    const answer = await post(o.identity, sampler.url, SAMPLE_PATH, { minAgeMs: minAge }, o.timeoutMs);
    let message: StoredMessage | null = null;
    let why: string | undefined;
    if (answer.status !== 200) why = `sampler ${key} gave no sample (${answer.status === 0 ? answer.error : `HTTP ${answer.status}`})`;
    else if (answer.body?.message) {
      const checked = acceptWire(answer.body.message as WireMessage, { ...o, nowMs: now(), mustHold: false });
      if (!checked.ok) why = `sampler ${key} sent a bad sample: ${checked.reason}`;
      else if (o.swarmView.swarmOf(checked.message.account).id !== swarm) why = `sampler ${key} sent a message of another swarm`;
      else message = checked.message;
    } else why = `sampler ${key} holds no message old enough to test with`;
    samples.set(key, { at: now(), message });
    return { message, requests: 1, why };
  };

  return async (target, afford) => {
    const key = target.ed25519Key.toLowerCase();
    const skip = (reason: string, requests = 0): StorageCheck => ({ result: 'skip', reason, requests });
    const swarm = o.swarmView.assignment().swarmOfKey.get(key);
    if (swarm === undefined) return skip('not in a swarm (not active)');
    const seenKey = `${key}/${swarm}`;
    if (!firstSeen.has(seenKey)) firstSeen.set(seenKey, now());
    if (now() - firstSeen.get(seenKey)! < grace) return skip('recently joined its swarm: still filling');
    if (!target.url) return skip('announces no URL');

    let message: StoredMessage | null = null;
    let requests = 0;
    const mine = o.swarmView.mine();
    if (mine && mine.id === swarm && o.filled()) message = sampleLocal({ ...o, minAgeMs: minAge });
    else {
      const reachable = (o.swarmView.assignment().members.get(swarm) ?? [])
        .filter((m) => m.ed25519Key.toLowerCase() !== key && m.ed25519Key.toLowerCase() !== self)
        .map((m) => ({ ...m, url: o.urlOf(m.ed25519Key) }))
        .filter((m) => m.url !== undefined);
      if (reachable.length === 0) return skip('no other member of its swarm to sample a message from');
      const cachedSampler = reachable.find((m) => samples.has(m.ed25519Key.toLowerCase()) && now() - samples.get(m.ed25519Key.toLowerCase())!.at < o.sampleTtlMs);
      const sampler = cachedSampler ?? reachable[Math.floor(Math.random() * reachable.length)]!;
      if (!cachedSampler && !afford(STORAGE_CHECK_MAX_REQUESTS)) return { ...skip('no request budget left this minute'), outOfBudget: true };
      const s = await sampleFrom(sampler, swarm);
      requests += s.requests;
      if (!s.message) return skip(s.why ?? 'no sample', requests);
      message = s.message;
    }
    if (!message) return skip('its swarm holds no message old enough to test with', requests);
    if (!afford(1)) return { ...skip('no request budget left this minute', requests), outOfBudget: true };

    const nonce = new Uint8Array(randomBytes(32));
    const answer = await post(o.identity, target.url, PROVE_PATH, { account: message.account, hash: message.hash, nonce: `0x${bytesToHex(nonce)}` }, o.timeoutMs);
    requests++;
    const what = `message ${message.hash.slice(0, 16)}… of account ${message.account.slice(0, 12)}…`;
    if (answer.status === 503 && answer.body?.error === 'filling') {
      if (!fillingSince.has(key)) fillingSince.set(key, now());
      const forMs = now() - fillingSince.get(key)!;
      if (forMs < grace) return skip('says it is still filling', requests);
      return { result: 'fail', reason: `storage: still "filling" after ${Math.round(forMs / 1000)} s`, requests };
    }
    fillingSince.delete(key);
    if (answer.status === 0) return { result: 'fail', reason: `storage: no answer to the storage test (${answer.error})`, requests };
    if (answer.status === 404) return { result: 'fail', reason: `storage: does not hold ${what}, which its swarm holds`, requests };
    if (answer.status !== 200) return { result: 'fail', reason: `storage: HTTP ${answer.status} to the storage test: ${JSON.stringify(answer.body).slice(0, 120)}`, requests };
    if (answer.body?.proof !== storageProof(nonce, message.data)) return { result: 'fail', reason: `storage: wrong proof of the data of ${what} (serves wrong data)`, requests };
    return { result: 'pass', reason: null, requests };
  };
}
