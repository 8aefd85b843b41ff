/**
 * Builds the JSON params of each storage method for an account holder, signed as the anchor
 * expects (signatures.ts `requestText`): what a Session client sends. A Session ID signs with
 * its Ed25519 key and names it in `pubkey_ed25519`; an Ed25519-addressed account (03…) signs
 * with its own key. Timestamps should come from the node's clock (`info`), not the local one.
 */
import { SESSION_ID_TYPE, type Account } from './account.ts';
import { toBase64, toHex } from './encoding.ts';
import type { Scope } from './methods.ts';
import { requestText, signText } from './signatures.ts';

/** Who signs: the account, the seed of its Ed25519 key, and that key. */
export type Signer = { account: Account; seed: Uint8Array; ed25519PublicKey: Uint8Array };

type Params = Record<string, unknown>;

function signed(signer: Signer, text: string, params: Params): Params {
  const out: Params = { pubkey: signer.account.id, ...params, signature: signText(text, signer.seed) };
  if (signer.account.type === SESSION_ID_TYPE) out.pubkey_ed25519 = toHex(signer.ed25519PublicKey);
  return out;
}

export const buildParams = {
  /** A store; signed only when `signer` is given (needed outside namespaces divisible by 10). */
  store(args: { to: string; data: Uint8Array; timestamp: number; ttl: number; namespace?: number; signer?: Signer; sigTimestamp?: number }): Params {
    const ns = args.namespace ?? 0;
    const params: Params = { pubkey: args.to, timestamp: args.timestamp, ttl: args.ttl, data: toBase64(args.data) };
    if (ns !== 0) params.namespace = ns;
    if (!args.signer) return params;
    const sigTs = args.sigTimestamp ?? args.timestamp;
    return signed(args.signer, requestText.store(ns, sigTs), { ...params, sig_timestamp: sigTs });
  },
  retrieve(signer: Signer, args: { timestamp: number; namespace?: number; lastHash?: string; maxCount?: number; maxSize?: number }): Params {
    const ns = args.namespace ?? 0;
    const params: Params = { timestamp: args.timestamp };
    if (ns !== 0) params.namespace = ns;
    if (args.lastHash) params.last_hash = args.lastHash;
    if (args.maxCount !== undefined) params.max_count = args.maxCount;
    if (args.maxSize !== undefined) params.max_size = args.maxSize;
    return signed(signer, requestText.retrieve(ns, args.timestamp), params);
  },
  delete(signer: Signer, args: { messages: string[]; required?: boolean }): Params {
    return signed(signer, requestText.delete(args.messages), { messages: args.messages, ...(args.required ? { required: true } : {}) });
  },
  delete_all(signer: Signer, args: { timestamp: number; namespace?: Scope }): Params {
    const ns = args.namespace ?? 0;
    return signed(signer, requestText.delete_all(ns, args.timestamp), { timestamp: args.timestamp, ...(ns !== 0 ? { namespace: ns } : {}) });
  },
  delete_before(signer: Signer, args: { before: number; namespace?: Scope }): Params {
    const ns = args.namespace ?? 0;
    return signed(signer, requestText.delete_before(ns, args.before), { before: args.before, ...(ns !== 0 ? { namespace: ns } : {}) });
  },
  expire_all(signer: Signer, args: { expiry: number; namespace?: Scope }): Params {
    const ns = args.namespace ?? 0;
    return signed(signer, requestText.expire_all(ns, args.expiry), { expiry: args.expiry, ...(ns !== 0 ? { namespace: ns } : {}) });
  },
  /** `expiry`: one for all messages or one per message; `mode` limits the change to one direction. */
  expire(signer: Signer, args: { messages: string[]; expiry: number | number[]; mode?: 'shorten' | 'extend' }): Params {
    const expiries = Array.isArray(args.expiry) ? args.expiry : [args.expiry];
    const params: Params = { messages: args.messages, expiry: args.expiry };
    if (args.mode) params[args.mode] = true;
    return signed(signer, requestText.expire(args.mode, expiries, args.messages), params);
  },
  get_expiries(signer: Signer, args: { messages: string[]; timestamp: number }): Params {
    return signed(signer, requestText.get_expiries(args.timestamp, args.messages), { messages: args.messages, timestamp: args.timestamp });
  },
};
