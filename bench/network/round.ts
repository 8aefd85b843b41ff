/**
 * Signing-round benchmark: `identities` nodes seeded on a local chain, served by `hosts`
 * session-node processes (each holds a share of the BLS keys, `--extra-bls-key`), and the
 * gateway's real checkpoint path in this process: release → fan-out to every host → each
 * host checks the checkpoint against its own ledger and signs with every identity → the
 * gateway verifies the aggregate, names non-signers → authoriseRewards on-chain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalSystem } from '../../devnet/testkit.ts';
import { freePort } from '../../devnet/anvil.ts';
import { superviseScript, type Supervised } from '../../devnet/processes.ts';
import { startTicker } from '../../devnet/ticker.ts';
import { withMembership } from '../../devnet/network.ts';
import { signAnnouncement } from '../../sdk/src/network/announcement.ts';
import { startMembership } from '../../core/membership/membership.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { approveMax, bulkNodeKeys, readStaking, stakingNet } from '../../contracts/test/staking-kit.ts';
import { seedNodesCall, type SeedNodeInput } from '../../sdk/src/staking/calls.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { createBlsKeyFile } from '../../core/keys/bls.ts';
import { generateEd25519Identity, loadOrCreateEd25519Key, type Ed25519Identity } from '../../core/keys/ed25519.ts';
import { createRpcPool } from '../../core/chain/rpc.ts';
import { followNetwork } from '../../core/state/follow.ts';
import { createCooldownRegistry } from '../../core/rounds/cooldown.ts';
import { createGatewayService } from '../../gateway/src/service.ts';

export type RoundBench = { identities: number; hosts: number; rounds: { ms: number; answersMs: number; signers: number; ok: boolean; submitMs: number }[] };

export async function benchSigningRound(options: { identities: number; hosts: number; rounds: number; log: (line: string) => void }): Promise<RoundBench> {
  const { identities, hosts, log } = options;
  const sys = await startLocalSystem({ startStaking: false });
  const dir = mkdtempSync(join(tmpdir(), 'sesh-bench-network-'));
  const procs: Supervised[] = [];
  let stopTicker = () => {};
  try {
    const net = stakingNet(sys);
    const admin = await sys.as(0);
    const operator = admin.account.address;
    await approveMax(admin, net);
    const requirement = await readStaking<bigint>(net, 'stakingRequirement');
    const hostDirs = Array.from({ length: hosts }, (_, h) => join(dir, `host-${h}`));
    const edIdentities = hostDirs.map((d) => loadOrCreateEd25519Key(join(d, 'keys')).identity);
    const extra: string[][] = hostDirs.map(() => []);
    /** The extra identities' ed25519 keys and the host that answers for them (each host announces only its own key). */
    const listed: { identity: Ed25519Identity; host: number }[] = [];
    log(`seeding ${identities} nodes (${hosts} hosts)…`);
    const batch = 50;
    for (let start = 0; start < identities; start += batch) {
      const seeds: SeedNodeInput[] = [];
      for (let i = start; i < Math.min(identities, start + batch); i++) {
        const h = i % hosts;
        // ed25519 keys are unique among live nodes (a shared one marks a clone): the host's first
        // identity is registered under the host's key, each extra one under a key of its own.
        const first = i < hosts;
        const ed = first ? edIdentities[h]! : generateEd25519Identity();
        if (!first) listed.push({ identity: ed, host: h });
        const { keyPair, keys } = bulkNodeKeys(net, operator, ed.secretKey);
        createBlsKeyFile(join(hostDirs[h]!, 'keys', first ? 'bls.key' : `extra-${i}.key`), keyPair);
        if (!first) extra[h]!.push(join(hostDirs[h]!, 'keys', `extra-${i}.key`));
        seeds.push({ keys, operator, feeBps: 500, contributors: [{ contributor: operator, amount: requirement }] });
      }
      const gas = 400_000n * BigInt(seeds.length) + 200_000n;
      const hash = await admin.walletClient.writeContract({ ...seedNodesCall(net.staking, seeds), gas } as never);
      const receipt = await admin.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`seedNodes batch at ${start} reverted`);
    }
    await startStaking(admin, { SessionStaking: net.staking, StakingRewards: net.rewards, RewardRatePool: net.pool });
    await sys.increaseTime(25 * 3600);
    const deploymentsFile = join(dir, 'deployments.json');
    const ports = await Promise.all(hostDirs.map(() => freePort()));
    const deployments = withMembership(sys.deployments, ports.map((p) => ({ url: `http://127.0.0.1:${p}` })));
    writeDeployments(deploymentsFile, deployments);
    stopTicker = startTicker(sys.rpc, 1);
    log(`starting ${hosts} session-node processes…`);
    for (const [h, d] of hostDirs.entries()) {
      procs.push(superviseScript(`host-${h}`, 'node/src/main.ts', ['--deployments', deploymentsFile, '--data-dir', d, '--http-port', String(ports[h]), '--public-host', '127.0.0.1', ...extra[h]!.flatMap((f) => ['--extra-bls-key', f])], { timeoutMs: 300_000 }));
    }
    await Promise.all(procs.map((p) => p.ready));
    // The extra identities' operator (this bench) announces where they answer: their host.
    const now = Math.floor(Date.now() / 1000);
    for (const { identity, host } of listed) {
      const a = signAnnouncement({ chainId: sys.deployments.chainId, contract: net.staking, ed25519PublicKey: identity.nodeId, host: '127.0.0.1', httpPort: ports[host]!, software: 'bench', timestamp: now }, identity.secretKey);
      const response = await fetch(`http://127.0.0.1:${ports[host]}/network/announce`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) });
      if (!response.ok) throw new Error(`announcing identity ${identity.nodeId}: HTTP ${response.status} ${await response.text()}`);
    }

    const { tracker, network, contracts } = await followNetwork({ deployments, rpc: createRpcPool({ urls: [sys.anvil.rpcUrl] }), dataDir: join(dir, 'gateway'), confirmations: 1 });
    await tracker.syncOnce();
    tracker.start();
    // The gateway's directory, learnt from the seeds like the gateway process does.
    const membership = startMembership({ deployments, network, contract: contracts.staking, dataDir: join(dir, 'gateway'), log: () => {} });
    await membership.start();
    const deadline = Date.now() + 120_000;
    while (membership.directory.list().length < identities) {
      if (Date.now() > deadline) throw new Error(`the gateway directory knows ${membership.directory.list().length} of ${identities} identities after 120 s`);
      await membership.gossip.pullFrom(deployments.seedNodes![0]!);
      await new Promise((r) => setTimeout(r, 500));
    }
    const service = createGatewayService({
      network,
      tracker,
      contracts,
      submitter: admin,
      endpoints: membership.directory.urls,
      cooldowns: createCooldownRegistry({ durationMs: 60_000 }),
      roundTimeoutMs: 120_000,
      log,
    });
    const rounds: RoundBench['rounds'] = [];
    for (let r = 0; r < options.rounds; r++) {
      const started = performance.now();
      const result = await service.checkpoint();
      const total = performance.now() - started;
      if (!result.report.ok || !result.txHash) throw new Error(`round ${r + 1} failed: ${JSON.stringify({ signers: result.report.signers.length, refusals: result.report.refusals.slice(0, 3), unreachable: result.report.unreachable })}`);
      rounds.push({ ms: result.report.ms, answersMs: result.report.answersMs, signers: result.report.signers.length, ok: true, submitMs: Math.round(total - result.report.ms) });
      log(`round ${r + 1}: ${result.report.signers.length}/${result.report.activeNodes} signed in ${result.report.ms} ms (answers ${result.report.answersMs} ms; release + wait + submit ${Math.round(total - result.report.ms)} ms)`);
    }
    membership.stop();
    await tracker.stop();
    return { identities, hosts, rounds };
  } finally {
    stopTicker();
    await Promise.all(procs.map((p) => p.stop()));
    await sys.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
