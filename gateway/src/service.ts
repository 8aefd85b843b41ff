/**
 * The gateway's work: signing rounds for checkpoints, exits and deregistrations, and the
 * transactions that use them. It follows the chain itself (same consumer as the nodes), so it
 * proposes exactly the checkpoint honest nodes compute, and it knows the active set the
 * contract will check the non-signers against.
 */
import { parseAbi, type Address, type Hex, type LocalAccount } from 'viem';
import { RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import type { NetworkSignatureArgs } from '../../sdk/src/bls/index.ts';
import type { Deployer } from '../../contracts/deploy/deploy.ts';
import type { NetworkConsumer } from '../../core/state/consumer.ts';
import type { ContractAddresses } from '../../core/state/network-state.ts';
import type { Tracker } from '../../core/chain/tracker.ts';
import type { RpcRequest } from '../../core/chain/rpc.ts';
import { createChainClock, withinChainDeadline } from '../../core/chain/chain-health.ts';
import { joinUrl } from '../../core/rounds/http-call.ts';
import type { CooldownRegistry } from '../../core/rounds/cooldown.ts';
import { endpointsOf, runRound, type RoundReport } from '../../core/rounds/round.ts';
import { createSubmitter, SubmitError, type Submitter } from '../../core/rounds/submit.ts';
import { createSharedRounds, type SharedRounds, type Signed } from '../../core/rounds/shared-rounds.ts';

export type CheckpointResult = { report: RoundReport; epoch: bigint; txHash?: Hex; error?: string };

/** Thrown instead of trying a checkpoint the contract would refuse as too soon (CheckpointTooSoon). */
export class CheckpointTooSoonError extends Error {
  override name = 'CheckpointTooSoonError';
}

export type GatewayService = {
  chainNow: () => Promise<number>;
  urls: () => Map<string, string>;
  /** A signed exit / deregistration asked for from outside (cached, shared, bounded: shared-rounds.ts). */
  signNode: (kind: 'exit' | 'deregistration', nodeId: bigint) => Promise<Signed>;
  /** release() → wait for the ledger to see it → round → authoriseRewards (retried on a changed active set). */
  checkpoint: () => Promise<CheckpointResult>;
  /** Asks nodes for their deregistration votes and submits what the network signs. */
  deregisterFailing: () => Promise<{ nodeId: bigint; txHash?: Hex; report: RoundReport }[]>;
  rounds: SharedRounds;
  lastRounds: RoundReport[];
};

/** Rounds retried after authoriseRewards reverts (the active set changed under the round). */
const MAX_CHECKPOINT_RETRIES = 3;
const MIN_CHECKPOINT_INTERVAL_ABI = parseAbi(['function minCheckpointInterval() view returns (uint256)']);

export function createGatewayService(options: {
  network: NetworkConsumer;
  tracker: Tracker;
  contracts: ContractAddresses;
  /** The account that pays; its clients simulate and decode. */
  submitter: Deployer;
  /** ed25519 key → URL of every node with a valid announcement (the membership directory). */
  endpoints: () => Map<string, string>;
  cooldowns: CooldownRegistry;
  roundTimeoutMs: number;
  log: (line: string) => void;
  /** A fast-failing RPC (short timeout, few attempts) for chain time and transaction polling. */
  rpc?: RpcRequest;
  chainNow?: () => Promise<number>;
  confirmations?: number;
  /** Bound on waiting for one transaction (default 60 s). */
  submitWaitMs?: number;
  /** How long one checkpoint may keep starting attempts (default 10 min, the default interval). */
  checkpointBudgetMs?: number;
  outsideRetryMs?: number;
}): GatewayService {
  const { network, contracts, submitter, log } = options;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
  const rpc: RpcRequest = options.rpc ?? ((method, params) => withinChainDeadline(submitter.publicClient.request({ method, params } as never), 5_000, method));
  const chainNow = options.chainNow ?? createChainClock({ request: rpc }).now;
  const transactions: Submitter = createSubmitter({
    rpc,
    account: submitter.account as LocalAccount,
    chainId: submitter.chain.id,
    confirmations: options.confirmations ?? 1,
    waitMs: options.submitWaitMs ?? 60_000,
    // Bounded, but the error passes through as is: it carries the revert data to decode.
    estimateGas: (call) =>
      Promise.race([
        submitter.publicClient.estimateContractGas({ address: call.to, abi: call.abi, functionName: call.functionName, args: call.args ?? [], account: call.account } as never),
        sleep(5_000).then(() => Promise.reject(new Error(`simulating ${call.functionName}: no answer from the chain RPC within 5000 ms`))),
      ]),
    log,
  });
  const lastRounds: RoundReport[] = [];
  const remember = (r: RoundReport) => {
    lastRounds.push(r);
    if (lastRounds.length > 20) lastRounds.shift();
    return r;
  };
  const urls = options.endpoints;
  const round = async (path: string, body: unknown) =>
    remember(await runRound({ view: network.view(), urls: urls(), path, body, cooldowns: options.cooldowns, timeoutMs: options.roundTimeoutMs, log }));
  const waitForHeight = async (block: number, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (network.view().height < block) {
      if (Date.now() > deadline) throw new Error(`the gateway's chain view did not reach block ${block} within ${ms} ms`);
      await options.tracker.syncOnce().catch(() => {});
      if (network.view().height < block) await sleep(200);
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
      if (pending.length > 0) await sleep(200);
    }
  };

  const runNodeRound = async (kind: 'exit' | 'deregistration', nodeId: bigint): Promise<Signed> => {
    // The caller judged the node on the gateway's view; nodes judge on theirs, so let them reach
    // it first (a request just after the unlock would otherwise meet "still running" refusals).
    await waitForNodes(network.view().height);
    const signedAt = await chainNow();
    const report = await round(kind === 'exit' ? '/sign/exit' : '/sign/deregistration', { nodeId: nodeId.toString(), signedAt });
    return { report, signedAt };
  };
  const rounds = createSharedRounds({ run: runNodeRound, chainNow, retryMs: options.outsideRetryMs });

  // The contract's minimum time between checkpoints (immutable; a contract without it → 0).
  let minInterval: number | undefined;
  const minCheckpointInterval = async (): Promise<number> => {
    if (minInterval !== undefined) return minInterval;
    try {
      const v = await withinChainDeadline(
        submitter.publicClient.readContract({ address: contracts.rewards, abi: MIN_CHECKPOINT_INTERVAL_ABI, functionName: 'minCheckpointInterval' }),
        3_000,
        'minCheckpointInterval',
      );
      return (minInterval = Number(v));
    } catch (error) {
      if (/revert|returned no data/i.test((error as Error).message)) return (minInterval = 0);
      throw error;
    }
  };

  async function checkpoint(): Promise<CheckpointResult> {
    const deadline = Date.now() + (options.checkpointBudgetMs ?? 600_000);
    const last = network.view().state.lastCheckpoint;
    const [minimum, now] = await Promise.all([minCheckpointInterval(), chainNow()]);
    // (Only with a minimum: the cached chain time may be a second behind the last checkpoint's block.)
    if (last && minimum > 0 && now < last.time + minimum) {
      throw new CheckpointTooSoonError(`not trying yet: the contract allows the next checkpoint at ${last.time + minimum} (chain time now ${now})`);
    }
    const phases: string[] = [];
    let phaseStart = Date.now();
    const phase = (name: string) => {
      phases.push(`${name} ${Date.now() - phaseStart} ms`);
      phaseStart = Date.now();
    };
    const release = await transactions.submit({ to: contracts.pool, abi: RewardRatePool.abi, functionName: 'release' }, { what: 'release' });
    phase('release');
    await waitForHeight(release.blockNumber, Math.max(1_000, Math.min(20_000, deadline - Date.now())));
    phase('ledger');
    const ledgerBlock = network.view().height;
    const mine = network.checkpointAt(ledgerBlock);
    const epoch = (network.view().state.lastCheckpoint?.epoch ?? 0n) + 1n;
    await waitForNodes(ledgerBlock);
    phase('nodes');
    let report: RoundReport | undefined;
    let retries = 0;
    // Nodes a block or two behind refuse with "behind": give them a moment and ask again.
    for (let attempt = 0; attempt < 5 + MAX_CHECKPOINT_RETRIES; attempt++) {
      const signedAt = await chainNow();
      // Own fan-out: outside signing rounds wait for it, never the other way round.
      report = await rounds.own(() => round('/sign/checkpoint', { epoch: epoch.toString(), root: mine.root, cumulativeTotal: mine.total.toString(), ledgerBlock, signedAt }));
      if (report.ok) {
        try {
          const tx = await transactions.submit(
            { to: contracts.rewards, abi: StakingRewards.abi, functionName: 'authoriseRewards', args: [epoch, mine.root, mine.total, BigInt(ledgerBlock), BigInt(signedAt), report.signature as NetworkSignatureArgs] },
            { what: `checkpoint epoch ${epoch}` },
          );
          log(`gateway: checkpoint epoch ${epoch} root ${mine.root} total ${mine.total} at block ${ledgerBlock}: ${report.signers.length}/${report.activeNodes} signed, non-signers [${report.nonSigners.join(', ')}] (round ${report.ms} ms; tx ${tx.hash} confirmed in ${tx.ms} ms, ${tx.sends} sent; before the round: ${phases.join(', ')})`);
          return { report, epoch, txHash: tx.hash };
        } catch (error) {
          if (!(error instanceof SubmitError) || error.kind !== 'reverted') throw error;
          log(`gateway: checkpoint epoch ${epoch}: authoriseRewards reverted with ${error.revert} (signers ${report.signers.length}/${report.activeNodes}, non-signers [${report.nonSigners.join(', ')}])`);
          if (++retries > MAX_CHECKPOINT_RETRIES || Date.now() > deadline) return { report, epoch, error: error.message };
          // The contract saw a newer chain than our round (typically the active set changed):
          // catch up to the block it simulated on, then sign again on that view.
          const head = Number(BigInt(await rpc<Hex>('eth_blockNumber')));
          await waitForHeight(head, Math.max(1_000, Math.min(20_000, deadline - Date.now())));
          if ((network.view().state.lastCheckpoint?.epoch ?? 0n) >= epoch) return { report, epoch, error: `epoch ${epoch} was authorised meanwhile` };
          log(`gateway: checkpoint epoch ${epoch}: retrying on the active set at block ${network.view().height} (${retries}/${MAX_CHECKPOINT_RETRIES})`);
          continue;
        }
      }
      if (!report.refusals.some((r) => r.reason.startsWith('behind')) || Date.now() > deadline) break;
      await sleep(700);
    }
    log(`gateway: checkpoint epoch ${epoch} failed: ${report!.signers.length}/${report!.activeNodes} signed (need ${report!.required}); refusals ${JSON.stringify(report!.refusals)}`);
    return { report: report!, epoch };
  }

  async function deregisterFailing() {
    const { refs } = endpointsOf(network.view(), urls());
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
      const { report, signedAt } = await rounds.sign('deregistration', nodeId);
      if (!report.ok) {
        log(`gateway: deregistration of node ${id} not signed: ${report.signers.length}/${report.activeNodes} (need ${report.required})`);
        results.push({ nodeId, report });
        continue;
      }
      try {
        const tx = await transactions.submit(
          { to: contracts.staking, abi: SessionStaking.abi, functionName: 'deregisterWithSignature', args: [nodeId, BigInt(signedAt), report.signature as NetworkSignatureArgs] },
          { what: `deregistration of node ${id}` },
        );
        log(`gateway: deregistered node ${id} (${report.signers.length}/${report.activeNodes} signed), tx ${tx.hash}`);
        results.push({ nodeId, txHash: tx.hash, report });
      } catch (error) {
        log(`gateway: deregistration of node ${id} failed: ${(error as Error).message}`);
        results.push({ nodeId, report });
      }
    }
    return results;
  }

  return {
    chainNow,
    urls,
    signNode: (kind, nodeId) => rounds.outside(kind, nodeId),
    rounds,
    lastRounds,
    checkpoint,
    deregisterFailing,
  };
}

export type { Address };
