/**
 * Verified OXEN burn records, JSON lines, one burn per line, in recorded order:
 *   {"burnTx":"<64 hex Oxen tx id>","oxen":"<atomic units, 9 decimals>","recordedAt":<unix s | ISO UTC>,
 *    "eth":"<ETH address named in the burn>","height":<Oxen block height, optional>}
 * "Verified" means the Oxen side (burn proof, confirmations) was checked upstream; this
 * program checks the record's shape, EIP-55 checksums, duplicates and time order.
 */
import type { Address, Hex } from 'viem';
import { badRowSink, checkBadRows, type BadRow } from '../lib/errors.ts';
import { forEachLine } from '../lib/io.ts';
import { parseAddress, parseAtomic, parseJsonObject, parseTime } from '../lib/parse.ts';

export type BurnRecord = { burnTx: Hex; oxen: bigint; recordedAt: number; eth: Address; height?: number; file: string; line: number };

export function parseBurn(text: string): Omit<BurnRecord, 'file' | 'line'> {
  const raw = parseJsonObject(text);
  const burnTx = raw.burnTx;
  if (typeof burnTx !== 'string' || !/^[0-9a-f]{64}$/.test(burnTx)) throw new Error('burnTx must be the 64 lowercase hex digits of the Oxen burn transaction');
  if (typeof raw.eth !== 'string') throw new Error('eth must be the ETH address named in the burn');
  const oxen = parseAtomic(raw.oxen, 'oxen');
  if (oxen === 0n) throw new Error('oxen must be more than 0');
  const height = raw.height === undefined ? undefined : Number(raw.height);
  if (height !== undefined && !Number.isSafeInteger(height)) throw new Error('height must be an integer block height');
  return { burnTx: `0x${burnTx}`, oxen, recordedAt: parseTime(raw.recordedAt, 'recordedAt'), eth: parseAddress(raw.eth), height };
}

/** Reads a burns file; duplicates and times going backwards are bad rows. */
export async function readBurns(file: string, skipBadRows = false): Promise<{ burns: BurnRecord[]; skipped: BadRow[] }> {
  const bad = badRowSink();
  const burns: BurnRecord[] = [];
  const seen = new Map<string, number>();
  let lastTime = -1;
  await forEachLine(file, (text, line) => {
    if (text.startsWith('#')) return;
    try {
      const burn = parseBurn(text);
      const first = seen.get(burn.burnTx);
      if (first !== undefined) throw new Error(`duplicate burn ${burn.burnTx.slice(2)} (first at ${file}:${first})`);
      if (burn.recordedAt < lastTime) throw new Error(`time goes backwards: recordedAt ${burn.recordedAt} is before the previous burn's ${lastTime}`);
      seen.set(burn.burnTx, line);
      lastTime = burn.recordedAt;
      burns.push({ ...burn, file, line });
    } catch (error) {
      bad.add(file, line, (error as Error).message, text);
    }
  });
  checkBadRows(bad, skipBadRows);
  return { burns, skipped: bad.rows };
}
