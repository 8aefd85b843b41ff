/**
 * A generic, bounded push gossip with anti-entropy pull, for any signed item that every
 * node verifies on its own (announcements here; the testing part reuses it for signed test
 * reports).
 *
 *   push: an item that is FRESH to us (new, or newer than what we had) is forwarded to
 *         `fanout` random peers, never back to the peer it came from (senders name
 *         themselves in the `x-gossip-from` header), through a bounded queue: when it is
 *         full, new sends are dropped and counted (anti-entropy repairs what is lost).
 *         Each call has a short timeout, so a dead or slow peer costs one slot for 2 s.
 *   pull: at start from every seed (and a few known peers), then from one random peer
 *         after 1, 2, 4 … s and from then on every `antiEntropySec`: GET `path` → `{ [field]: T[] }`, each item offered. Items
 *         learnt by pull are not pushed on (every node pulls; pushing them would multiply
 *         traffic at every start).
 * The receiver-side `offer` decides everything (validity, freshness); gossip only moves bytes.
 *
 *   const g = createGossip({ path: '/network/announcements', pushPath: '/network/announce',
 *     field: 'announcements', keyOf, offer: directory.offer, peers, seeds, fanout: 4, antiEntropySec: 300 });
 *   route POST pushPath → g.receive(body, request.headers['x-gossip-from'])
 */
import { joinUrl } from '../rounds/http-call.ts';

export type OfferOutcome = { accepted: true; fresh: boolean } | { accepted: false; reason: string };

export type GossipCounters = {
  /** Pushes that a peer answered with 2xx. */
  sent: number;
  /** Items offered to us by pushes and pulls. */
  received: number;
  /** Of those, fresh ones. */
  fresh: number;
  /** Items refused by `offer`. */
  refused: number;
  /** Pushes not made: queue full. */
  dropped: number;
  /** Pushes or pulls that failed (timeout, connection, non-2xx). */
  failed: number;
  pulls: number;
};

export type Gossip<T> = {
  /** An item from a peer's push (route handler): offered, and forwarded if fresh. */
  receive: (item: unknown, from?: string) => OfferOutcome;
  /** Our own new item (e.g. our announcement): offered, and forwarded if fresh or if `force`. */
  publish: (item: T, force?: boolean) => OfferOutcome;
  /** Pulls the full list from one peer; returns how many items were fresh. */
  pullFrom: (url: string) => Promise<number>;
  /** Bootstrap pull (seeds + a few known peers); resolves when those calls are done. */
  bootstrap: () => Promise<number>;
  start: () => void;
  stop: () => void;
  counters: () => GossipCounters;
  /** Pushes waiting or in flight. */
  pending: () => number;
};

