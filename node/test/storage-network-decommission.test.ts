/**
 * Storage tests decide who stays, with real processes: anvil, 5 session-node processes (one
 * swarm of 5 under the devnet storage rules) and a gateway running commission rounds. One
 * node serves wrong data (it answers storage tests from zeroed data): its testers fail it on
 * the storage check while every other check passes, and the ladder decommissions it on chain.
 * The honest nodes are never failed for their storage.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFunctionData, type Abi, type Hex } from 'viem';
import { SessionStaking } from '../../sdk/src/generated/contracts.ts';
import type { LocalSystem } from '../../devnet/testkit.ts';
import { gatewaySubmitter, spawnGateway, spawnNode, type PreparedNode } from '../../devnet/network.ts';
import { prepareLocalNetwork } from '../../devnet/local-network.ts';
import type { Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { freePort } from '../../devnet/anvil.ts';
import { getJson, postJson, until } from '../../devnet/test-http.ts';
import { DEVNET_RULES, type MembershipRules } from '../../sdk/src/network/rules.ts';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { buildParams } from '../../sdk/src/storage/request-builder.ts';

// 20 s periods: 4 targets × (2 checks + a sample + the storage test) fit the 60-a-minute
// budget (at 10 s some targets go untested each period, and a window needs every period).
const RULES: MembershipRules = { ...DEVNET_RULES, testPeriodSec: 20, decommissionAfterSec: 60, recommissionAfterSec: 600, creditInitialSec: 3600, creditMaxSec: 86400 };

describe('storage tests decommission a node that serves wrong data, real processes', { timeout: 420_000 }, () => {
  let sys: LocalSystem;
  let dir: string;
  let nodes: PreparedNode[];
  const procs: Supervised[] = [];
  let gateway: Supervised | undefined;
  let stopTicker = () => {};
  let deploymentsFile: string;

  const startNode = (i: number, env: Record<string, string> = {}) => {
    procs[i] = spawnNode(nodes[i]!, { deploymentsFile, env });
    return procs[i]!.ready;
  };
  const isDecommissioned = async (nodeId: bigint) =>
    BigInt(await sys.rpc<Hex>('eth_call', [{ to: sys.deployments.contracts.SessionStaking!, data: encodeFunctionData({ abi: SessionStaking.abi as Abi, functionName: 'isDecommissioned', args: [nodeId] }) }, 'latest'])) === 1n;

  before(async () => {
    ({ sys, dir, deploymentsFile, nodes } = await prepareLocalNetwork({ count: 5, tmpPrefix: 'sesh-storage-decommission-', rules: RULES }));
    await sys.increaseTime(25 * 3600);
    stopTicker = startTicker(sys.rpc, 1);
    const keyFile = join(dir, 'submitter.key');
    await gatewaySubmitter(sys.rpc, keyFile);
    await Promise.all([0, 1, 2, 3].map((i) => startNode(i)));
    await startNode(4, { SESSION_NODE_TEST_STORAGE_FAULT: 'wrong-proof' });
    gateway = spawnGateway({ deploymentsFile, dataDir: join(dir, 'gateway'), keyFile, port: await freePort(), checkpointInterval: '2s', extra: ['--commission-interval', '3s', '--deregistration-interval', '3s'] });
    await gateway.ready;
  });

  after(async () => {
    stopTicker();
    await Promise.all([...procs.map((p) => p?.stop()), gateway?.stop()]);
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the node serving wrong data fails the storage test and is decommissioned; the others pass it', async () => {
    // Messages in the swarm (every node is in the one swarm of 5), stored through node 0.
    for (let i = 0; i < 10; i++) {
      const u = sessionKeysFromSeed(new Uint8Array(32).fill(i + 1));
      const r = await postJson(`${nodes[0]!.url}/storage_rpc/v1`, { method: 'store', params: buildParams.store({ to: u.sessionId, data: new TextEncoder().encode(`m${i}`), timestamp: Date.now(), ttl: 3_600_000 }) });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 200));
    }
    const liarId = BigInt((await getJson(`${nodes[4]!.url}/info`)).body.nodeIds[0]);
    await until('the liar is decommissioned', () => isDecommissioned(liarId), 270_000, 1_000).catch(async (e) => {
      console.log(JSON.stringify((await getJson(`${nodes[0]!.url}/network/tests`)).body.last, null, 1).slice(0, 3000));
      throw e;
    });
    const reports = (await getJson(`${nodes[0]!.url}/network/reports?node=${liarId}`)).body.reports as any[];
    assert.ok(reports.some((r) => !r.ok && r.checks.storage === 'fail' && r.checks.ledger === 'pass' && /wrong proof/.test(r.reason)), 'failed for its storage alone');
    const last = (await getJson(`${nodes[1]!.url}/network/tests`)).body.last as Record<string, any>;
    const passedStorage = Object.entries(last).filter(([id, r]) => id !== liarId.toString() && r.checks.storage === 'pass');
    assert.ok(passedStorage.length > 0, `honest nodes pass the storage test: ${JSON.stringify(last).slice(0, 500)}`);
    for (const [id, r] of Object.entries(last)) if (id !== liarId.toString()) assert.notEqual(r.checks.storage, 'fail', `node ${id}: ${r.reason}`);
  });
});
