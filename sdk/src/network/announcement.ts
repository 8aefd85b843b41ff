/**
 * A node's announcement: "the node with this ed25519 key answers at host:port", signed by
 * that key. The chain says WHO the nodes are; announcements say WHERE they answer. Nodes
 * gossip them, so nobody has to publish a list of addresses.
 *
 * The signed message is 32 bytes (RFC 8032 ed25519, pure):
 *   keccak256(abi.encode(ANNOUNCEMENT_TAG, chainId, stakingContract, ed25519PublicKey,
 *                        host, httpPort, software, timestamp))
 * The tag, chain and contract keep an announcement from being replayed on another network
 * or mistaken for any other ed25519 signature the node makes. The newest timestamp wins.
 *
 * Pure (no node: imports): the portal can verify announcements in the browser too.
 */
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../crypto/ed25519.ts';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { encodeAbiParameters, getAddress, isAddress, keccak256, toBytes, type Address, type Hex } from 'viem';

export const ANNOUNCEMENT_TAG: Hex = keccak256(toBytes('SESH.node.announcement.v1'));

export type Announcement = {
  version: 1;
  chainId: number;
  /** The SessionStaking contract the node is registered with. */
  contract: Address;
  ed25519PublicKey: Hex;
  host: string;
  httpPort: number;
  /** e.g. "session-node/0.1.0"; informational. */
  software: string;
  /** Unix seconds, the node's clock. */
  timestamp: number;
  /** 64 bytes of hex (R ‖ S). */
  signature: Hex;
};

export type AnnouncementFields = Omit<Announcement, 'signature' | 'version'>;

export class AnnouncementError extends Error {
  override name = 'AnnouncementError';
}

const MAX_HOST = 253;
const MAX_SOFTWARE = 64;
const KEYS = ['version', 'chainId', 'contract', 'ed25519PublicKey', 'host', 'httpPort', 'software', 'timestamp', 'signature'] as const;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