export type GossipOptions<T> = {
  /** GET path of the full list (and POST path of a push unless pushPath is given). */
  path: string;
  pushPath?: string;
  /** Field of the GET answer holding the list (default: last segment of `path`). */
  field?: string;
  keyOf: (item: T) => string;
  offer: (item: unknown) => OfferOutcome;
  /** Base URLs of the peers we know now (excluding ourselves). */
  peers: () => string[];
  /** Bootstrap URLs (deployments' seedNodes, --seed); used whenever we know no peer. */
  seeds?: readonly string[];
  /** Our own base URL, sent as x-gossip-from and never pushed or pulled to. */
  self?: () => string | undefined;
  fanout: number;
  antiEntropySec: number;
  /** Per-call timeout (default 2 s). */
  timeoutMs?: number;
  /** Max pushes waiting or in flight (default 256). */
  queueLimit?: number;
  /** Pushes in flight at once (default 4). */
  concurrency?: number;
  /** Largest pull answer read (default 4 MiB). */
  maxPullBytes?: number;
  log?: (line: string) => void;
  random?: () => number;
};

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function createGossip<T>(options: GossipOptions<T>): Gossip<T> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const queueLimit = options.queueLimit ?? 256;
  const concurrency = options.concurrency ?? 4;
  const maxPullBytes = options.maxPullBytes ?? 4 * 1024 * 1024;
  const field = options.field ?? options.path.split('/').filter(Boolean).at(-1)!;
  const pushPath = options.pushPath ?? options.path;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const counters: GossipCounters = { sent: 0, received: 0, fresh: 0, refused: 0, dropped: 0, failed: 0, pulls: 0 };
  const queue: { url: string; key: string; body: string }[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let started = false;

  const self = () => {
    const s = options.self?.();
    return s ? trimSlash(s) : undefined;
  };
  const headers = () => {
    const s = self();
    return { 'content-type': 'application/json', ...(s ? { 'x-gossip-from': s } : {}) };
  };
  const others = (urls: readonly string[], except?: string) => {
    const skip = new Set([self(), except && trimSlash(except)].filter(Boolean));
    return [...new Set(urls.map(trimSlash))].filter((u) => !skip.has(u));
  };
  /** `n` distinct random picks (partial Fisher–Yates). */
  const pick = (urls: string[], n: number) => {
    const a = [...urls];
    for (let i = 0; i < Math.min(n, a.length); i++) {
      const j = i + Math.floor(random() * (a.length - i));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a.slice(0, n);
  };

  const pump = () => {
    while (!stopped && inFlight < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      inFlight++;
      fetch(joinUrl(pushPath, job.url), { method: 'POST', headers: headers(), body: job.body, signal: AbortSignal.timeout(timeoutMs) })
        .then(async (response) => {
          await response.arrayBuffer().catch(() => undefined);
          if (response.ok) counters.sent++;
          else counters.failed++;
        })
        .catch(() => counters.failed++)
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  const forward = (item: T, except?: string, withSeeds = false) => {
    const body = JSON.stringify(item);
    const key = options.keyOf(item);
    const candidates = withSeeds ? [...options.peers(), ...(options.seeds ?? [])] : options.peers();
    for (const url of pick(others(candidates, except), options.fanout)) {
      // A newer item of the same key replaces the queued one: only the newest matters.
      const queued = queue.find((j) => j.url === url && j.key === key);
      if (queued) {
        queued.body = body;
        continue;
      }
      if (queue.length + inFlight >= queueLimit) {
        counters.dropped++;
        continue;
      }
      queue.push({ url, key, body });
    }
    pump();
  };

  const take = (item: unknown): OfferOutcome => {
    counters.received++;
    let outcome: OfferOutcome;
    try {
      outcome = options.offer(item);
    } catch (error) {
      outcome = { accepted: false, reason: `internal error: ${(error as Error).message}` };
    }
    if (!outcome.accepted) counters.refused++;
    else if (outcome.fresh) counters.fresh++;
    return outcome;
  };

  const pullFrom = async (url: string): Promise<number> => {
    counters.pulls++;
    let list: unknown;
    try {
      const response = await fetch(joinUrl(options.path, url), { headers: headers(), signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      if (text.length > maxPullBytes) throw new Error(`answer of ${text.length} bytes exceeds ${maxPullBytes}`);
      list = (JSON.parse(text) as Record<string, unknown>)[field];
      if (!Array.isArray(list)) throw new Error(`answer lacks { ${field}: [...] }`);
    } catch (error) {
      counters.failed++;
      log(`gossip: pull ${options.path} from ${url} failed: ${(error as Error).message}`);
      return 0;
    }
    let fresh = 0;
    for (const item of list) {
      const outcome = take(item);
      if (outcome.accepted && outcome.fresh) fresh++;
    }
    return fresh;
  };

  const pullOne = async () => {
    const peers = others(options.peers());
    const candidates = peers.length > 0 ? peers : others(options.seeds ?? []);
    const [url] = pick(candidates, 1);
    if (url) await pullFrom(url);
  };

  return {
    receive(item, from) {
      const outcome = take(item);
      if (outcome.accepted && outcome.fresh) forward(item as T, from);
      return outcome;
    },
    publish(item, force = false) {
      const outcome = take(item);
      // Our own items also go to the seeds: right after a start we may know no peer yet.
      if (outcome.accepted && (outcome.fresh || force)) forward(item, undefined, true);
      return outcome;
    },
    pullFrom,
    async bootstrap() {
      const targets = [...new Set([...others(options.seeds ?? []), ...pick(others(options.peers()), options.fanout)])];
      const fresh = await Promise.all(targets.map(pullFrom));
      return fresh.reduce((s, n) => s + n, 0);
    },
    start() {
      if (started) return;
      started = true;
      stopped = false;
      // Right after a start peers may still be starting too: pull after 1, 2, 4 … s, then
      // every antiEntropySec.
      const next = (delayMs: number) => {
        timer = setTimeout(() => {
          if (stopped) return;
          void pullOne().finally(() => next(Math.min(delayMs * 2, options.antiEntropySec * 1000)));
        }, delayMs);
        timer.unref();
      };
      next(Math.min(1_000, options.antiEntropySec * 1000));
    },
    stop() {
      stopped = true;
      started = false;
      clearTimeout(timer);
      queue.length = 0;
    },
    counters: () => ({ ...counters }),
    pending: () => queue.length + inFlight,
  };
}
