/**
 * The message hash, exactly as the current anchor computes it (rpc/request_handler.cpp,
 * computeMessageHash): BLAKE2b-256 over
 *     type byte ‖ 32 key bytes ‖ namespace ‖ data
 * where the namespace is empty for namespace 0 and its decimal form otherwise ("-10", "42"),
 * written as unpadded standard base64 (43 characters). Older anchors also hashed the timestamp
 * and expiry; the current one does not, so the same data stored twice is the same message.
 * Every node computes it itself: a client's claimed hash is never trusted.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import type { Account } from './account.ts';
import { toBase64Unpadded } from './encoding.ts';

const encoder = new TextEncoder();

/** The decimal namespace as the anchor hashes and signs it: "" for 0. */
export const namespaceText = (namespace: number): string => (namespace === 0 ? '' : String(namespace));

export function messageHash(account: Pick<Account, 'bytes'>, namespace: number, data: Uint8Array): string {
  const h = blake2b.create({ dkLen: 32 });
  h.update(account.bytes);
  h.update(encoder.encode(namespaceText(namespace)));
  h.update(data);
  return toBase64Unpadded(h.digest());
}
