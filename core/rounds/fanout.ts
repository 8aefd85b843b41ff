/**
 * Fan-out: ask every node the same thing, each call with its own timeout, at most
 * `concurrency` at a time; check every answer with the caller's validator; put nodes that
 * answer wrongly on cooldown; report who answered validly, who refused (and why), who did
 * not answer, and who was skipped. Every node lands in exactly one of those lists.
 *
 * Hung nodes are bounded: a round does not wait for the last timeout once its outcome cannot
 * improve much. Until a quorum of valid answers is in, every call gets the full `timeoutMs`.
 * From the moment the quorum is reached (time tq), the stragglers get a grace
 *   S = max(graceFloorMs (200 ms), graceFraction (0.2) · tq, 2 · median latency of the valid answers)
 * and a call still unanswered at max(tq, its start) + S is abandoned (a non-responder,
 * "cut after quorum"). Calls not yet started are still made, each with S: a node that answers
 * like its peers is never cut, so a healthy node is not named a non-signer because another
 * node hung. So with a few percent hung nodes a round lasts about S longer, not `timeoutMs`.
 */
import type { CooldownRegistry } from './cooldown.ts';
import { hasQuorum, quorumThreshold } from './quorum.ts';

export type NodeRef = { id: string; url: string };

/** What a node said: an answer to validate, or an explicit refusal (e.g. "not in my ledger"). */
export type NodeReply<T> = { kind: 'answer'; value: T } | { kind: 'refusal'; reason: string };

export type Validation = true | string;

export type FanOutOptions<T> = {
  nodes: readonly NodeRef[];
  /** Asks one node. Throwing (or not settling in time) counts as no answer. */
  call: (node: NodeRef, signal: AbortSignal) => Promise<NodeReply<T>>;
  /** true, or the reason the answer is bad (the node then goes on cooldown). */
  validate: (node: NodeRef, value: T) => Validation | Promise<Validation>;
  timeoutMs: number;
  concurrency?: number;
  cooldowns?: CooldownRegistry;
  /**
   * When the valid answers so far make a quorum (default: ⌈2·total/3⌉ responders). A round
   * whose quorum is over something else (node ids behind endpoints) says so here.
   */
  quorumReached?: (responders: readonly { node: NodeRef; value: T }[], total: number) => boolean;
  /** Stragglers' grace after quorum (see the top of this file); `finishEarly: false` waits for every timeout. */
  finishEarly?: boolean;
  graceFloorMs?: number;
  graceFraction?: number;
};

export type RoundResult<T> = {
  total: number;
  /** Valid answers needed (⌈2·total/3⌉); skipped nodes count in the total. */
  required: number;
  ok: boolean;
  responders: { node: NodeRef; value: T; ms: number }[];
  /** Refused explicitly, or answered something the validator rejected (kind 'invalid', now on cooldown). */
  refusers: { node: NodeRef; kind: 'refused' | 'invalid'; reason: string }[];
  nonResponders: { node: NodeRef; reason: string }[];
  /** On cooldown: not asked this round. */
  skipped: { node: NodeRef; until: number; reason: string }[];
};

class CallTimeout extends Error {}

