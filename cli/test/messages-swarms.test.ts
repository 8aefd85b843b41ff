/**
 * sesh messages across two swarms of real session-node processes (anvil, four registered nodes,
 * swarm rules ideal 2 / min 2 → two swarms of two): a node outside the account's swarm answers
 * 421 naming the right swarm, and the CLI follows it; the message lives only on that swarm.
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
import { createStorageClient } from '../../sdk/src/storage/client.ts';
import type { SwarmResult } from '../../sdk/src/storage/results.ts';
import { requestText, signText } from '../../sdk/src/storage/signatures.ts';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { StorageRpcError } from '../../sdk/src/storage/types.ts';
import { runSesh } from './run-sesh.ts';

const run = runSesh;

describe('sesh messages across two swarms', { timeout: 180_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let deploymentsFile: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  const probe = () => createStorageClient({ seedUrls: nodes.map((n) => n.url) });

  before(async () => {
    ({ sys, dir, deploymentsFile, nodes } = await prepareLocalNetwork({ count: 4, tmpPrefix: 'sesh-messages-swarms-', storage: { idealSwarmSize: 2, minSwarmSize: 2 } }));
    for (const n of nodes) procs.push(spawnNode(n, { deploymentsFile }));
    await Promise.all(procs.map((p) => p.ready));
    await until('every node sees two swarms of two with their URLs', async () => {
      const answers = await Promise.all(nodes.map((n) => probe().rpc<SwarmResult>(n.url, 'get_swarm', { pubkey: `05${'00'.repeat(32)}` })));
      return answers.every((s) => s.snodes.length === 2 && s.snodes.every((m) => m.url) && s.swarm === answers[0]!.swarm);
    }, 60_000);
  });

  after(async () => {
    await Promise.all(procs.map((p) => p?.stop()));
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a store sent to the other swarm is refused with 421 naming the right one, which the CLI follows', async () => {
    const seedFile = join(dir, 'dave.seed');
    const dave = JSON.parse((await run('messages', 'keygen', '--out', seedFile, '--json')).out).sessionId as string;
    const swarm = await probe().rpc<SwarmResult>(nodes[0]!.url, 'get_swarm', { pubkey: dave });
    const home = swarm.snodes.map((m) => m.url!);
    const away = nodes.map((n) => n.url).filter((u) => !home.includes(u));
    assert.equal(home.length, 2);
    assert.equal(away.length, 2, 'the other two nodes are the other swarm');

    // Asked directly, a node of the other swarm refuses with the anchor's 421 and the right swarm.
    const keys = sessionKeysFromSeed(Buffer.from(readFileSync(seedFile, 'utf8').trim(), 'hex'));
    const retrieveParams = () => {
      const t = Date.now();
      return { pubkey: dave, pubkey_ed25519: Buffer.from(keys.ed25519PublicKey).toString('hex'), timestamp: t, signature: signText(requestText.retrieve(0, t), keys.seed) };
    };
    const direct = await fetch(`${away[0]}/storage_rpc/v1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'retrieve', params: retrieveParams() }) });
    assert.equal(direct.status, 421);
    const named = (await direct.json()) as SwarmResult;
    assert.equal(named.swarm, swarm.swarm);
    assert.deepEqual(named.snodes.map((m) => m.url).sort(), [...home].sort());

    const sent = await run('messages', 'send', dave, 'across swarms', '--via', away[0]!, '--deployments', deploymentsFile, '--json');
    assert.equal(sent.code, 0, sent.err);
    const out = JSON.parse(sent.out);
    assert.ok(home.includes(out.node), `stored at ${out.node}, a member of the account's swarm`);
    assert.equal(out.members.length, 2);
    assert.ok(out.members.every((m: { signatureValid: boolean }) => m.signatureValid));

    const got = await run('messages', 'receive', '--seed-file', seedFile, '--via', away[1]!, '--node', nodes[0]!.url, '--json');
    assert.equal(got.code, 0, got.err);
    assert.deepEqual(JSON.parse(got.out).messages.map((m: { text: string }) => m.text), ['across swarms']);
    // The other swarm holds nothing for dave: it still refuses rather than answering empty.
    await assert.rejects(createStorageClient({ nodeUrl: away[1]! }).rpc(away[1]!, 'retrieve', retrieveParams()), (e: unknown) => e instanceof StorageRpcError && e.status === 421);
  });
});
