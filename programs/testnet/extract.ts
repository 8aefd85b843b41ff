/**
 * Chain events → activity records (activity.ts). The extractor is generic: each source maps
 * one contract event to records; sources may share state (sources.ts: node operators and
 * service time), so every window is fed to them in chain order (block, log index), and a
 * source's `finish` runs once at the end with the window's last block time. The sources of
 * the real contracts are in sources.ts (`chainSources()`); funding (the first SESH sender
 * of each address, which clusters sybils) is extracted separately by extractFunding.
 */
import { parseAbiItem, type AbiEvent, type Address, type Log, type PublicClient } from 'viem';
import type { Deployments } from '../../sdk/src/deployments.ts';
import type { ActivityRecord } from './activity.ts';

export type EventSource = {
  /** Name of the contract in the deployments file. */
  contract: string;
  event: AbiEvent;
  /** Records for one decoded log; `time` is the block's timestamp. */
  toRecords: (log: Log & { args: Record<string, unknown> }, time: number) => ActivityRecord[];
  /** Records computed from everything seen (uptime); `windowEnd` is the last block's time. */
  finish?: (windowEnd: number) => ActivityRecord[];
};

/** Funding: each SESH transfer says who funded the receiver (the scorer keeps the first). */
export const fundingSource: EventSource = {
  contract: 'SESH',
  event: parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)'),
  toRecords: () => [], // funding is not an action; see extractFunding
};

/** The first SESH sender (not a system contract) of each address, from Transfer logs in [fromBlock, toBlock]. */
export async function extractFunding(
  client: PublicClient,
  deployments: Deployments,
  fromBlock: bigint,
  toBlock: bigint,
  chunk = 1_000n,
): Promise<Map<Address, Address>> {
  const token = deployments.contracts.SESH;
  if (!token) throw new Error('the deployments file has no SESH contract');
  // The system's own contracts (stake returns, reward claims, fee routing) fund nobody in the
  // sybil sense: counting them would cluster everyone who ever got a stake back.
  const system = new Set(Object.values(deployments.contracts).map((a) => a!.toLowerCase()));
  const first = new Map<Address, Address>();
  for (let start = fromBlock; start <= toBlock; start += chunk) {
    const end = start + chunk - 1n < toBlock ? start + chunk - 1n : toBlock;
    const logs = await client.getLogs({ address: token, event: fundingSource.event, fromBlock: start, toBlock: end });
    for (const log of logs) {
      const { from, to } = log.args as { from: Address; to: Address };
      if (from !== '0x0000000000000000000000000000000000000000' && !system.has(from.toLowerCase()) && !first.has(to)) first.set(to, from);
    }
  }
  return first;
}

/**
 * Runs every source over [fromBlock, toBlock] in chunks; within a chunk the logs of all
 * sources are handled in chain order, so stateful sources see events as they happened.
 */
export async function extractActivity(
  client: PublicClient,
  deployments: Deployments,
  sources: readonly EventSource[],
  fromBlock: bigint,
  toBlock: bigint,
  chunk = 1_000n,
): Promise<ActivityRecord[]> {
  const records: ActivityRecord[] = [];
  const times = new Map<bigint, number>();
  const timeOf = async (block: bigint) => {
    if (!times.has(block)) times.set(block, Number((await client.getBlock({ blockNumber: block })).timestamp));
    return times.get(block)!;
  };
  const addresses = sources.map((source) => {
    const address = deployments.contracts[source.contract];
    if (!address) throw new Error(`the deployments file has no ${source.contract}; drop its source or deploy it`);
    return address;
  });
  for (let start = fromBlock; start <= toBlock; start += chunk) {
    const end = start + chunk - 1n < toBlock ? start + chunk - 1n : toBlock;
    const batches = await Promise.all(
      sources.map((source, i) => client.getLogs({ address: addresses[i], event: source.event, fromBlock: start, toBlock: end }).then((logs) => logs.map((log) => ({ source, log })))),
    );
    const ordered = batches.flat().sort((a, b) => Number(a.log.blockNumber! - b.log.blockNumber!) || a.log.logIndex! - b.log.logIndex!);
    for (const { source, log } of ordered) records.push(...source.toRecords(log as never, await timeOf(log.blockNumber!)));
  }
  const windowEnd = await timeOf(toBlock);
  for (const source of sources) if (source.finish) records.push(...source.finish(windowEnd));
  return records;
}

/** Adds `fundedBy` to records from a funding map (records that already have one keep it). */
export function withFunding(records: ActivityRecord[], funding: ReadonlyMap<Address, Address>): ActivityRecord[] {
  return records.map((r) => (r.fundedBy || !funding.has(r.address) ? r : { ...r, fundedBy: funding.get(r.address)! }));
}
