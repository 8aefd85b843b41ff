/**
 * Two real storage nodes in this process for the storage RPC tests (storage-rpc*.test.ts):
 * each with its own SQLite database under a temp dir and its own HTTP server, in one swarm,
 * with a test clock both share. Node A forwards client writes to B with the real forwarder
 * (replicate.ts: node-signed, FORWARDED_HEADER); accounts in `foreign` belong to another swarm.
 * The SwarmView is a trivial one written here (the real one is swarm-view.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonServer, type JsonServer } from '../../core/http/server.ts';
import { generateEd25519Identity, type Ed25519Identity } from '../../core/keys/ed25519.ts';
import { sessionKeysFromSeed, type SessionKeys } from '../../sdk/src/storage/account.ts';
import { toBase64 } from '../../sdk/src/storage/encoding.ts';
import { requestText, signText } from '../../sdk/src/storage/signatures.ts';
import { createStorage, type Storage } from '../src/storage/index.ts';
import { STORAGE_RPC_PATH } from '../src/storage/rpc.ts';
import { createForwarder } from '../src/storage/replicate.ts';
import type { Forwarder, ReachableMember, SwarmView } from '../src/storage/types.ts';

export type Answer = { status: number; body: any; text: string };

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${url}${STORAGE_RPC_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
  const answer = await res.text();
  let parsed: unknown = answer;
  try {
    parsed = JSON.parse(answer);
  } catch {
    // a plain-text refusal, as the anchor sends them
  }
  return { status: res.status, body: parsed, text: answer };
}

/** The real forwarder (replicate.ts), counting its calls. */
export function countingForwarder(forward: Forwarder): Forwarder & { calls: number } {
  const f = async (method: string, params: Record<string, unknown>) => {
    f.calls++;
    return forward(method, params);
  };
  f.calls = 0;
  return f;
}

export type TestNode = { identity: Ed25519Identity; storage: Storage; server: JsonServer; url: string; forwarder?: ReturnType<typeof countingForwarder> };

export type Fixture = {
  a: TestNode;
  b: TestNode;
  clock: { now: number };
  /** A registered node that is not in the swarm (for the 403 on forwarded requests). */
  outsider: Ed25519Identity;
  foreign: Set<string>;
  foreignMembers: ReachableMember[];
  user: SessionKeys;
  close: () => Promise<void>;
};

export async function startFixture(options: { maxBytes?: number; maxAccountBytes?: number } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'storage-rpc-'));
  const clock = { now: Date.now() };
  const [ia, ib, outsider, far] = [generateEd25519Identity(), generateEd25519Identity(), generateEd25519Identity(), generateEd25519Identity()];
  const members: ReachableMember[] = [];
  const foreign = new Set<string>();
  const foreignMembers: ReachableMember[] = [{ nodeId: 9n, ed25519Key: far.nodeId, url: 'http://10.1.2.3:22021' }];
  const swarmView = (self: Ed25519Identity): SwarmView => ({
    assignment: () => ({ ids: [1n, 2n], members: new Map([[1n, members], [2n, foreignMembers]]), swarmOfKey: new Map() }),
    swarmOf: (account) => (foreign.has(account) ? { id: 2n, members: foreignMembers } : { id: 1n, members }),
    mine: () => (members.some((m) => m.ed25519Key === self.nodeId) ? { id: 1n, members } : null),
    holds: (account) => !foreign.has(account) && members.some((m) => m.ed25519Key === self.nodeId),
  });
  const registered = new Set([ia.nodeId, ib.nodeId, outsider.nodeId, far.nodeId].map((k) => k.toLowerCase()));
  const start = async (identity: Ed25519Identity, name: string, forward: boolean): Promise<TestNode> => {
    const view = swarmView(identity);
    const forwarder = forward ? countingForwarder(createForwarder({ swarmView: view, identity, timeoutMs: 2_000 })) : undefined;
    const storage = createStorage({
      dataDir: join(dir, name),
      identity,
      swarmView: view,
      ...(forwarder ? { forward: forwarder } : {}),
      limits: { maxBytes: options.maxBytes ?? 50 * 1024 * 1024, maxAccountBytes: options.maxAccountBytes ?? 10 * 1024 * 1024 },
      log: () => {},
      now: () => clock.now,
    });
    const server = createJsonServer({ routes: storage.routes, rateLimit: false, peerAuth: { isPeer: (k) => registered.has(k), rateLimit: { capacity: 1000, refillPerSecond: 1000 } } });
    const { url } = await server.listen(0);
    return { identity, storage, server, url, ...(forwarder ? { forwarder } : {}) };
  };
  const a = await start(ia, 'a', true);
  const b = await start(ib, 'b', false);
  members.push({ nodeId: 1n, ed25519Key: ia.nodeId, url: a.url }, { nodeId: 2n, ed25519Key: ib.nodeId, url: b.url });
  const user = sessionKeysFromSeed(new Uint8Array(32).fill(7));
  return {
    a, b, clock, outsider, foreign, foreignMembers, user,
    close: async () => {
      for (const n of [a, b]) {
        await n.server.close(100);
        n.storage.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Params of a store by `user` (signed unless the namespace is public and `sign` is false). */
export function storeParams(user: SessionKeys, now: number, o: { namespace?: number; data?: Uint8Array; ttl?: number; sign?: boolean; sigTimestamp?: number; signer?: Uint8Array } = {}) {
  const namespace = o.namespace ?? 0;
  const data = o.data ?? new TextEncoder().encode(`hello ${Math.random()}`);
  const params: Record<string, unknown> = { pubkey: user.sessionId, namespace, timestamp: now, ttl: o.ttl ?? 3_600_000, data: toBase64(data) };
  if (o.sign ?? namespace % 10 !== 0) {
    const sigTs = o.sigTimestamp ?? now;
    params.sig_timestamp = sigTs;
    params.pubkey_ed25519 = hex(user.ed25519PublicKey);
    params.signature = signText(requestText.store(namespace, sigTs), o.signer ?? user.seed);
  }
  return params;
}

export const signedBy = (user: SessionKeys, text: string, seed: Uint8Array = user.seed) => ({ pubkey: user.sessionId, pubkey_ed25519: hex(user.ed25519PublicKey), signature: signText(text, seed) });
