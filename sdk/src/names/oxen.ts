/**
 * Oxen (ONS) name migration: the import file format and the claim signature.
 *
 * Import file: JSON lines, one Oxen Session name per line:
 *   {"nameHash":"0x<64 hex>","accountId":"05<64 hex>","expiry":1767225600,"ownerKey":"0x<64 hex>"}
 * - nameHash: blake2b-256 of the lowercased name, as ONS stored it (32 bytes, 0x hex)
 * - accountId: the Session ID the name maps to (66 hex, 05 prefix)
 * - expiry: unix seconds when the name expires (converted from ONS block heights upstream)
 * - ownerKey: the old owner's ed25519 public key (32 bytes, 0x hex)
 * Blank lines and lines starting with # are ignored.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, encodeAbiParameters, hexToBytes, keccak256, type Address, type Hex } from 'viem';
import { parseAccountId } from './accountId.ts';
import { nameId } from './hash.ts';

export type OxenImportEntry = { nameHash: Hex; accountId: Hex; expiry: bigint; ownerKey: Hex };

/** A bad import line: `line` (1-based) and what is wrong with it (`reason`). */
export class OxenImportError extends Error {
  override name = 'OxenImportError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const hex32 = /^0x[0-9a-fA-F]{64}$/;

/** Parses one import line (already JSON-decoded or raw text); `line` is for error messages. */
export function parseOxenImportLine(text: string, line: number): OxenImportEntry {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text);
  } catch (error) {
    throw new OxenImportError(line, `not JSON (${(error as Error).message})`);
  }
  const fail = (what: string) => new OxenImportError(line, what);
  if (typeof v.nameHash !== 'string' || !hex32.test(v.nameHash)) throw fail('nameHash must be 0x + 64 hex digits (blake2b-256 of the lowercased name)');
  if (typeof v.ownerKey !== 'string' || !hex32.test(v.ownerKey)) throw fail('ownerKey must be 0x + 64 hex digits (ed25519 public key)');
  if (typeof v.accountId !== 'string') throw fail('accountId must be a Session ID string (05 + 64 hex)');
  let accountId: Hex;
  try {
    accountId = parseAccountId(v.accountId);
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (!Number.isSafeInteger(v.expiry) || (v.expiry as number) <= 0) throw fail('expiry must be unix seconds (a positive integer)');
  return { nameHash: v.nameHash.toLowerCase() as Hex, accountId, expiry: BigInt(v.expiry as number), ownerKey: v.ownerKey.toLowerCase() as Hex };
}

/** An import entry with the 1-based file line it came from, for error messages. */
export type OxenImportRow = { line: number; entry: OxenImportEntry };

/** Parses a whole import file into rows that remember their line; throws on the first bad line, naming it. */
export function parseOxenImportRows(content: string): OxenImportRow[] {
  const out: OxenImportRow[] = [];
  content.split('\n').forEach((raw, i) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    out.push({ line: i + 1, entry: parseOxenImportLine(text, i + 1) });
  });
  return out;
}

/** Parses a whole import file; throws on the first bad line, naming it. */
export function parseOxenImportFile(content: string): OxenImportEntry[] {
  return parseOxenImportRows(content).map((row) => row.entry);
}

/**
 * Splits rows into those still active after `now` (unix seconds) and those already expired.
 * OxenNameMigration refuses a whole batch holding an expiry that is not in the future
 * (ExpiryNotInFuture), so expired rows are set aside and reported, not sent.
 */
export function splitExpiredOxenRows(rows: OxenImportRow[], now: bigint): { live: OxenImportRow[]; expired: OxenImportRow[] } {
  const live: OxenImportRow[] = [];
  const expired: OxenImportRow[] = [];
  for (const row of rows) (row.entry.expiry > now ? live : expired).push(row);
  return { live, expired };
}

export const CLAIM_DOMAIN = keccak256(new TextEncoder().encode('SESH/ONS-claim/v1'));

/** The 32 bytes the old owner signs to claim `name` to `to` (OxenNameMigration.claimMessage). */
export function oxenClaimMessage(chainId: number, migration: Address, name: string, to: Address): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'uint256' }, { type: 'address' }],
      [CLAIM_DOMAIN, BigInt(chainId), migration, nameId(name), to],
    ),
  );
}

/** Signs a claim with the old owner's ed25519 secret key; returns (r, s) for OxenNameMigration.claim. */
export function signOxenClaim(secretKey: Uint8Array, message: Hex): { r: Hex; s: Hex } {
  const sig = ed25519.sign(hexToBytes(message), secretKey);
  return { r: bytesToHex(sig.slice(0, 32)), s: bytesToHex(sig.slice(32)) };
}
