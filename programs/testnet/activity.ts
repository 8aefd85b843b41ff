/**
 * Normalized testnet activity records, JSON lines, one action per line:
 *   {"address":"0x…","action":"register","time":1735689600,"node":"<id>","amount":"<atomic>",
 *    "fundedBy":"0x…","uptime":9950,"tx":"0x…"}
 * address   the acting ETH address (EIP-55 checksum checked)
 * action    register | contribute | claim | exit | name | pro | uptime
 * time      unix seconds or ISO UTC; records in any order
 * node      node id (register, contribute, exit, uptime)
 * amount    atomic units, informational: points are never proportional to stake
 * fundedBy  the address that first funded `address` (clusters sybils); optional
 * uptime    basis points 0–10000 of one UTC day (action uptime; the address operates node)
 * tx        source transaction, informational
 * The chain extractor (extract.ts) writes this format; anything else may too.
 */
import type { Address } from 'viem';
import { badRowSink, checkBadRows, type BadRow } from '../lib/errors.ts';
import { forEachLine } from '../lib/io.ts';
import { parseAddress, parseAtomic, parseJsonObject, parseTime } from '../lib/parse.ts';

export const ACTIONS = ['register', 'contribute', 'claim', 'exit', 'name', 'pro', 'uptime'] as const;
export type Action = (typeof ACTIONS)[number];

export type ActivityRecord = {
  address: Address;
  action: Action;
  time: number;
  node?: string;
  amount?: bigint;
  fundedBy?: Address;
  uptime?: number;
  tx?: string;
};

const NEEDS_NODE: ReadonlySet<Action> = new Set(['register', 'contribute', 'exit', 'uptime']);

export function parseActivity(text: string): ActivityRecord {
  const raw = parseJsonObject(text);
  if (typeof raw.address !== 'string') throw new Error('address is missing');
  const action = raw.action as Action;
  if (!ACTIONS.includes(action)) throw new Error(`action must be one of ${ACTIONS.join(', ')}, got ${JSON.stringify(raw.action)}`);
  const record: ActivityRecord = { address: parseAddress(raw.address), action, time: parseTime(raw.time, 'time') };
  if (raw.node !== undefined) {
    if (typeof raw.node !== 'string' || !/^[0-9a-zA-Z_-]{1,80}$/.test(raw.node)) throw new Error('node must be a node id string');
    record.node = raw.node;
  } else if (NEEDS_NODE.has(action)) throw new Error(`action ${action} needs a node`);
  if (raw.amount !== undefined) record.amount = parseAtomic(raw.amount, 'amount');
  if (raw.fundedBy !== undefined) {
    if (typeof raw.fundedBy !== 'string') throw new Error('fundedBy must be an address');
    record.fundedBy = parseAddress(raw.fundedBy);
  }
  if (action === 'uptime') {
    if (!Number.isInteger(raw.uptime) || (raw.uptime as number) < 0 || (raw.uptime as number) > 10_000) throw new Error('uptime must be basis points 0–10000');
    record.uptime = raw.uptime as number;
  }
  if (typeof raw.tx === 'string') record.tx = raw.tx;
  return record;
}

export async function readActivity(files: string[], skipBadRows = false): Promise<{ records: ActivityRecord[]; skipped: BadRow[] }> {
  const bad = badRowSink();
  const records: ActivityRecord[] = [];
  for (const file of files) {
    await forEachLine(file, (text, line) => {
      if (text.startsWith('#')) return;
      try {
        records.push(parseActivity(text));
      } catch (error) {
        bad.add(file, line, (error as Error).message, text);
      }
    });
  }
  checkBadRows(bad, skipBadRows);
  return { records, skipped: bad.rows };
}

/** One JSON line in the format parseActivity reads (amount as a decimal string). */
export function formatActivity(r: ActivityRecord): string {
  return JSON.stringify({ ...r, ...(r.amount !== undefined ? { amount: r.amount.toString() } : {}) });
}
