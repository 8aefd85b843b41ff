/**
 * Handoff: messages follow their swarm as the chain changes it, as the anchor's swarm.cpp and
 * service_node.cpp do on a swarm change (push to new members, relocate what no longer
 * belongs, bootstrap a new node from its peers):
 *  - a member that gained new peers pushes them every account it holds;
 *  - accounts that no longer map to this node's swarm are pushed to the swarm they now map
 *    to, and dropped here `dropDelayMs` later, only once some member of that swarm holds
 *    every one of their messages (so no acknowledged message is dropped into a void);
 *  - a node that joins a swarm, or starts (it may be back from downtime), brings itself up to
 *    date from every member it can reach before it counts as filled (storage tests wait for
 *    that, storage-check.ts): an empty node pulls everything; one that holds messages asks
 *    each member for per-account digests (POST /storage/digests) and pulls only the accounts
 *    whose digest differs from its own, so a restart of a full swarm moves digests, not data;
 *  - a member that missed a forwarded write (replicate.ts onMissed) is pushed that account.
 * The node-to-node routes it calls are in handoff-wire.ts.
 */
import type { Hex } from 'viem';
import type { Ed25519Identity } from '../../../core/keys/ed25519.ts';
import type { Route } from '../../../core/http/server.ts';
import { DIGESTS_PATH, handoffRoutes, PULL_MAX_ACCOUNTS, PULL_PATH, PUSH_MAX_BYTES, PUSH_MAX_MESSAGES, PUSH_PATH, signedPost, type Deps } from './handoff-wire.ts';
import { acceptWire, batches, toWire } from './transfer.ts';
import type { ReachableMember, StoredMessage } from './types.ts';

export { DIGESTS_PATH, PULL_PATH, PUSH_PATH } from './handoff-wire.ts';


export type HandoffOptions = Deps & {
  identity: Ed25519Identity;
  /** How often the swarm is looked at and missed pushes retried (default 2,000 ms). */
  intervalMs?: number;
  /** How long a relocated account is kept after its push (default 60,000 ms). */
  dropDelayMs?: number;
  timeoutMs?: number;
  /** Fault tests only: count as filled without pulling (a node that lost its data and pretends). */
  skipFill?: boolean;
  log?: (line: string) => void;
};

export type Handoff = {
  routes: Route[];
  /** Whether this node holds its swarm's messages (a completed pull since it joined its swarm or started). */
  filled: () => boolean;
  /** replicate.ts onMissed: push this account to that member on the next tick. */
  missed: (member: Hex, account: string) => void;
  /** One pass: react to a swarm change, fill, retry missed pushes, drop relocated accounts. */
  tick: () => Promise<void>;
  start: () => void;
  stop: () => void;
  counters: () => { pushed: number; pulled: number; dropped: number; fills: number; lastFillMs: number | null; digestsCompared: number; accountsPulled: number };
};

