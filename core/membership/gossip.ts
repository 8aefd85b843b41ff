/**
 * A generic, bounded push gossip with anti-entropy pull, for any signed item that every
 * node verifies on its own (announcements here; the testing part reuses it for signed test
 * reports).
 *
 *   push: an item that is FRESH to us (new, or newer than what we had) is forwarded to
 *         `fanout` random peers, never back to the peer it came from (senders name
 *         themselves in the `x-gossip-from` header), through a bounded queue: when it is
 *         full, new sends are dropped and counted (anti-entropy repairs what is lost).
 *         Each call has a short timeout, so a dead or slow peer costs one slot for 2 s. A
 *         push that fails (dropped, timed out, refused) is sent once more, to another random
 *         peer, so dead, paused and lossy peers do not thin out the fanout. A queued push to a
 *         peer that meanwhile pushed us the very same item is cancelled (it has it).
 *   pull: at start from every seed (and a few known peers), then from one random peer
 *         after 1, 2, 4 … s and from then on every `antiEntropySec`. With `digest` (digest.ts):
 *         GET `digest.path`, compare with ours, GET `path?buckets=…` for the buckets that
 *         differ (nothing when none does; the whole list when most do, or when the peer
 *         serves no digest). Without: GET `path` → `{ [field]: T[] }`. Each item is offered.
 *         Items learnt by pull are not pushed on (every node pulls; pushing them would
 *         multiply traffic at every start).
 * The receiver-side `offer` decides everything (validity, freshness); gossip only moves bytes.
 *
 *   const g = createGossip({ path: '/network/announcements', pushPath: '/network/announce',
 *     field: 'announcements', keyOf, offer: directory.offer, peers, seeds, fanout: 4, antiEntropySec: 300 });
 *   route POST pushPath → g.receive(body, request.headers['x-gossip-from'])
 */
import { httpText } from '../http/client.ts';
import { joinUrl } from '../rounds/http-call.ts';
import { pathAfterDigest } from './digest.ts';

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
  /** Pulls that fetched no item: the peer's digest equals ours. */
  pullsInSync: number;
  /** Items fetched by pulls (whole lists or differing buckets). */
  pulledItems: number;
  /** Failed pushes sent again to another peer. */
  replaced: number;
};

export type Gossip<T> = {
  /** An item from a peer's push (route handler): offered, and forwarded if fresh. */
  receive: (item: unknown, from?: string) => OfferOutcome;
  /** Our own new item (e.g. our announcement): offered, and forwarded if fresh or if `force`. */
  publish: (item: T, force?: boolean) => OfferOutcome;
  /** Pulls from one peer (by digest when configured); returns how many items were fresh. */
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
  /** Pull by digest: the GET path of the peer's digest and our own digest (digest.ts). */
  digest?: { path: string; local: () => readonly string[] };
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
  const counters: GossipCounters = { sent: 0, received: 0, fresh: 0, refused: 0, dropped: 0, failed: 0, pulls: 0, pullsInSync: 0, pulledItems: 0, replaced: 0 };
  /** `tried`: every peer this forward has pushed to (shared by its jobs); `spare`: may be replaced once. */
  type Job = { url: string; key: string; body: string; tried: Set<string>; spare: boolean };
  const queue: Job[] = [];
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
      httpText(joinUrl(pushPath, job.url), { method: 'POST', headers: headers(), body: job.body, timeoutMs, maxBytes: 64 * 1024 })
        .then((response) => {
          if (response.ok && response.status >= 200 && response.status <= 299) counters.sent++;
          else fail(job);
        })
        .catch(() => fail(job))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  const enqueue = (job: Job) => {
    // A newer item of the same key replaces the queued one: only the newest matters.
    const queued = queue.find((j) => j.url === job.url && j.key === job.key);
    if (queued) {
      queued.body = job.body;
      return;
    }
    if (queue.length + inFlight >= queueLimit) {
      counters.dropped++;
      return;
    }
    queue.push(job);
  };

  /** A failed push goes once to a peer this forward has not tried (stopped: nothing more). */
  function fail(job: Job) {
    counters.failed++;
    if (stopped || !job.spare) return;
    const [url] = pick(others(options.peers()).filter((u) => !job.tried.has(u)), 1);
    if (!url) return;
    counters.replaced++;
    job.tried.add(url);
    enqueue({ ...job, url, spare: false });
  }

  const forward = (item: T, except?: string, withSeeds = false) => {
    const body = JSON.stringify(item);
    const key = options.keyOf(item);
    const candidates = withSeeds ? [...options.peers(), ...(options.seeds ?? [])] : options.peers();
    const targets = pick(others(candidates, except), options.fanout);
    const tried = new Set([...targets, ...(except ? [trimSlash(except)] : [])]);
    for (const url of targets) enqueue({ url, key, body, tried, spare: true });
    pump();
  };

  /** `from` pushed us this very item: a push of it still queued for `from` is not needed. */
  const cancelFor = (from: string, item: unknown) => {
    const url = trimSlash(from);
    if (!queue.some((j) => j.url === url)) return;
    const body = JSON.stringify(item);
    for (let k = queue.length - 1; k >= 0; k--) if (queue[k]!.url === url && queue[k]!.body === body) queue.splice(k, 1);
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

  class Missing extends Error {}
  const getJson = async (path: string, url: string): Promise<unknown> => {
    const response = await httpText(joinUrl(path, url), { headers: headers(), timeoutMs, maxBytes: maxPullBytes });
    if (!response.ok) throw new Error(response.reason);
    if (response.status === 404) throw new Missing(`HTTP 404 for ${path}`);
    if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
    return JSON.parse(response.text);
  };

  /** The path to pull from `url`: null when its digest equals ours, the whole list when most buckets differ. */
  const pullPath = async (url: string): Promise<string | null> => {
    if (!options.digest) return options.path;
    let answer: unknown;
    try {
      answer = await getJson(options.digest.path, url);
    } catch (error) {
      // A peer without digests (older software) still serves the whole list.
      if (error instanceof Missing) return options.path;
      throw error;
    }
    return pathAfterDigest(options.path, options.digest.local(), answer);
  };

  const pullFrom = async (url: string): Promise<number> => {
    counters.pulls++;
    let list: unknown;
    try {
      const path = await pullPath(url);
      if (path === null) {
        counters.pullsInSync++;
        return 0;
      }
      list = (await getJson(path, url) as Record<string, unknown> | null)?.[field];
      if (!Array.isArray(list)) throw new Error(`answer lacks { ${field}: [...] }`);
    } catch (error) {
      counters.failed++;
      log(`gossip: pull ${options.path} from ${url} failed: ${(error as Error).message}`);
      return 0;
    }
    counters.pulledItems += list.length;
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
      else if (outcome.accepted && from) cancelFor(from, item);
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
