/**
 * A deterministic test consumer: ERC-20 balances from Transfer events. It throws on anything
 * a ledger must never see (a block twice, out-of-order events, an event counted twice), so
 * a tracker bug fails the test instead of silently skewing a number.
 */
import type { Address, Hex } from 'viem';
import type { ChainConsumer, TrackedBlock, TrackedEvent } from '../../chain/tracker.ts';

export type TransferLedger = ChainConsumer & {
  balances: () => Map<Address, bigint>;
  /** Canonical text of the whole state: equal snapshots mean identical ledgers. */
  snapshot: () => string;
  lastBlock: () => number;
  eventCount: () => number;
};

export function createTransferLedger(): TransferLedger {
  const balances = new Map<Address, bigint>();
  let events: TrackedEvent[] = [];
  const blocks: { number: number; hash: Hex }[] = [];
  let last = -1;
  const move = (e: TrackedEvent, sign: bigint) => {
    const { from, to, value } = e.args as { from: Address; to: Address; value: bigint };
    balances.set(from, (balances.get(from) ?? 0n) - sign * value);
    balances.set(to, (balances.get(to) ?? 0n) + sign * value);
  };
  return {
    apply(batch, block: TrackedBlock) {
      if (block.number <= last) throw new Error(`block ${block.number} applied after ${last}`);
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i]!;
        if (e.blockNumber !== block.number) throw new Error(`event of block ${e.blockNumber} delivered with block ${block.number}`);
        if (i > 0 && batch[i - 1]!.logIndex >= e.logIndex) throw new Error(`log ${e.logIndex} out of order in block ${block.number}`);
        if (e.eventName !== 'Transfer') continue;
        move(e, 1n);
        events.push(e);
      }
      last = block.number;
      if (batch.length > 0) blocks.push({ number: block.number, hash: block.hash });
    },
    rollback(toBlock) {
      const kept: TrackedEvent[] = [];
      for (const e of events) {
        if (e.blockNumber > toBlock) move(e, -1n);
        else kept.push(e);
      }
      events = kept;
      while (blocks.length > 0 && blocks[blocks.length - 1]!.number > toBlock) blocks.pop();
      last = Math.min(last, toBlock);
    },
    balances: () => balances,
    snapshot: () =>
      JSON.stringify({
        balances: [...balances.entries()].filter(([, v]) => v !== 0n).sort(([a], [b]) => (a < b ? -1 : 1)).map(([a, v]) => [a, v.toString()]),
        events: events.map((e) => `${e.blockNumber}:${e.blockHash}:${e.logIndex}:${e.transactionHash}`),
      }),
    lastBlock: () => last,
    eventCount: () => events.length,
  };
}
