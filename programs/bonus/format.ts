/**
 * Input formats of the Service Node Bonus (both CSV, one record per line, '#' lines and
 * a header line are ignored):
 *
 * registrations.csv — `kind,id,registered_at`
 *   node,<64-hex service node pubkey>,<time>   the node was registered for the bonus
 *   address,<ETH address>,<time>               the participant registered that ETH address
 *
 * snapshots.csv — one line per node per hourly snapshot of the Oxen service-node list:
 *   `time,node,active,contributors`
 *   time          unix seconds or ISO UTC (2024-03-01T13:00:00Z); never decreasing
 *   node          64-hex service node pubkey, at most once per snapshot
 *   active        1 or 0
 *   contributors  `;`-separated `eth:amount:registered` — ETH address (empty when the
 *                 contributor never linked one), staked OXEN in atomic units (9 decimals),
 *                 registration flag 1/0 (1 needs an ETH address present in registrations)
 * e.g. `1706745600,3f…a1,1,0x5B38Da6a701c568545dCfcB03FcB875f56beddC4:7500000000000:1;:7500000000000:0`
 */
import type { Address } from 'viem';
import { parseAddress, parseAtomic, parseTime } from '../lib/parse.ts';

export type Registration = { kind: 'node' | 'address'; id: string; registeredAt: number };
export type Contributor = { eth: Address | null; oxen: bigint; registered: boolean };

const NODE_ID = /^[0-9a-f]{64}$/;

export function isHeader(text: string): boolean {
  return text.startsWith('#') || text.startsWith('kind,') || text.startsWith('time,');
}

export function parseRegistration(text: string): Registration {
  const fields = text.split(',');
  if (fields.length !== 3) throw new Error(`expected 3 fields kind,id,registered_at, got ${fields.length}`);
  const [kind, id, at] = fields as [string, string, string];
  const registeredAt = parseTime(at, 'registered_at');
  if (kind === 'node') {
    if (!NODE_ID.test(id)) throw new Error(`node id "${id}" must be 64 lowercase hex digits`);
    return { kind, id, registeredAt };
  }
  if (kind === 'address') return { kind, id: parseAddress(id), registeredAt };
  throw new Error(`kind must be "node" or "address", got "${kind}"`);
}

export function parseNodeId(id: string): string {
  if (!NODE_ID.test(id)) throw new Error(`node id "${id}" must be 64 lowercase hex digits`);
  return id;
}

export function parseActive(text: string): boolean {
  if (text === '1') return true;
  if (text === '0') return false;
  throw new Error(`active must be 1 or 0, got "${text}"`);
}

export function parseContributors(field: string): Contributor[] {
  if (field.length === 0) throw new Error('a node needs at least one contributor');
  return field.split(';').map((entry, i) => {
    const parts = entry.split(':');
    if (parts.length !== 3) throw new Error(`contributor ${i + 1} "${entry}" must be eth:amount:registered`);
    const [eth, amount, flag] = parts as [string, string, string];
    if (flag !== '0' && flag !== '1') throw new Error(`contributor ${i + 1}: registered flag must be 1 or 0, got "${flag}"`);
    const registered = flag === '1';
    if (registered && eth === '') throw new Error(`contributor ${i + 1} is flagged registered but has no ETH address`);
    return { eth: eth === '' ? null : parseAddress(eth), oxen: parseAtomic(amount, `contributor ${i + 1} amount`), registered };
  });
}

export function formatContributors(list: readonly Contributor[]): string {
  return list.map((c) => `${c.eth ?? ''}:${c.oxen}:${c.registered ? 1 : 0}`).join(';');
}
