/**
 * The handoff's node-to-node routes, for registered active peers only (node-signed requests,
 * their own rate-limit bucket), and the signed POST a node calls them with:
 *   POST /storage/push     messages for the receiver's swarm (it re-checks every one, transfer.ts)
 *   POST /storage/pull     a page of the accounts whose swarm holds the caller, or the accounts it names
 *   POST /storage/digests  a page of those accounts' digests (db digestOf), so a node that
 *                          already holds messages asks only for the accounts that differ
 * Kept apart from handoff.ts (which decides what to move when) so each reads in one sitting.
 */
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import { forbidden } from '../../../core/http/errors.ts';
import { array, integer, object, optional, parseBody, string } from '../../../core/http/validate.ts';
import { route, type Route } from '../../../core/http/server.ts';
import { peerPost } from './peer-post.ts';
import { acceptWire, toWire, wireSize, type TransferLimits, type WireMessage } from './transfer.ts';
import type { MessageDb, ReachableMember, SwarmView } from './types.ts';

export const PUSH_PATH = '/storage/push';
export const PULL_PATH = '/storage/pull';
export const DIGESTS_PATH = '/storage/digests';
/** Messages in one push (its body also stays under the server's body limit, PUSH_MAX_BYTES). */
export const PUSH_MAX_MESSAGES = 500;
export const PUSH_MAX_BYTES = 384 * 1024;
/** One pull page: whole accounts are added until it reaches this many messages or bytes (one account may overshoot, bounded by the per-account limit); at most this many accounts scanned. */
export const PULL_MAX_MESSAGES = 2_000;
export const PULL_MAX_BYTES = 4 * 1024 * 1024;
const PULL_SCAN_ACCOUNTS = 5_000;
/** Accounts named in one pull, and accounts in one digest page (each digest reads the account's rows). */
export const PULL_MAX_ACCOUNTS = 500;
export const DIGEST_PAGE_ACCOUNTS = 500;
/** A pull answer larger than this is refused by the puller (a hostile peer can not exhaust memory). */
const PULL_MAX_ANSWER_BYTES = 2 * PULL_MAX_BYTES;

export type Deps = TransferLimits & { db: MessageDb; swarmView: SwarmView; now?: () => number };

const ACCOUNT = string({ pattern: /^[0-9a-f]{66}$/, what: '66 lower-case hex characters' });

/** POST /storage/push, /storage/pull and /storage/digests. */
export function handoffRoutes(o: Deps): Route[] {
  const now = o.now ?? Date.now;
  const peerOnly = (peer: string | undefined, path: string) => {
    if (!peer) throw forbidden(`${path} is for registered active nodes only: sign the request as a node (x-sesh-node, x-sesh-timestamp, x-sesh-signature)`);
    return peer;
  };
  const pushBody = object({ messages: array((v) => v, { min: 1, max: PUSH_MAX_MESSAGES }) });
  const pullBody = object({ after: optional(ACCOUNT), limit: optional(integer({ min: 1, max: PULL_MAX_MESSAGES })), accounts: optional(array(ACCOUNT, { min: 1, max: PULL_MAX_ACCOUNTS })) });
  const digestBody = object({ after: optional(ACCOUNT) });
  const callerHolds = (peer: string, account: string) => o.swarmView.swarmOf(account).members.some((m) => m.ed25519Key.toLowerCase() === peer);
  return [
    route('POST', PUSH_PATH, (request) => {
      peerOnly(request.peer, PUSH_PATH);
      const { messages } = parseBody(pushBody, request.body);
      const nowMs = now();
      // Every message is checked before any is stored: the answer says exactly which were refused.
      const checked = messages.map((m) => acceptWire(m, { ...o, nowMs }));
      let stored = 0;
      let duplicates = 0;
      const refused: { hash: string; reason: string }[] = [];
      // One commit for the whole push, made before the answer says "stored".
      o.db.group(() => {
        for (const c of checked) {
          if (!c.ok) refused.push({ hash: c.hash, reason: c.reason });
          else if (o.db.store(c.message).stored) stored++;
          else duplicates++;
        }
      });
      return { stored, duplicates, refused };
    }),
    route('POST', PULL_PATH, (request) => {
      const peer = peerOnly(request.peer, PULL_PATH).toLowerCase();
      const { after, limit, accounts: named } = parseBody(pullBody, request.body ?? {});
      if (named) {
        // The accounts a digest comparison found different, in order, until the page's byte
        // limit (at least one account): `served` says how many, the caller asks again for the rest.
        const out: WireMessage[] = [];
        let bytes = 0;
        let served = 0;
        for (const account of named) {
          if (served > 0 && bytes >= PULL_MAX_BYTES) break;
          served++;
          if (!callerHolds(peer, account)) continue;
          for (const m of o.db.messagesOf(account)) {
            out.push(toWire(m));
            bytes += wireSize(m);
          }
        }
        return { messages: out, next: null, served };
      }
      const maxMessages = limit ?? PULL_MAX_MESSAGES;
      const accounts = o.db.accounts({ after, limit: PULL_SCAN_ACCOUNTS });
      const out: WireMessage[] = [];
      let bytes = 0;
      let last: string | undefined;
      for (const account of accounts) {
        if (out.length >= maxMessages || bytes >= PULL_MAX_BYTES) break;
        last = account;
        if (!callerHolds(peer, account)) continue;
        for (const m of o.db.messagesOf(account)) {
          out.push(toWire(m));
          bytes += wireSize(m);
        }
      }
      const done = last === undefined || (last === accounts[accounts.length - 1] && accounts.length < PULL_SCAN_ACCOUNTS);
      return { messages: out, next: done ? null : last };
    }),
    route('POST', DIGESTS_PATH, (request) => {
      const peer = peerOnly(request.peer, DIGESTS_PATH).toLowerCase();
      const { after } = parseBody(digestBody, request.body ?? {});
      const accounts = o.db.accounts({ after, limit: DIGEST_PAGE_ACCOUNTS });
      const digests = accounts.filter((account) => callerHolds(peer, account)).map((account) => ({ account, ...o.db.digestOf(account) }));
      return { accounts: digests, next: accounts.length < DIGEST_PAGE_ACCOUNTS ? null : accounts[accounts.length - 1] };
    }),
  ];
}

export async function signedPost(identity: Ed25519Identity, member: ReachableMember, path: string, payload: unknown, timeoutMs: number): Promise<{ ok: true; body: any } | { ok: false; reason: string }> {
  if (!member.url) return { ok: false, reason: 'announces no URL' };
  const answer = await peerPost(member.url, path, JSON.stringify(payload), { identity, timeoutMs, maxBytes: PULL_MAX_ANSWER_BYTES });
  if (answer.text === undefined) return { ok: false, reason: answer.reason };
  if (answer.status < 200 || answer.status > 299) return { ok: false, reason: `HTTP ${answer.status}: ${answer.text.slice(0, 200)}` };
  try {
    return { ok: true, body: JSON.parse(answer.text) };
  } catch {
    return { ok: false, reason: 'the answer is not JSON' };
  }
}

