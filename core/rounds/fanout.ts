/**
 * Fan-out: ask every node the same thing, each call with its own timeout, at most
 * `concurrency` at a time; check every answer with the caller's validator; put nodes that
 * answer wrongly on cooldown; report who answered validly, who refused (and why), who did
 * not answer, and who was skipped. Every node lands in exactly one of those lists.
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

function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    // Enforced here too, for calls that ignore their signal.
    const timer = setTimeout(() => {
      controller.abort(new CallTimeout());
      reject(new CallTimeout(`no answer within ${ms} ms`));
    }, ms);
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
}

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

  const ask = async (node: NodeRef) => {
    const started = Date.now();
    let reply: NodeReply<T>;
    try {
      reply = await withTimeout((signal) => options.call(node, signal), options.timeoutMs);
    } catch (error) {
      const e = error as Error;
      const reason = e instanceof CallTimeout ? e.message : `${e.message}${e.cause ? ` (${(e.cause as Error).message})` : ''}`;
      result.nonResponders.push({ node, reason });
      return;
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
