/**
 * Chain tracker: follows contract logs from a deploy block, only once they have N
 * confirmations, in bounded chunks, through an RPC pool with retry and failover. Survives
 * reorgs (rolls back to the common ancestor and tells its consumer to undo) and restarts
 * (replays its journal into the consumer, then resumes where it stopped).
 *
 * Consumer contract (see ChainConsumer): the consumer is a deterministic in-memory state
 * machine. On open, the tracker replays every journaled block into a fresh consumer; then it
 * calls apply() for each new block and rollback() on reorgs. Because a block's events and
 * the tracker's progress are one fsynced journal line, the consumer sees every event exactly
 * once in its final state, whatever crashes happen in between. A consumer that throws is not
 * fed past the failure; every poll retries it (rollback + journal replay) and status() carries
 * the error meanwhile, so a consumer bug shows in /health instead of silently halting.
 */
import { decodeEventLog, getAddress, keccak256, toEventSelector, toHex, type Abi, type AbiEvent, type Address, type Hex } from 'viem';
import { createRpcPool, RpcResponseError, type RpcEndpointHealth, type RpcPool, type RpcRequest } from './rpc.ts';
import { openJournal, type Journal, type JournalBlock, type RawLog } from './journal.ts';

export type TrackedBlock = {
  number: number;
  hash: Hex;
  parentHash: Hex;
  /** Block timestamp, seconds. */
  timestamp: number;
};

export type TrackedEvent = {
  blockNumber: number;
  blockHash: Hex;
  logIndex: number;
  transactionHash: Hex;
  address: Address;
  eventName: string;
  args: Record<string, unknown>;
};

export type ChainConsumer = {
  /**
   * Called once per processed block, in block order: the block's matching events in log-index
   * order. A block with no events is a progress mark (the end of a processed range): which
   * marks a consumer sees depends on polling and chunking, so state must not depend on them
   * beyond "the chain is known up to here".
   */
  apply: (events: readonly TrackedEvent[], block: TrackedBlock) => void | Promise<void>;
  /** Undo every event in blocks above `toBlock` (a reorg replaced them). */
  rollback: (toBlock: number) => void | Promise<void>;
};

export type TrackedContract = { address: Address; abi: Abi; /** Only these events (default: every event in the ABI). */ events?: readonly string[] };

export type TrackerOptions = {
  /** RPC URLs (failover, round-robin) or a ready pool. */
  rpc: readonly string[] | RpcPool;
  chainId: number;
  deployBlock: number;
  contracts: readonly TrackedContract[];
  dataDir: string;
  consumer: ChainConsumer;
  /** Blocks mined on top of a block before it is processed (0 processes the head itself). */
  confirmations: number;
  /** Max blocks per eth_getLogs range (default 1,000). */
  chunkSize?: number;
  /** Poll interval for start() (default: 60 s, or 500 ms if every RPC URL is loopback). */
  pollIntervalMs?: number;
  /** How many journaled blocks the reorg search walks back through before a full resync (default 128). */
  reorgWindow?: number;
  /** Empty progress marks kept in the journal (default 256). */
  keepMarks?: number;
  log?: (line: string) => void;
};

export type TrackerStatus = {
  /** Highest block processed (deployBlock − 1 before the first). */
  height: number;
  /** Chain head at the last poll, and the highest block with enough confirmations. */
  head?: number;
  safe?: number;
  syncing: boolean;
  reorgs: number;
  lastError?: string;
  /** Set while the consumer is failing: it is behind `height` and retried every poll. */
  consumerError?: string;
  /** Wall-clock ms of the last sync that completed (health: a stalled chain connection shows here). */
  lastSyncAt?: number;
  rpc: RpcEndpointHealth[];
};

export type SyncReport = { from: number; to: number; blocks: number; events: number; rolledBackTo?: number };

export type Tracker = {
  /** One poll: reorg check, then process every confirmed block up to the safe head. */
  syncOnce: () => Promise<SyncReport>;
  /** Polls every pollIntervalMs until stop(); poll errors are reported, never thrown. */
  start: (onError?: (error: Error) => void) => void;
  stop: () => Promise<void>;
  status: () => TrackerStatus;
  height: () => number;
};

export class TrackerError extends Error {
  override name = 'TrackerError';
}

type RpcBlock = { number: Hex; hash: Hex; parentHash: Hex; timestamp: Hex };
type RpcLog = { address: Hex; topics: Hex[]; data: Hex; blockNumber: Hex; blockHash: Hex; logIndex: Hex; transactionHash: Hex; transactionIndex: Hex; removed?: boolean };

