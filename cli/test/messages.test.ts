/**
 * sesh messages and the sdk storage client against real session-node processes (anvil, three
 * registered nodes forming one devnet swarm): find the swarm from the deployments' seed nodes,
 * send through one member, receive from another, page with last_hash, delete by hash and all.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnNode, type PreparedNode } from '../../devnet/network.ts';
import { prepareLocalNetwork } from '../../devnet/local-network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { until } from '../../devnet/test-http.ts';
import type { LocalSystem } from '../../devnet/testkit.ts';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { createStorageClient } from '../../sdk/src/storage/client.ts';
import { StorageRpcError } from '../../sdk/src/storage/types.ts';
import { runSesh } from './run-sesh.ts';

const run = runSesh;

describe('sesh messages against session-node processes', { timeout: 180_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let deploymentsFile: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];

  before(async () => {
    ({ sys, dir, deploymentsFile, nodes } = await prepareLocalNetwork({ count: 3, tmpPrefix: 'sesh-messages-net-' }));
    for (const n of nodes) procs.push(spawnNode(n, { deploymentsFile }));
    await Promise.all(procs.map((p) => p.ready));
    const probe = createStorageClient({ seedUrls: nodes.map((n) => n.url) });
    await until('every node lists the swarm with its URLs', async () => {
      const swarms = await Promise.all(nodes.map((n) => probe.rpc<{ snodes: { url: string | null }[] }>(n.url, 'get_swarm', { pubkey: `05${'00'.repeat(32)}` })));
      return swarms.every((s) => s.snodes.length === 3 && s.snodes.every((m) => m.url));
    }, 60_000);
  });

  after(async () => {
    await Promise.all(procs.map((p) => p?.stop()));
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the CLI sends through one member, receives from another, deletes by hash and all', async () => {
    const bobSeed = join(dir, 'bob.seed');
    const made = await run('messages', 'keygen', '--out', bobSeed, '--json');
    assert.equal(made.code, 0, made.err);
    const bob = JSON.parse(made.out).sessionId as string;

    const sent: string[] = [];
    for (const [i, body] of ['hello bob', 'second', 'third'].entries()) {
      const r = await run('messages', 'send', bob, body, '--deployments', deploymentsFile, '--via', String(i % 3), '--json');
      assert.equal(r.code, 0, r.err);
      const out = JSON.parse(r.out);
      assert.equal(out.members.length, 3);
      assert.ok(out.members.every((m: { signatureValid: boolean }) => m.signatureValid), 'all three members stored and signed');
      sent.push(out.hash);
    }
    for (const via of ['0', '1', '2']) {
      const r = await run('messages', 'receive', '--seed-file', bobSeed, '--deployments', deploymentsFile, '--via', via, '--json');
      assert.equal(r.code, 0, r.err);
      const got = JSON.parse(r.out);
      assert.deepEqual(got.messages.map((m: { hash: string; text: string }) => [m.hash, m.text]), [[sent[0], 'hello bob'], [sent[1], 'second'], [sent[2], 'third']]);
    }
    const afterFirst = await run('messages', 'receive', '--seed-file', bobSeed, '--node', nodes[1]!.url, '--last-hash', sent[0]!, '--json');
    assert.deepEqual(JSON.parse(afterFirst.out).messages.map((m: { hash: string }) => m.hash), sent.slice(1));

    const del = await run('messages', 'delete', sent[1]!, '--seed-file', bobSeed, '--node', nodes[2]!.url);
    assert.equal(del.code, 0, del.err);
    assert.match(del.out, /deleted 1\/1 on 3\/3 members/);
    const left = await run('messages', 'receive', '--seed-file', bobSeed, '--deployments', deploymentsFile, '--via', '0', '--json');
    assert.deepEqual(JSON.parse(left.out).messages.map((m: { hash: string }) => m.hash), [sent[0], sent[2]]);

    const all = await run('messages', 'delete', '--all', '--seed-file', bobSeed, '--deployments', deploymentsFile);
    assert.equal(all.code, 0, all.err);
    assert.match(all.out, /deleted on 3\/3 members \(2, 2, 2 messages\)/);
    const none = await run('messages', 'receive', '--seed-file', bobSeed, '--deployments', deploymentsFile);
    assert.match(none.out, /^0 messages for /);
  });

  it('the sdk client pages with last_hash and its refusals carry the node status', async () => {
    const client = createStorageClient({ seedUrls: [nodes[2]!.url] });
    const carol = sessionKeysFromSeed(new Uint8Array(32).fill(61));
    const hashes: string[] = [];
    for (let i = 0; i < 5; i++) hashes.push((await client.store({ to: carol.sessionId, data: new TextEncoder().encode(`n${i}`), ttlMs: 600_000, namespace: 7, signer: carol, via: i % 3 })).hash);
    const all = await client.retrieveAll(carol, { namespace: 7, pageSize: 2, via: 1 });
    assert.deepEqual(all.messages.map((m) => m.hash), hashes);
    await assert.rejects(client.store({ to: carol.sessionId, data: new Uint8Array(1), ttlMs: 600_000, namespace: 7 }), (e: unknown) => e instanceof StorageRpcError && e.status === 401);
    const mallory = sessionKeysFromSeed(new Uint8Array(32).fill(62));
    await assert.rejects(client.retrieve({ ...mallory, account: carol.account }, { namespace: 7 }), (e: unknown) => e instanceof StorageRpcError && e.status === 401 && /does not convert/.test(e.reason));
    // Nothing changed for carol.
    assert.equal((await client.retrieveAll(carol, { namespace: 7 })).messages.length, 5);
    assert.match(readFileSync(deploymentsFile, 'utf8'), /seedNodes/);
  });
});
