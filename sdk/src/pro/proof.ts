/**
 * Session Pro proofs: a node signs, with its ed25519 key, a short-lived statement "account X
 * has Pro until T". Messenger clients verify it offline with the node's public key instead
 * of reading the chain on every message. The proof names no payer, transaction or amount.
 *
 * Signed bytes (domain-separated, fixed layout, 110 bytes):
 *   "SESH Pro proof v1\0" (18) ‖ chainId (u64 BE) ‖ SessionPro address (20) ‖
 *   account ID (33: 0x05 ‖ key) ‖ issuedAt (u64 BE) ‖ expiresAt (u64 BE)
 */
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../crypto/ed25519.ts';
import { bytesToHex, hexToBytes, isAddress, type Address, type Hex } from 'viem';
import { parseAccountId } from '../names/accountId.ts';

export type ProProofDomain = { chainId: number; pro: Address };

export type ProProof = {
  /** Session account ID, "05" + 64 hex. */
  accountId: string;
  /** Unix seconds: min(subscription expiry, issuedAt + TTL). */
  expiresAt: number;
  issuedAt: number;
  chainId: number;
  pro: Address;
  /** The signing node's ed25519 public key, 0x + 64 hex. */
  nodePublicKey: Hex;
  /** ed25519 signature, 0x + 128 hex. */
  signature: Hex;
};

export const PRO_PROOF_TAG = 'SESH Pro proof v1\0';

export type ProProofFailure = 'malformed' | 'wrong-domain' | 'untrusted-node' | 'bad-signature' | 'expired' | 'issued-in-future';

export class ProProofError extends Error {
  override name = 'ProProofError';
  constructor(
    readonly reason: ProProofFailure,
    message: string,
  ) {
    super(message);
  }
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** The exact bytes a node signs for a proof. */
export function proProofMessage(p: Pick<ProProof, 'accountId' | 'expiresAt' | 'issuedAt' | 'chainId' | 'pro'>): Uint8Array {
  const key = hexToBytes(parseAccountId(p.accountId));
  const parts = [new TextEncoder().encode(PRO_PROOF_TAG), u64(p.chainId), hexToBytes(p.pro), Uint8Array.of(0x05), key, u64(p.issuedAt), u64(p.expiresAt)];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Signs a proof with a node's 32-byte ed25519 secret key (used by node/src/pro). */
export function signProProof(fields: Omit<ProProof, 'nodePublicKey' | 'signature'>, nodeSecretKey: Uint8Array): ProProof {
  const signature = ed25519Sign(proProofMessage(fields), nodeSecretKey);
  return { ...fields, nodePublicKey: bytesToHex(ed25519PublicKey(nodeSecretKey)), signature: bytesToHex(signature) };
}

export type VerifyProProofOptions = {
  /** Public keys (0x hex) of the nodes this client trusts. */
  trustedNodes: readonly Hex[];
  domain: ProProofDomain;
  /** Unix seconds; defaults to the clock. */
  now?: number;
  /** Tolerated clock skew for issuedAt, in seconds (default 300). */
  maxSkew?: number;
};

/**
 * Verifies a Pro proof offline. Returns the account and until when Pro is proven; throws
 * ProProofError with a reason otherwise.
 */
export function verifyProProof(proof: ProProof, options: VerifyProProofOptions): { accountId: string; expiresAt: number } {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const skew = options.maxSkew ?? 300;
  const ints = [proof.expiresAt, proof.issuedAt, proof.chainId];
  if (!ints.every((n) => Number.isSafeInteger(n) && n >= 0) || !isAddress(proof.pro) || !/^0x[0-9a-fA-F]{64}$/.test(proof.nodePublicKey) || !/^0x[0-9a-fA-F]{128}$/.test(proof.signature)) {
    throw new ProProofError('malformed', 'the Pro proof is malformed: expected integers, an address, a 32-byte key and a 64-byte signature');
  }
  try {
    parseAccountId(proof.accountId);
  } catch (error) {
    throw new ProProofError('malformed', `the Pro proof's account ID is invalid: ${(error as Error).message}`);
  }
  if (proof.chainId !== options.domain.chainId || proof.pro.toLowerCase() !== options.domain.pro.toLowerCase()) {
    throw new ProProofError('wrong-domain', `the Pro proof is for chain ${proof.chainId} / ${proof.pro}, not this network`);
  }
  if (!options.trustedNodes.some((k) => k.toLowerCase() === proof.nodePublicKey.toLowerCase())) {
    throw new ProProofError('untrusted-node', `the Pro proof is signed by ${proof.nodePublicKey}, which is not a trusted node`);
  }
  if (!ed25519Verify(hexToBytes(proof.signature), proProofMessage(proof), hexToBytes(proof.nodePublicKey))) {
    throw new ProProofError('bad-signature', 'the Pro proof signature does not verify; fetch a fresh proof');
  }
  if (proof.issuedAt > now + skew) throw new ProProofError('issued-in-future', `the Pro proof is issued at ${proof.issuedAt}, after now (${now}); check the clock`);
  if (now >= proof.expiresAt) throw new ProProofError('expired', `the Pro proof expired at ${proof.expiresAt}; fetch a fresh one`);
  return { accountId: proof.accountId.toLowerCase(), expiresAt: proof.expiresAt };
}