/** Thrown inside a sync step when the chain moved under us; the step is redone. */
class ChainMoved extends Error {}

const isLoopback = (url: string) => {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
};

export function defaultPollIntervalMs(urls: readonly string[]): number {
  return urls.length > 0 && urls.every(isLoopback) ? 500 : 60_000;
}

function eventsOf(contract: TrackedContract): AbiEvent[] {
  const all = contract.abi.filter((item): item is AbiEvent => item.type === 'event');
  if (!contract.events) return all;
  return contract.events.map((name) => {
    const found = all.find((e) => e.name === name);
    if (!found) throw new TrackerError(`event ${name} is not in the ABI given for ${contract.address}`);
    return found;
  });
}

/** Ascending (block, logIndex) order, the only order events are ever handed out in. */
export function compareLogs(a: { blockNumber: number; logIndex: number }, b: { blockNumber: number; logIndex: number }): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

export async function openTracker(options: TrackerOptions): Promise<Tracker> {
  const log = options.log ?? (() => {});
  const chunkSize = options.chunkSize ?? 1_000;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new TrackerError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (!Number.isSafeInteger(options.confirmations) || options.confirmations < 0) throw new TrackerError(`confirmations must be ≥ 0, got ${options.confirmations}`);
  if (!Number.isSafeInteger(options.deployBlock) || options.deployBlock < 0) throw new TrackerError(`deployBlock must be a block number, got ${options.deployBlock}`);
  if (options.contracts.length === 0) throw new TrackerError('no contracts to track');
  const rpc: RpcPool = Array.isArray(options.rpc) ? createRpcPool({ urls: options.rpc as string[] }) : (options.rpc as RpcPool);
  const pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs(rpc.health().map((e) => e.url));
  const reorgWindow = options.reorgWindow ?? 128;
  const keepMarks = Math.max(1, options.keepMarks ?? 256);

  // The filter: every tracked address, and the selectors of the events we decode.
  const addresses = [...new Set(options.contracts.map((c) => getAddress(c.address)))].sort();
  const decoders = new Map<Address, Abi>();
  const selectors = new Set<Hex>();
  for (const c of options.contracts) {
    const events = eventsOf(c);
    for (const e of events) selectors.add(toEventSelector(e));
    decoders.set(getAddress(c.address), [...((decoders.get(getAddress(c.address)) ?? []) as Abi), ...events]);
  }
  const topic0 = [...selectors].sort();
  const filterId = keccak256(toHex(JSON.stringify({ addresses, topic0 }))).slice(0, 18);

  const chainId = Number(BigInt(await rpc.request<Hex>('eth_chainId')));
  if (chainId !== options.chainId) throw new TrackerError(`the RPC endpoint serves chain ${chainId}, but the deployments are for chain ${options.chainId}; check --rpc-url`);

  const journal: Journal = openJournal(options.dataDir, { chainId, deployBlock: options.deployBlock, filter: filterId });
  if (journal.repaired) log(`tracker: ${journal.repaired}`);
  const decode = (raw: RawLog, block: JournalBlock): TrackedEvent | undefined => {
    const address = getAddress(raw.address);
    try {
      const decoded = decodeEventLog({ abi: decoders.get(address) ?? [], data: raw.data, topics: raw.topics as [Hex, ...Hex[]], strict: true });
      return {
        blockNumber: block.number,
        blockHash: block.hash,
        logIndex: raw.logIndex,
        transactionHash: raw.transactionHash,
        address,
        eventName: String(decoded.eventName),
        args: ((decoded.args as unknown) ?? {}) as Record<string, unknown>,
      };
    } catch (error) {
      // Same selector, different layout (e.g. ERC-721 Transfer): not one of ours. Every node
      // skips it the same way, so the ledger stays deterministic; say so in the log.
      log(`tracker: skipped log ${block.number}:${raw.logIndex} of ${address} that does not decode: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };
  // A consumer that throws may hold a half-applied block. The tracker never feeds it past the
  // failure: each poll first tries to bring it back (roll it back to the last block it took
  // whole, replay the journal from there), and the error stays in status() (and so in
  // /health) until that works. It never stops polling, and never skips a block (that would
  // make this node's state differ from the others').
  let delivered = options.deployBlock - 1;
  let consumerFailure: TrackerError | undefined;
  const fail = (what: string, error: unknown) => {
    consumerFailure = new TrackerError(`the consumer failed on ${what}: ${(error as Error)?.message ?? String(error)}; retrying from block ${delivered + 1} on every poll`);
    log(`tracker: ${consumerFailure.message}`);
    return consumerFailure;
  };
  const deliver = async (block: JournalBlock) => {
    const events = block.logs.map((raw) => decode(raw, block)).filter((e): e is TrackedEvent => e !== undefined);
    const tracked = { number: block.number, hash: block.hash, parentHash: block.parentHash, timestamp: block.timestamp };
    try {
      await options.consumer.apply(events, tracked);
    } catch (error) {
      throw fail(`block ${block.number}`, error);
    }
    delivered = block.number;
  };
  const rollBackConsumer = async (toBlock: number) => {
    delivered = Math.min(delivered, toBlock);
    try {
      await options.consumer.rollback(toBlock);
    } catch (error) {
      throw fail(`rollback to ${toBlock}`, error);
    }
  };
  /** After a failure: undo the half-applied block, then replay the journal above `delivered`. */
  const recoverConsumer = async () => {
    if (!consumerFailure) return;
    await rollBackConsumer(delivered);
    for (const block of journal.blocks()) if (block.number > delivered) await deliver(block);
    log(`tracker: the consumer recovered and is back at block ${delivered}`);
    consumerFailure = undefined;
  };

  // Restart: replay the journal into the (fresh) consumer. A failure here is retried by syncOnce.
  try {
    for (const block of journal.blocks()) await deliver(block);
  } catch {
    // recorded in consumerFailure
  }
  const replayed = journal.blocks().length;
  if (replayed > 0) log(`tracker: replayed ${replayed} journaled blocks up to ${journal.last()!.number}`);

  const status: Omit<TrackerStatus, 'height' | 'rpc'> = { syncing: false, reorgs: 0 };
  const height = () => journal.last()?.number ?? options.deployBlock - 1;

  // Every call of one sync goes through one sticky session: one node's view of the chain.
  let call: RpcRequest = rpc.request;
  const getBlock = async (n: number): Promise<RpcBlock | null> => call<RpcBlock | null>('eth_getBlockByNumber', [toHex(n), false]);

  // Walks back through journaled blocks to the highest one still canonical, rolls the
  // journal and the consumer back to it. Journal first: a crash in between replays the
  // truncated journal into a fresh consumer on restart, which is the same state.
  async function rollBackToAncestor(): Promise<number> {
    const blocks = journal.blocks();
    let ancestor = options.deployBlock - 1;
    const lowest = Math.max(0, blocks.length - reorgWindow);
    let found = false;
    for (let i = blocks.length - 1; i >= lowest; i--) {
      const canonical = await getBlock(blocks[i]!.number);
      if (canonical && canonical.hash === blocks[i]!.hash) {
        ancestor = blocks[i]!.number;
        found = true;
        break;
      }
    }
    if (!found && lowest > 0) log(`tracker: reorg deeper than the last ${reorgWindow} journaled blocks; resyncing from block ${options.deployBlock}`);
    journal.truncateAbove(ancestor);
    await rollBackConsumer(ancestor);
    status.reorgs++;
    log(`tracker: reorg detected, rolled back to block ${ancestor}`);
    return ancestor;
  }

  async function fetchLogs(from: number, to: number): Promise<RpcLog[]> {
    return call<RpcLog[]>('eth_getLogs', [{ fromBlock: toHex(from), toBlock: toHex(to), address: addresses, topics: [topic0] }]);
  }

  // Processes [from, to] as one consistent view of the chain, or throws ChainMoved.
  async function processRange(from: number, to: number): Promise<{ blocks: number; events: number }> {
    const toHeader = await getBlock(to);
    if (!toHeader) throw new ChainMoved();
    const last = journal.last();
    if (last && last.number === from - 1) {
      const fromHeader = from === to ? toHeader : await getBlock(from);
      if (!fromHeader || fromHeader.parentHash !== last.hash) throw new ChainMoved();
    }
    const logs = (await fetchLogs(from, to)).filter((l) => !l.removed);
    // The hash of `to` commits to every block below it: unchanged after getLogs means the
    // logs and the headers come from one chain.
    const again = await getBlock(to);
    if (!again || again.hash !== toHeader.hash) throw new ChainMoved();

    const byBlock = new Map<number, RpcLog[]>();
    for (const l of logs) {
      const n = Number(BigInt(l.blockNumber));
      if (n < from || n > to) throw new TrackerError(`eth_getLogs returned a log of block ${n} outside ${from}..${to}; the RPC endpoint is faulty`);
      const list = byBlock.get(n);
      if (list) list.push(l);
      else byBlock.set(n, [l]);
    }
    const records: JournalBlock[] = [];
    for (const n of [...byBlock.keys()].sort((a, b) => a - b)) {
      const header = n === to ? toHeader : await getBlock(n);
      const blockLogs = byBlock.get(n)!;
      if (!header || blockLogs.some((l) => l.blockHash !== header.hash)) throw new ChainMoved();
      records.push({
        number: n,
        hash: header.hash,
        parentHash: header.parentHash,
        timestamp: Number(BigInt(header.timestamp)),
        logs: blockLogs
          .map((l) => ({
            address: getAddress(l.address),
            topics: l.topics,
            data: l.data,
            logIndex: Number(BigInt(l.logIndex)),
            transactionHash: l.transactionHash,
            transactionIndex: Number(BigInt(l.transactionIndex)),
          }))
          .sort((a, b) => a.logIndex - b.logIndex),
      });
    }
    // Close the range with a progress mark so the next range can check its parent hash.
    if (!byBlock.has(to)) records.push({ number: to, hash: toHeader.hash, parentHash: toHeader.parentHash, timestamp: Number(BigInt(toHeader.timestamp)), logs: [] });
    journal.append(records);
    let events = 0;
    for (const r of records) {
      await deliver(r);
      events += r.logs.length;
    }
    return { blocks: to - from + 1, events };
  }

  let stopping = false;
  let closed = false;

  // One sync at a time: a manual syncOnce() waits for the poller's and vice versa.
  let queue: Promise<unknown> = Promise.resolve();
  const syncOnce = (): Promise<SyncReport> => {
    const next = queue.then(() => {
      if (closed) throw new TrackerError('the tracker is stopped');
      return syncStep();
    });
    queue = next.catch(() => {});
    return next;
  };

  async function syncStep(): Promise<SyncReport> {
    status.syncing = true;
    call = rpc.session();
    const report: SyncReport = { from: height() + 1, to: height(), blocks: 0, events: 0 };
    try {
      await recoverConsumer();
      const head = Number(BigInt(await call<Hex>('eth_blockNumber')));
      const safe = head - options.confirmations;
      status.head = head;
      status.safe = safe;
      // Is our tip still canonical? (A reorg may keep the height, so check even when idle.)
      const tip = journal.last();
      if (tip) {
        const canonical = await getBlock(tip.number);
        if (!canonical || canonical.hash !== tip.hash) report.rolledBackTo = await rollBackToAncestor();
      }
      let chunk = chunkSize;
      let moves = 0;
      while (!stopping && height() < safe) {
        const from = height() + 1;
        const to = Math.min(safe, from + chunk - 1);
        try {
          const done = await processRange(from, to);
          report.blocks += done.blocks;
          report.events += done.events;
          report.to = to;
          if (to < safe) log(`tracker: processed blocks ${from}..${to} of ${safe} (${done.events} events)`);
        } catch (error) {
          if (error instanceof ChainMoved) {
            if (++moves > 20) throw new TrackerError('the chain kept changing under the tracker (20 retries); will try again next poll');
            const last = journal.last();
            const tipNow = last ? await getBlock(last.number) : null;
            if (last && (!tipNow || tipNow.hash !== last.hash)) report.rolledBackTo = await rollBackToAncestor();
            continue;
          }
          // A range the endpoint refuses (too many logs, range limits): halve it.
          if (error instanceof RpcResponseError && error.method === 'eth_getLogs' && chunk > 1) {
            chunk = Math.max(1, Math.floor(chunk / 2));
            log(`tracker: eth_getLogs refused ${from}..${to} (${error.message}); retrying with ${chunk}-block chunks`);
            continue;
          }
          throw error;
        }
      }
      // Hysteresis: rewrite the journal only once marks reach twice what we keep.
      if (journal.blocks().filter((b) => b.logs.length === 0).length > 2 * keepMarks) journal.compact(keepMarks);
      status.lastError = undefined;
      status.lastSyncAt = Date.now();
      return report;
    } catch (error) {
      status.lastError = (error as Error).message;
      throw error;
    } finally {
      status.syncing = false;
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  return {
    syncOnce,
    start(onError) {
      if (timer || running) return;
      stopping = false;
      const tick = () => {
        running = syncOnce()
          .catch((error: Error) => {
            log(`tracker: poll failed: ${error.message}`);
            onError?.(error);
          })
          .finally(() => {
            running = undefined;
            if (!stopping) timer = setTimeout(tick, pollIntervalMs);
          });
      };
      tick();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
      await queue;
      if (!closed) journal.close();
      closed = true;
    },
    status: () => ({ height: height(), ...status, ...(consumerFailure ? { consumerError: consumerFailure.message } : {}), rpc: rpc.health() }),
    height,
  };
}
