/**
 * The chain consumer shared by the node daemon and the gateway: registry + reward ledger +
 * the history of ledger checkpoints, one per block where the pool released rewards (the
 * only events that change balances). Rollback replays the kept event blocks into a fresh
 * state, which is deterministic and obviously correct; event blocks are few (empty progress
 * marks are not kept).
 *
 * Total: an event the registry refuses (NetworkEventError) or the ledger refuses
 * (LedgerEventError), or any other error while applying one event, is skipped, recorded as an
 * anomaly in the state and logged; the rest of the block is applied. Both refusals change
 * nothing, and every node refuses the same events, so ledgers stay byte-identical.
 */
import type { Hex } from 'viem';
import type { ChainConsumer, TrackedBlock, TrackedEvent } from '../chain/tracker.ts';
import { applyEvent, createLedger, LedgerEventError, type Ledger } from '../ledger/ledger.ts';
import { checkpointOf } from '../ledger/checkpoint.ts';
import type { AccountAmountTree } from '../../sdk/src/merkle/account-amount-tree.ts';
import { applyNetworkEvent, closeBlock, createNetworkState, NetworkEventError, recordAnomaly, type Anomaly, type ContractAddresses, type NetworkState } from './network-state.ts';

export const EMPTY_ROOT: Hex = `0x${'00'.repeat(32)}`;

export type LedgerCheckpoint = {
  /** The checkpoint holds for every ledgerBlock from this block until the next entry. */
  block: number;
  root: Hex;
  total: bigint;
  released: bigint;
  leaves: number;
  /** Kept for the last few checkpoints only (claim proofs). */
  tree: AccountAmountTree | undefined;
};

export type NetworkView = {
  state: NetworkState;
  ledger: Ledger;
  history: LedgerCheckpoint[];
  /** Highest block processed and its timestamp. */
  height: number;
  time: number;
};

export type NetworkConsumer = ChainConsumer & {
  view: () => NetworkView;
  /** The ledger checkpoint as of `block` (≤ height): the last history entry at or below it. */
  checkpointAt: (block: number) => LedgerCheckpoint;
};

const TREES_KEPT = 4;

export type NetworkConsumerOptions = {
  deployBlock: number;
  /** The chain id (from the deployments file): registrations' ed25519 proofs are bound to it. */
  chainId: number;
  /** Where anomalies are reported loudly (once, when first applied; not again on rollback replays). */
  log?: (line: string) => void;
};

const reasonOf = (error: unknown) => (error instanceof NetworkEventError || error instanceof LedgerEventError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`);

export function createNetworkConsumer(contracts: ContractAddresses, options: NetworkConsumerOptions): NetworkConsumer {
  const chain = { chainId: options.chainId, contracts };
  const fresh = (): NetworkView => ({ state: createNetworkState(), ledger: createLedger(), history: [], height: options.deployBlock - 1, time: 0 });
  let view = fresh();
  let kept: { events: readonly TrackedEvent[]; block: TrackedBlock }[] = [];
  const report = (anomalies: readonly Anomaly[]) => {
    for (const x of anomalies) options.log?.(`ANOMALY: skipped ${x.eventName} at block ${x.block} log ${x.logIndex} (tx ${x.transactionHash}): ${x.reason}`);
  };

  const applyBlock = (v: NetworkView, events: readonly TrackedEvent[], block: TrackedBlock): Anomaly[] => {
    const anomalies: Anomaly[] = [];
    let released = false;
    for (const event of events) {
      let ledgerEvents;
      try {
        ledgerEvents = applyNetworkEvent(v.state, event, block.timestamp, chain);
      } catch (error) {
        anomalies.push(recordAnomaly(v.state, event, reasonOf(error)));
        continue;
      }
      for (const ledgerEvent of ledgerEvents) {
        try {
          applyEvent(v.ledger, ledgerEvent);
        } catch (error) {
          anomalies.push(recordAnomaly(v.state, event, `ledger refused ${ledgerEvent.kind}: ${reasonOf(error)}`));
          continue;
        }
        if (ledgerEvent.kind === 'rewardsReleased') released = true;
      }
    }
    anomalies.push(...closeBlock(v.state));
    if (released) {
      const c = checkpointOf(v.ledger);
      v.history.push({ block: block.number, root: c.root, total: c.total, released: c.released, leaves: c.leaves, tree: c.tree });
      if (v.history.length > TREES_KEPT) v.history[v.history.length - 1 - TREES_KEPT]!.tree = undefined;
    }
    v.height = block.number;
    v.time = block.timestamp;
    return anomalies;
  };

  return {
    apply(events, block) {
      if (events.length > 0) kept.push({ events, block });
      report(applyBlock(view, events, block));
    },
    rollback(toBlock) {
      kept = kept.filter((k) => k.block.number <= toBlock);
      const next = fresh();
      for (const k of kept) applyBlock(next, k.events, k.block);
      next.height = Math.max(toBlock, options.deployBlock - 1);
      next.time = kept.at(-1)?.block.timestamp ?? 0;
      view = next;
    },
    view: () => view,
    checkpointAt(block) {
      for (let i = view.history.length - 1; i >= 0; i--) if (view.history[i]!.block <= block) return view.history[i]!;
      return { block: options.deployBlock, root: EMPTY_ROOT, total: 0n, released: 0n, leaves: 0, tree: undefined };
    },
  };
}
