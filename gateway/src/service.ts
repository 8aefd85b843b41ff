/**
 * The gateway's work: signing rounds for checkpoints, exits and deregistrations, and the
 * transactions that use them. It follows the chain itself (same consumer as the nodes), so it
 * proposes exactly the checkpoint honest nodes compute, and it knows the active set the
 * contract will check the non-signers against.
 */
import type { Address, Hex } from 'viem';
import { RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import type { NetworkSignatureArgs } from '../../sdk/src/bls/index.ts';
import type { Deployer } from '../../contracts/deploy/deploy.ts';
import type { NetworkConsumer } from '../../node/src/state/consumer.ts';
import type { ContractAddresses } from '../../node/src/state/network-state.ts';
import type { Tracker } from '../../node/src/chain/tracker.ts';
import { readNodesFile } from '../../node/src/peers/nodes-file.ts';
import { joinUrl } from './http-call.ts';
import type { CooldownRegistry } from './cooldown.ts';
import { endpointsOf, runRound, type RoundReport } from './round.ts';

export type GatewayService = {
  chainNow: () => Promise<number>;
  urls: () => Map<string, string>;
  /** A signed exit / deregistration for `nodeId`, for the caller to submit (or the gateway). */
  signNode: (kind: 'exit' | 'deregistration', nodeId: bigint) => Promise<{ report: RoundReport; signedAt: number }>;
  /** release() → wait for the ledger to see it → round → authoriseRewards. */
  checkpoint: () => Promise<{ report: RoundReport; epoch: bigint; txHash?: Hex }>;
  /** Asks nodes for their deregistration votes and submits what the network signs. */
  deregisterFailing: () => Promise<{ nodeId: bigint; txHash?: Hex; report: RoundReport }[]>;
  lastRounds: RoundReport[];
};

export function createGatewayService(options: {
  network: NetworkConsumer;
  tracker: Tracker;
  contracts: ContractAddresses;
  submitter: Deployer;
  nodesFile: string;
  cooldowns: CooldownRegistry;
  roundTimeoutMs: number;
  log: (line: string) => void;
}): GatewayService {
  const { network, contracts, submitter, log } = options;
  const lastRounds: RoundReport[] = [];
  const remember = (r: RoundReport) => {
    lastRounds.push(r);
    if (lastRounds.length > 20) lastRounds.shift();
    return r;
  };
  const urls = () => {
    const { endpoints, error } = readNodesFile(options.nodesFile);
    if (error) log(`gateway: ${error}`);
    return endpoints;
  };
  const chainNow = async () => Number((await submitter.publicClient.getBlock({ blockTag: 'latest' })).timestamp);
  const round = async (path: string, body: unknown) =>
    remember(await runRound({ view: network.view(), urls: urls(), path, body, cooldowns: options.cooldowns, timeoutMs: options.roundTimeoutMs, log }));
  const waitForHeight = async (block: number, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (network.view().height < block) {
      if (Date.now() > deadline) throw new Error(`the gateway's chain view did not reach block ${block} within ${ms} ms`);
      await options.tracker.syncOnce().catch(() => {});
      if (network.view().height < block) await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** Until every endpoint has processed `block` (nodes poll the chain on their own clock), at most `ms`. */
  const waitForNodes = async (block: number, ms = 5_000) => {
    const { refs } = endpointsOf(network.view(), urls());
    const deadline = Date.now() + ms;
    let pending = refs;
    while (pending.length > 0 && Date.now() < deadline) {
      const heights = await Promise.all(
        pending.map(async (ref) => {
          try {
            const response = await fetch(joinUrl('/ledger/root', ref.url), { signal: AbortSignal.timeout(1_000) });
            return ((await response.json()) as { ledgerBlock?: number }).ledgerBlock ?? -1;
          } catch {
            return -1; // down: the round will list it as a non-signer
          }
        }),
      );
      pending = pending.filter((_, i) => heights[i]! >= 0 && heights[i]! < block);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
  };

  const signNode: GatewayService['signNode'] = async (kind, nodeId) => {
    // The caller judged the node on the gateway's view; nodes judge on theirs, so let them reach
    // it first (a request just after the unlock would otherwise meet "still running" refusals).
    await waitForNodes(network.view().height);
    const signedAt = await chainNow();
    const report = await round(kind === 'exit' ? '/sign/exit' : '/sign/deregistration', { nodeId: nodeId.toString(), signedAt });
    return { report, signedAt };
  };

  return {
    chainNow,
    urls,
    signNode,
    lastRounds,
    async checkpoint() {
      const releaseTx = await submitter.send(contracts.pool, RewardRatePool.abi, 'release');
      const receipt = await submitter.publicClient.getTransactionReceipt({ hash: releaseTx });
      await waitForHeight(Number(receipt.blockNumber));
      const ledgerBlock = network.view().height;
      const mine = network.checkpointAt(ledgerBlock);
      const epoch = (network.view().state.lastCheckpoint?.epoch ?? 0n) + 1n;
      await waitForNodes(ledgerBlock);
      let report: RoundReport | undefined;
      // Nodes a block or two behind refuse with "behind"; give them a moment and ask again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const signedAt = await chainNow();
        report = await round('/sign/checkpoint', { epoch: epoch.toString(), root: mine.root, cumulativeTotal: mine.total.toString(), ledgerBlock, signedAt });
        if (report.ok) {
          const txHash = await submitter.send(contracts.rewards, StakingRewards.abi, 'authoriseRewards', [epoch, mine.root, mine.total, BigInt(ledgerBlock), BigInt(signedAt), report.signature as NetworkSignatureArgs]);
          log(`gateway: checkpoint epoch ${epoch} root ${mine.root} total ${mine.total} at block ${ledgerBlock}: ${report.signers.length}/${report.activeNodes} signed, non-signers [${report.nonSigners.join(', ')}] (${report.ms} ms)`);
          return { report, epoch, txHash };
        }
        if (!report.refusals.some((r) => r.reason.startsWith('behind'))) break;
        await new Promise((r) => setTimeout(r, 700));
      }
      log(`gateway: checkpoint epoch ${epoch} failed: ${report!.signers.length}/${report!.activeNodes} signed (need ${report!.required}); refusals ${JSON.stringify(report!.refusals)}`);
      return { report: report!, epoch };
    },
    async deregisterFailing() {
      const view = network.view();
      const { refs } = endpointsOf(view, urls());
      const votes = new Set<string>();
      await Promise.all(
        refs.map(async (ref) => {
          try {
            const response = await fetch(joinUrl('/peer/candidates', ref.url), { signal: AbortSignal.timeout(options.roundTimeoutMs) });
            const body = (await response.json()) as { candidates?: { nodeId: string; candidate: boolean }[] };
            for (const c of body.candidates ?? []) if (c.candidate && /^\d+$/.test(c.nodeId)) votes.add(c.nodeId);
          } catch {
            // an unreachable node has no vote; its own failure shows in the others' votes
          }
        }),
      );
      const results: { nodeId: bigint; txHash?: Hex; report: RoundReport }[] = [];
      for (const id of [...votes].sort()) {
        const nodeId = BigInt(id);
        const node = network.view().state.nodes.get(nodeId);
        if (!node || (node.status !== 'running' && node.status !== 'exitRequested')) continue;
        const { report, signedAt } = await signNode('deregistration', nodeId);
        if (!report.ok) {
          log(`gateway: deregistration of node ${id} not signed: ${report.signers.length}/${report.activeNodes} (need ${report.required})`);
          results.push({ nodeId, report });
          continue;
        }
        const txHash = await submitter.send(contracts.staking, SessionStaking.abi, 'deregisterWithSignature', [nodeId, BigInt(signedAt), report.signature as NetworkSignatureArgs]);
        log(`gateway: deregistered node ${id} (${report.signers.length}/${report.activeNodes} signed), tx ${txHash}`);
        results.push({ nodeId, txHash, report });
      }
      return results;
    },
  };
}

export type { Address };