function isIpv6(host: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(host) || !host.includes(':')) return false;
  try {
    // The URL parser is the standard (WHATWG) IPv6 grammar, in node and browsers alike.
    return new URL(`http://[${host}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** Why `host` is not a DNS name, an IPv4 or an IPv6 literal (no scheme, path, port or brackets); null if it is one. */
export function hostProblem(host: unknown): string | null {
  if (typeof host !== 'string') return 'host must be a string';
  if (host.length === 0 || host.length > MAX_HOST) return `host must be 1..${MAX_HOST} characters`;
  if (IPV4.test(host) || isIpv6(host)) return null;
  if (host.includes(':') || host.includes('/') || host.includes('[')) return `host "${host.slice(0, 80)}" must be a bare DNS name or IP address, without scheme, port, path or brackets`;
  const labels = host.replace(/\.$/, '').split('.');
  if (!labels.every((l) => LABEL.test(l))) return `host "${host.slice(0, 80)}" is not a valid DNS name (letters, digits and inner hyphens, labels of 1..63)`;
  // "1.2.3.999" is neither an address nor a name a resolver would look up.
  if (/^\d+$/.test(labels.at(-1)!)) return `host "${host.slice(0, 80)}" is not a valid IPv4 address`;
  return null;
}

/**
 * Checks an untrusted value's shape (not its signature): every field present and in bounds,
 * no other fields. Returns a normalised copy (lower-case hex, checksummed address).
 */
export function parseAnnouncement(value: unknown): { ok: true; announcement: Announcement } | { ok: false; reason: string } {
  const bad = (reason: string) => ({ ok: false as const, reason });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('an announcement is a JSON object');
  const a = value as Record<string, unknown>;
  const extra = Object.keys(a).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (extra.length > 0) return bad(`unknown field ${extra[0]} (fields: ${KEYS.join(', ')})`);
  if (a.version !== 1) return bad('version must be 1');
  if (!Number.isSafeInteger(a.chainId) || (a.chainId as number) <= 0) return bad('chainId must be a positive integer');
  if (typeof a.contract !== 'string' || !isAddress(a.contract, { strict: false })) return bad('contract must be an address');
  if (typeof a.ed25519PublicKey !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(a.ed25519PublicKey)) return bad('ed25519PublicKey must be 32 bytes of 0x-hex');
  const hp = hostProblem(a.host);
  if (hp) return bad(hp);
  if (!Number.isSafeInteger(a.httpPort) || (a.httpPort as number) < 1 || (a.httpPort as number) > 65_535) return bad('httpPort must be an integer in 1..65535');
  if (typeof a.software !== 'string' || a.software.length > MAX_SOFTWARE || !/^[\x20-\x7e]*$/.test(a.software)) return bad(`software must be at most ${MAX_SOFTWARE} printable ASCII characters`);
  if (!Number.isSafeInteger(a.timestamp) || (a.timestamp as number) <= 0 || (a.timestamp as number) >= 2 ** 40) return bad('timestamp must be unix seconds (a positive integer)');
  if (typeof a.signature !== 'string' || !/^0x[0-9a-fA-F]{128}$/.test(a.signature)) return bad('signature must be 64 bytes of 0x-hex');
  return {
    ok: true,
    announcement: {
      version: 1,
      chainId: a.chainId as number,
      contract: getAddress(a.contract),
      ed25519PublicKey: a.ed25519PublicKey.toLowerCase() as Hex,
      host: a.host as string,
      httpPort: a.httpPort as number,
      software: a.software,
      timestamp: a.timestamp as number,
      signature: a.signature.toLowerCase() as Hex,
    },
  };
}

/** The 32 bytes the node's ed25519 key signs. */
export function announcementMessage(a: AnnouncementFields): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }, { type: 'string' }, { type: 'uint16' }, { type: 'string' }, { type: 'uint64' }],
      [ANNOUNCEMENT_TAG, BigInt(a.chainId), a.contract, a.ed25519PublicKey, a.host, a.httpPort, a.software, BigInt(a.timestamp)],
    ),
  );
}

/** Signs with the node's 32-byte ed25519 secret; throws AnnouncementError if a field is out of bounds or the key is not the secret's. */
export function signAnnouncement(fields: AnnouncementFields, ed25519SecretKey: Uint8Array): Announcement {
  const publicKey = `0x${bytesToHex(ed25519PublicKey(ed25519SecretKey))}`;
  if (publicKey !== fields.ed25519PublicKey.toLowerCase()) throw new AnnouncementError(`the secret key is not ed25519PublicKey ${fields.ed25519PublicKey}'s (it is ${publicKey}'s)`);
  const signature = `0x${bytesToHex(ed25519Sign(hexToBytes(announcementMessage(fields).slice(2)), ed25519SecretKey))}` as Hex;
  const parsed = parseAnnouncement({ version: 1, ...fields, signature });
  if (!parsed.ok) throw new AnnouncementError(`can not announce: ${parsed.reason}`);
  return parsed.announcement;
}

/** True iff the signature is ed25519PublicKey's over these exact fields. Never throws. */
export function verifyAnnouncementSignature(a: Announcement): boolean {
  try {
    if (!/^0x[0-9a-fA-F]{128}$/.test(a.signature) || !/^0x[0-9a-fA-F]{64}$/.test(a.ed25519PublicKey)) return false;
    return ed25519Verify(hexToBytes(a.signature.slice(2)), hexToBytes(announcementMessage(a).slice(2)), hexToBytes(a.ed25519PublicKey.slice(2)));
  } catch {
    return false;
  }
}

/** The node's HTTP base URL: http://host:port, an IPv6 literal in brackets. */
export function announcementUrl(a: Pick<Announcement, 'host' | 'httpPort'>): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `http://${host}:${a.httpPort}`;
}