export function createHandoff(o: HandoffOptions): Handoff {
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? 5_000;
  const dropDelayMs = o.dropDelayMs ?? 60_000;
  const self = o.identity.nodeId.toLowerCase();
  const c = { pushed: 0, pulled: 0, dropped: 0, fills: 0, lastFillMs: null as number | null, digestsCompared: 0, accountsPulled: 0 };
  let seen: { assignment: unknown; id: bigint | null; members: Set<string> } | undefined;
  let filledFor: bigint | null = null; // the swarm id this node is filled for
  let needFill = true;
  let relocationPending = false; // some account outside this swarm could not be pushed yet
  const hints = new Map<string, Set<string>>(); // member → accounts it missed
  const leaving = new Map<string, number>(); // account → when it may be dropped
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const missed = (member: Hex, account: string) => {
    const key = member.toLowerCase();
    let set = hints.get(key);
    if (!set) hints.set(key, (set = new Set()));
    if (set.size < 100_000) set.add(account);
  };

  const allAccounts = function* () {
    for (let page = o.db.accounts({ limit: 1000 }); page.length > 0; page = o.db.accounts({ after: page[page.length - 1], limit: 1000 })) yield* page;
  };

  /** Pushes these messages to a member; true when it holds every one (stored or already there). */
  const push = async (member: ReachableMember, messages: readonly StoredMessage[]): Promise<boolean> => {
    for (const batch of batches(messages, PUSH_MAX_BYTES, PUSH_MAX_MESSAGES)) {
      const answer = await signedPost(o.identity, member, PUSH_PATH, { messages: batch.map(toWire) }, timeoutMs);
      if (!answer.ok) {
        o.log?.(`storage: push to ${member.ed25519Key}: ${answer.reason}`);
        return false;
      }
      c.pushed += answer.body.stored ?? 0;
      if (Array.isArray(answer.body.refused) && answer.body.refused.length > 0) {
        o.log?.(`storage: ${member.ed25519Key} refused ${answer.body.refused.length} pushed messages, e.g. ${JSON.stringify(answer.body.refused[0]).slice(0, 200)}`);
        return false;
      }
    }
    return true;
  };

  /** Checks and stores pulled messages, in one commit. */
  const storeAll = (messages: readonly unknown[]) => {
    const nowMs = now();
    o.db.group(() => {
      for (const m of messages) {
        const checked = acceptWire(m, { ...o, nowMs });
        if (checked.ok && o.db.store(checked.message).stored) c.pulled++;
      }
    });
  };

  /**
   * Brings this node level with one member that it already shares messages with: pages
   * through the member's per-account digests and pulls only the accounts whose digest differs
   * from this node's own (a message missing here, or a different expiry). False if it failed.
   */
  const syncFrom = async (member: ReachableMember): Promise<boolean> => {
    let after: string | undefined;
    for (;;) {
      const answer = await signedPost(o.identity, member, DIGESTS_PATH, after ? { after } : {}, timeoutMs);
      if (!answer.ok || !Array.isArray(answer.body?.accounts)) {
        o.log?.(`storage: digests from ${member.ed25519Key}: ${answer.ok ? 'malformed answer' : answer.reason}`);
        return false;
      }
      const differing: string[] = [];
      for (const d of answer.body.accounts as { account?: unknown; digest?: unknown }[]) {
        if (typeof d?.account !== 'string' || !/^[0-9a-f]{66}$/.test(d.account) || !o.swarmView.holds(d.account)) continue;
        c.digestsCompared++;
        if (o.db.digestOf(d.account).digest !== d.digest) differing.push(d.account);
      }
      for (let i = 0; i < differing.length;) {
        const accounts = differing.slice(i, i + PULL_MAX_ACCOUNTS);
        const pulled = await signedPost(o.identity, member, PULL_PATH, { accounts }, timeoutMs);
        const served = pulled.ok ? pulled.body?.served : undefined;
        if (!pulled.ok || !Array.isArray(pulled.body?.messages) || !Number.isSafeInteger(served) || served < 1 || served > accounts.length) {
          o.log?.(`storage: pull of ${accounts.length} accounts from ${member.ed25519Key}: ${pulled.ok ? 'malformed answer' : pulled.reason}`);
          return false;
        }
        storeAll(pulled.body.messages as unknown[]);
        c.accountsPulled += served;
        i += served;
      }
      const next = answer.body.next;
      if (next === null || typeof next !== 'string' || (after !== undefined && next <= after)) return true;
      after = next;
    }
  };

  /** Pulls every page of this node's swarm's accounts from one member; false if it failed midway. */
  const pullFrom = async (member: ReachableMember): Promise<boolean> => {
    let after: string | undefined;
    for (;;) {
      const answer = await signedPost(o.identity, member, PULL_PATH, after ? { after } : {}, timeoutMs);
      if (!answer.ok || !Array.isArray(answer.body?.messages)) {
        o.log?.(`storage: pull from ${member.ed25519Key}: ${answer.ok ? 'malformed answer' : answer.reason}`);
        return false;
      }
      storeAll(answer.body.messages as unknown[]);
      const next = answer.body.next;
      if (next === null || typeof next !== 'string' || (after !== undefined && next <= after)) return true;
      after = next;
    }
  };

  const fill = async (mine: { id: bigint; members: readonly ReachableMember[] }) => {
    const started = now();
    if (o.skipFill) {
      filledFor = mine.id;
      needFill = false;
      return;
    }
    const peers = mine.members.filter((m) => m.ed25519Key.toLowerCase() !== self);
    let complete = peers.length === 0;
    // Every reachable member: one that was itself down may miss what another holds. Only an
    // empty node pulls everything; otherwise digests say which accounts differ.
    for (const peer of peers) if (await (o.db.stats().messages === 0 ? pullFrom(peer) : syncFrom(peer))) complete = true;
    if (complete) {
      filledFor = mine.id;
      needFill = false;
      c.fills++;
      c.lastFillMs = now() - started;
      o.log?.(`storage: filled for swarm ${mine.id} from ${peers.length} members in ${c.lastFillMs} ms (${o.db.stats().messages} messages)`);
    }
  };

  const relocate = async () => {
    relocationPending = false;
    for (const account of allAccounts()) {
      if (o.swarmView.holds(account)) {
        leaving.delete(account);
        continue;
      }
      if (leaving.has(account)) continue;
      const messages = o.db.messagesOf(account);
      const targets = o.swarmView.swarmOf(account).members.filter((m) => m.ed25519Key.toLowerCase() !== self);
      let held = false;
      for (const member of targets) if (await push(member, messages)) held = true;
      if (held) leaving.set(account, now() + dropDelayMs);
      else relocationPending = true;
    }
  };

  const pushAllTo = async (members: readonly ReachableMember[]) => {
    for (const account of allAccounts()) {
      if (!o.swarmView.holds(account)) continue;
      const messages = o.db.messagesOf(account);
      for (const member of members) if (!(await push(member, messages))) missed(member.ed25519Key, account);
    }
  };

  const retryHints = async (mine: { members: readonly ReachableMember[] } | null) => {
    for (const [key, accounts] of hints) {
      const member = mine?.members.find((m) => m.ed25519Key.toLowerCase() === key);
      if (!member) {
        hints.delete(key);
        continue;
      }
      for (const account of [...accounts]) {
        if (await push(member, o.db.messagesOf(account))) accounts.delete(account);
        else break; // still unreachable: try again next tick
      }
      if (accounts.size === 0) hints.delete(key);
    }
  };

  const dropDue = () => {
    const t = now();
    for (const [account, at] of leaving) {
      if (at > t) continue;
      leaving.delete(account);
      if (o.swarmView.holds(account)) continue; // it came back to this swarm
      o.db.deleteAll(account, 'all');
      c.dropped++;
    }
  };

  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const assignment = o.swarmView.assignment();
      const mine = o.swarmView.mine();
      if (!seen || seen.assignment !== assignment) {
        const members = new Set((mine?.members ?? []).map((m) => m.ed25519Key.toLowerCase()));
        const sameSwarm = seen !== undefined && mine !== null && seen.id === mine.id;
        if (sameSwarm) {
          const newcomers = mine!.members.filter((m) => !seen!.members.has(m.ed25519Key.toLowerCase()) && m.ed25519Key.toLowerCase() !== self);
          if (newcomers.length > 0) await pushAllTo(newcomers);
        } else needFill = true;
        seen = { assignment, id: mine?.id ?? null, members };
        await relocate();
      } else if (relocationPending) await relocate();
      if (mine && (needFill || filledFor !== mine.id)) await fill(mine);
      await retryHints(mine);
      dropDue();
    } catch (error) {
      o.log?.(`storage: handoff: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };

  return {
    routes: handoffRoutes(o),
    filled: () => {
      const mine = o.swarmView.mine();
      return mine !== null && !needFill && filledFor === mine.id;
    },
    missed,
    tick,
    start() {
      if (timer) return;
      const loop = () => {
        timer = setTimeout(() => void tick().finally(() => timer && loop()), o.intervalMs ?? 2_000);
        timer.unref?.();
      };
      void tick();
      loop();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
    counters: () => ({ ...c }),
  };
}
