/**
 * The Testnet Incentive Program's chain sources: which contract event is which scored action.
 *
 *   register    SessionStaking NodeOpened          address = the operator, node = node id
 *   contribute  SessionStaking Contributed         address = the contributor; the operator's
 *                                                  own stake in its node is not a contribution
 *   claim       StakingRewards RewardsClaimed      address = the account paid
 *   exit        SessionStaking ExitRequested       address = who requested it (operator or contributor)
 *   name        SessionNameRegistrar NamePaid      address = the payer (registration or renewal)
 *   pro         SessionPro ProPurchased            address = the payer
 *   uptime      SessionStaking NodeActivated / NodeExited / NodeDeregistered, see below
 *
 * Uptime, from chain data only: a node is "in service" from NodeActivated until NodeExited
 * or NodeDeregistered (an exit-requested node still serves and is still peer-tested, so it
 * counts until it exits). Each UTC day gets `uptime` = the share of the day in service, in
 * basis points, credited to the node's operator (from NodeOpened). A deregistration is the
 * network voting the node out after its peer tests kept failing: the day of the
 * deregistration scores 0, since the node was already failing before the vote landed. A node
 * still in service at the end of the window counts up to the window's last block. Only nodes
 * activated inside the window are seen, so run the extractor from the testnet's genesis.
 *
 * The sources share state (node id → operator, service intervals), so they must all be run
 * in one extractActivity call, which feeds them logs in chain order.
 */
import { getAddress, type AbiEvent, type Address } from 'viem';
import { SessionNameRegistrar, SessionPro, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import type { ActivityRecord } from './activity.ts';
import type { EventSource } from './extract.ts';

const DAY = 86_400;
const eventOf = (abi: readonly unknown[], name: string): AbiEvent => {
  const item = (abi as AbiEvent[]).find((x) => x.type === 'event' && x.name === name);
  if (!item) throw new Error(`event ${name} is not in the ABI; rebuild the contracts (npm run build)`);
  return item;
};

/** Per UTC day, the basis points of [start, end) inside that day. */
export function dailyUptime(start: number, end: number): Array<{ day: number; bps: number }> {
  const out: Array<{ day: number; bps: number }> = [];
  for (let day = Math.floor(start / DAY) * DAY; day < end; day += DAY) {
    const covered = Math.min(end, day + DAY) - Math.max(start, day);
    // Rounded down: the pool never credits time a node did not serve.
    if (covered > 0) out.push({ day, bps: Math.floor((covered * 10_000) / DAY) });
  }
  return out;
}

type Service = { start: number; end?: number; deregistered?: boolean };

/** Fresh, stateful sources for one extraction run (see the header for the mapping). */
export function chainSources(): EventSource[] {
  const operators = new Map<string, Address>();
  const service = new Map<string, Service>();
  const tx = (log: { transactionHash?: string | null }) => log.transactionHash ?? undefined;
  const id = (args: Record<string, unknown>) => String(args.nodeId);
  const record = (r: ActivityRecord, log: { transactionHash?: string | null }): ActivityRecord[] => [tx(log) ? { ...r, tx: tx(log) } : r];
  const end = (nodeId: string, time: number, deregistered: boolean) => {
    const s = service.get(nodeId);
    if (s && s.end === undefined) Object.assign(s, { end: time, deregistered });
  };
  return [
    {
      contract: 'SessionStaking',
      event: eventOf(SessionStaking.abi, 'NodeOpened'),
      toRecords: ({ args, ...log }, time) => {
        const operator = getAddress(args.operator as string);
        operators.set(id(args), operator);
        return record({ address: operator, action: 'register', time, node: id(args), amount: BigInt(args.stakeRequired as bigint) }, log);
      },
    },
    {
      contract: 'SessionStaking',
      event: eventOf(SessionStaking.abi, 'Contributed'),
      toRecords: ({ args, ...log }, time) => {
        const contributor = getAddress(args.contributor as string);
        if (operators.get(id(args)) === contributor) return [];
        return record({ address: contributor, action: 'contribute', time, node: id(args), amount: BigInt(args.amount as bigint) }, log);
      },
    },
    {
      contract: 'StakingRewards',
      event: eventOf(StakingRewards.abi, 'RewardsClaimed'),
      toRecords: ({ args, ...log }, time) => record({ address: getAddress(args.account as string), action: 'claim', time, amount: BigInt(args.amount as bigint) }, log),
    },
    {
      contract: 'SessionStaking',
      event: eventOf(SessionStaking.abi, 'ExitRequested'),
      toRecords: ({ args, ...log }, time) => record({ address: getAddress(args.by as string), action: 'exit', time, node: id(args) }, log),
    },
    {
      contract: 'SessionNameRegistrar',
      event: eventOf(SessionNameRegistrar.abi, 'NamePaid'),
      toRecords: ({ args, ...log }, time) => record({ address: getAddress(args.payer as string), action: 'name', time, amount: BigInt(args.amount as bigint) }, log),
    },
    {
      contract: 'SessionPro',
      event: eventOf(SessionPro.abi, 'ProPurchased'),
      toRecords: ({ args, ...log }, time) => record({ address: getAddress(args.payer as string), action: 'pro', time, amount: BigInt(args.price as bigint) }, log),
    },
    {
      contract: 'SessionStaking',
      event: eventOf(SessionStaking.abi, 'NodeActivated'),
      toRecords: ({ args }, time) => {
        service.set(id(args), { start: time });
        return [];
      },
    },
    {
      contract: 'SessionStaking',
      event: eventOf(SessionStaking.abi, 'NodeExited'),
      toRecords: ({ args }, time) => {
        end(id(args), time, false);
        return [];
      },
    },
    {
      contract: 'SessionStaking',
      event: eventOf(SessionStaking.abi, 'NodeDeregistered'),
      toRecords: ({ args }, time) => {
        end(id(args), time, true);
        return [];
      },
      // Runs once, after every log of the window: the uptime records.
      finish: (windowEnd) => {
        const out: ActivityRecord[] = [];
        for (const [node, s] of service) {
          const operator = operators.get(node);
          if (!operator) continue; // opened before the window: its operator is unknown
          const days = dailyUptime(s.start, s.end ?? windowEnd);
          if (s.deregistered) days.pop(); // the deregistration day scores 0
          for (const d of days) out.push({ address: operator, action: 'uptime', time: d.day, node, uptime: d.bps });
        }
        return out;
      },
    },
  ];
}
