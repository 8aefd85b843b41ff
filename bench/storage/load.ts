/**
 * The client side of the storage bench, through the sdk's storage client (what a Session
 * client does): a store load that counts only stores every swarm member acknowledged with a
 * valid signature ("accepted and fully replicated"), and a retrieve load that times each
 * signed retrieve of a random account from a random member, one at a time, so the figure is
 * latency, not queueing behind the bench's own requests.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { createStorageClient } from '../../sdk/src/storage/client.ts';
import { buildParams, type Signer } from '../../sdk/src/storage/request-builder.ts';
import type { RetrieveResult } from '../../sdk/src/storage/results.ts';
import type { SessionKeys } from '../../sdk/src/storage/account.ts';

const signerOf = (k: SessionKeys): Signer => ({ account: k.account, seed: k.seed, ed25519PublicKey: k.ed25519PublicKey });

export type StoreLoad = { attempted: number; accepted: number; fullyReplicated: number; failed: number; seconds: number; storesPerSecond: number; failures: string[] };

export async function storeLoad(options: { urls: readonly string[]; swarmSize: number; to: readonly SessionKeys[]; seconds: number; concurrency: number; dataBytes: number; ttlMs: number; log: (line: string) => void }): Promise<StoreLoad> {
  const client = createStorageClient({ seedUrls: options.urls });
  // Learn each target's swarm and the node clock first: the timed part is stores only.
  for (const k of options.to) await client.swarmOf(k.sessionId);
  await client.now(options.urls[0]);
  const out = { attempted: 0, accepted: 0, fullyReplicated: 0, failed: 0 };
  const failures: string[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let lastReport = started;
  const worker = async (w: number) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const to = options.to[(w * 7919 + i) % options.to.length]!;
      out.attempted++;
      try {
        const r = await client.store({ to: to.sessionId, data: randomBytes(options.dataBytes), ttlMs: options.ttlMs, via: w + i });
        out.accepted++;
        if (r.members.filter((m) => m.result && m.signatureValid).length >= options.swarmSize) out.fullyReplicated++;
        else if (failures.length < 5) failures.push(`not on every member: ${JSON.stringify(r.members.map((m) => ({ ed25519: m.ed25519.slice(0, 8), ok: Boolean(m.result), valid: m.signatureValid, failure: m.failure })))}`.slice(0, 400));
      } catch (error) {
        out.failed++;
        if (failures.length < 5) failures.push(String((error as Error).message).slice(0, 300));
      }
      const now = performance.now();
      if (w === 0 && now - lastReport > 5_000) {
        lastReport = now;
        options.log(`stores: ${out.fullyReplicated} fully replicated, ${out.failed} failed in ${((now - started) / 1000).toFixed(0)} s`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  return { ...out, seconds, storesPerSecond: out.fullyReplicated / seconds, failures };
}

export type RetrieveLoad = { retrieves: number; emptyAnswers: number; p50Ms: number; p99Ms: number; maxMs: number; messagesPerAnswer: number };

export async function retrieveLatency(options: { urls: readonly string[]; accounts: readonly SessionKeys[]; count: number; log: (line: string) => void }): Promise<RetrieveLoad> {
  const client = createStorageClient({ seedUrls: options.urls });
  const times: number[] = [];
  let empty = 0;
  let messages = 0;
  for (let k = 0; k < options.count; k++) {
    const who = options.accounts[Math.floor(Math.random() * options.accounts.length)]!;
    const url = options.urls[k % options.urls.length]!;
    const params = buildParams.retrieve(signerOf(who), { timestamp: await client.now(url) });
    const started = performance.now();
    const body = await client.rpc<RetrieveResult>(url, 'retrieve', params);
    times.push(performance.now() - started);
    const n = Array.isArray(body.messages) ? body.messages.length : 0;
    if (n === 0) empty++;
    messages += n;
    if (k % 1000 === 999) options.log(`retrieves: ${k + 1} of ${options.count}`);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { retrieves: times.length, emptyAnswers: empty, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: times.at(-1)!, messagesPerAnswer: messages / times.length };
}

/** Messages a node's database holds (read-only, beside the running node: WAL allows it). */
export function storedMessages(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT messages FROM totals WHERE id = 1').get() as { messages: number }).messages;
  } finally {
    db.close();
  }
}