/** A call that can also be cut from outside (`cut(reason)`), for stragglers after quorum. */
function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, ms: number): { promise: Promise<T>; cut: (reason: string) => void } {
  const controller = new AbortController();
  let cut: (reason: string) => void = () => {};
  const promise = new Promise<T>((resolve, reject) => {
    const stop = (reason: string) => {
      clearTimeout(timer);
      controller.abort(new CallTimeout(reason));
      reject(new CallTimeout(reason));
    };
    // Enforced here too, for calls that ignore their signal.
    const timer = setTimeout(() => stop(`no answer within ${ms} ms`), ms);
    cut = stop;
    run(controller.signal).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
  return { promise, cut };
}

const median = (values: number[]) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export async function fanOut<T>(options: FanOutOptions<T>): Promise<RoundResult<T>> {
  const ids = new Set(options.nodes.map((n) => n.id));
  if (ids.size !== options.nodes.length) throw new Error('fanOut: node ids must be unique');
  if (!(options.timeoutMs > 0)) throw new RangeError('fanOut: timeoutMs must be > 0');
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const result: RoundResult<T> = {
    total: options.nodes.length,
    required: quorumThreshold(options.nodes.length),
    ok: false,
    responders: [],
    refusers: [],
    nonResponders: [],
    skipped: [],
  };
  const queue: NodeRef[] = [];
  for (const node of options.nodes) {
    const cooldown = options.cooldowns?.get(node.id);
    if (cooldown) result.skipped.push({ node, until: cooldown.until, reason: cooldown.reason });
    else queue.push(node);
  }

  const roundStarted = Date.now();
  const finishEarly = options.finishEarly ?? true;
  const graceFloorMs = options.graceFloorMs ?? 200;
  const graceFraction = options.graceFraction ?? 0.2;
  const quorumReached = options.quorumReached ?? ((responders, total) => hasQuorum(responders.length, total));
  /** Set once the quorum is in: when it was reached and the stragglers' grace S. */
  let settled: { at: number; graceMs: number } | undefined;
  const pending = new Map<NodeRef, { started: number; cut: (reason: string) => void; timer?: NodeJS.Timeout }>();
  const scheduleCut = (node: NodeRef) => {
    const call = pending.get(node);
    if (!call || !settled || call.timer) return;
    const cutAt = Math.max(settled.at, call.started) + settled.graceMs;
    call.timer = setTimeout(() => call.cut(`no answer within ${settled!.graceMs} ms after the round reached quorum (cut early)`), Math.max(0, cutAt - Date.now()));
  };
  const checkQuorum = () => {
    if (!finishEarly || settled || !quorumReached(result.responders, result.total)) return;
    const now = Date.now();
    const graceMs = Math.ceil(Math.max(graceFloorMs, graceFraction * (now - roundStarted), 2 * median(result.responders.map((r) => r.ms))));
    settled = { at: now, graceMs };
    for (const node of pending.keys()) scheduleCut(node);
  };

  const ask = async (node: NodeRef) => {
    const started = Date.now();
    let reply: NodeReply<T>;
    const call = withTimeout((signal) => options.call(node, signal), options.timeoutMs);
    pending.set(node, { started, cut: call.cut });
    scheduleCut(node);
    try {
      reply = await call.promise;
    } catch (error) {
      const e = error as Error;
      const reason = e instanceof CallTimeout ? e.message : `${e.message}${e.cause ? ` (${(e.cause as Error).message})` : ''}`;
      result.nonResponders.push({ node, reason });
      return;
    } finally {
      clearTimeout(pending.get(node)?.timer);
      pending.delete(node);
    }
    if (reply.kind === 'refusal') {
      result.refusers.push({ node, kind: 'refused', reason: reply.reason });
      return;
    }
    let verdict: Validation;
    try {
      verdict = await options.validate(node, reply.value);
    } catch (error) {
      verdict = `validator failed: ${(error as Error).message}`;
    }
    if (verdict === true) {
      result.responders.push({ node, value: reply.value, ms: Date.now() - started });
      checkQuorum();
    } else {
      result.refusers.push({ node, kind: 'invalid', reason: verdict });
      options.cooldowns?.put(node.id, verdict);
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < queue.length) await ask(queue[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

  // Report in the nodes' given order, whatever order the answers came in.
  const order = new Map(options.nodes.map((n, i) => [n.id, i]));
  const byOrder = (a: { node: NodeRef }, b: { node: NodeRef }) => order.get(a.node.id)! - order.get(b.node.id)!;
  result.responders.sort(byOrder);
  result.refusers.sort(byOrder);
  result.nonResponders.sort(byOrder);
  result.ok = hasQuorum(result.responders.length, result.total);
  return result;
}
