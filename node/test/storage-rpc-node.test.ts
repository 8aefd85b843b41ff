/**
 * The storage RPC in real session-node processes (anvil, 3 registered nodes: one devnet swarm):
 * the wiring of main.ts. A store through one node is answered for every member and is then
 * retrievable from another; the database is closed cleanly on SIGTERM and holds the message
 * when reopened. (Replication under failures and swarm changes: storage-network*.test.ts.)
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalSystem } from '../../devnet/testkit.ts';
import { spawnNode, type PreparedNode } from '../../devnet/network.ts';
import { prepareLocalNetwork } from '../../devnet/local-network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { until } from '../../devnet/test-http.ts';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { requestText } from '../../sdk/src/storage/signatures.ts';
import { openMessageDb } from '../src/storage/db.ts';
import { plain } from '../src/storage/results.ts';
import { post, signedBy, storeParams } from './storage-rpc-fixture.ts';

describe('storage rpc in session-node processes', { timeout: 180_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  const user = sessionKeysFromSeed(new Uint8Array(32).fill(11));

  before(async () => {
    const net = await prepareLocalNetwork({ count: 3, tmpPrefix: 'sesh-storage-rpc-' });
    ({ sys, dir, nodes } = net);
    const deploymentsFile = net.deploymentsFile;
    for (const n of nodes) procs.push(spawnNode(n, { deploymentsFile }));
    await Promise.all(procs.map((p) => p.ready));
  });

  after(async () => {
    await Promise.all(procs.map((p) => p?.stop()));
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('store through one node, answered by every member, retrieved from another', async () => {
    // Members are listed with their URLs once the announcements have spread.
    await until('every node sees the swarm with its URLs', async () => {
      const swarms = await Promise.all(nodes.map((n) => post(n.url, { method: 'get_swarm', params: { pubkey: user.sessionId } })));
      return swarms.every((s) => s.status === 200 && s.body.snodes.length === 3 && s.body.snodes.every((m: { url: string | null }) => m.url));
    }, 60_000);
    const now = Date.now();
    const stored = await post(nodes[0]!.url, { method: 'store', params: storeParams(user, now, { namespace: 0 }) });
    assert.equal(stored.status, 200, stored.text);
    assert.deepEqual(Object.keys(stored.body.swarm).sort(), nodes.map((n) => plain(n.ed25519)).sort());
    for (const entry of Object.values(stored.body.swarm) as { hash?: string }[]) assert.equal(entry.hash, stored.body.hash, JSON.stringify(entry));
    const t = Date.now();
    const got = await post(nodes[2]!.url, { method: 'retrieve', params: { ...signedBy(user, requestText.retrieve(0, t)), namespace: 0, timestamp: t } });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body.messages.map((m: { hash: string }) => m.hash), [stored.body.hash]);
    const metrics = await (await fetch(`${nodes[2]!.url}/metrics`)).text();
    assert.match(metrics, /session_node_storage_messages 1\b/);
  });

  it('closes its database on SIGTERM; the message is there when it is reopened', async () => {
    const child = procs[1]!.child;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const db = openMessageDb({ path: join(nodes[1]!.dataDir, 'storage', 'storage.db'), maxBytes: 1e9, maxAccountBytes: 1e9 });
    assert.equal(db.stats().messages, 1);
    assert.equal(db.messagesOf(user.sessionId).length, 1);
    db.close();
  });
});
