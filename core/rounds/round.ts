/**
 * One signing round: ask every active node's endpoint (fanOut, with timeouts and cooldowns),
 * decode their shares, aggregate and verify (aggregate.ts), name the non-signers, and decide
 * quorum over NODE IDS (an endpoint may host several identities). A share that fails the
 * check benches its endpoint.
 */
import type { Hex } from 'viem';
import { g1FromHex, g1FromSolidity, type G1Point, type NetworkSignatureArgs } from '../../sdk/src/bls/index.ts';
import type { NetworkView } from '../state/consumer.ts';
import { isActive } from '../state/network-state.ts';
import { fanOut, type NodeRef } from './fanout.ts';
import { postJsonCall, type RequestSigner } from './http-call.ts';
import type { CooldownRegistry } from './cooldown.ts';
import { hasQuorum, quorumThreshold } from './quorum.ts';
import { aggregateShares, decodeG2Unchecked, signatureArgs, type Share } from './aggregate.ts';

type ShareJson = { nodeId: string; signature: string; blsPublicKeyG2: string };
type Answer = { digest: Hex; shares: ShareJson[] };

export type RoundReport = {
  ok: boolean;
  digest?: Hex;
  activeNodes: number;
  required: number;
  signers: bigint[];
  nonSigners: bigint[];
  invalid: { nodeId: bigint; reason: string }[];
  refusals: { url: string; reason: string }[];
  unreachable: { url: string; reason: string }[];
  skipped: { url: string; reason: string }[];
  signature?: NetworkSignatureArgs;
  /** Whole round, and the part spent waiting for the slowest answer (the rest is our checking). */
  ms: number;
  answersMs: number;
};

/** Active node ids → their endpoint URL (via the ed25519 key each registered), and the endpoints. */
export function endpointsOf(view: NetworkView, urls: ReadonlyMap<string, string>) {
  const active = [...view.state.nodes.values()].filter(isActive);
  const urlOf = new Map<bigint, string>();
  for (const node of active) {
    const url = urls.get(node.ed25519Key);
    if (url) urlOf.set(node.nodeId, url);
  }
  const refs: NodeRef[] = [...new Set(urlOf.values())].sort().map((url) => ({ id: url, url }));
  return { active, urlOf, refs };
}

const keyCache = new Map<string, G1Point>();
function registeredKey(view: NetworkView, nodeId: bigint): G1Point {
  const node = view.state.nodes.get(nodeId)!;
  const k = `${node.blsKey.x}:${node.blsKey.y}`;
  let p = keyCache.get(k);
  if (!p) keyCache.set(k, (p = g1FromSolidity(node.blsKey)));
  return p;
}

export async function runRound(options: {
  view: NetworkView;
  urls: ReadonlyMap<string, string>;
  path: string;
  body: unknown;
  cooldowns: CooldownRegistry;
  timeoutMs: number;
  /** A node running the round signs its requests; a gateway (not registered) does not. */
  sign?: RequestSigner;
  log?: (line: string) => void;
}): Promise<RoundReport> {
  const started = Date.now();
  const { view } = options;
  const { active, urlOf, refs } = endpointsOf(view, options.urls);
  const activeIds = new Set(active.map((n) => n.nodeId));
  const round = await fanOut<Answer>({
    nodes: refs,
    call: postJsonCall<Answer>(options.path, options.body, options.sign),
    timeoutMs: options.timeoutMs,
    cooldowns: options.cooldowns,
    // Quorum is over node ids (an endpoint may host several); shares are checked after the
    // fan-out, so a bad one found then can only lower the count: the grace covers the usual case.
    quorumReached: (responders) => {
      const ids = new Set(responders.flatMap((r) => r.value.shares.map((s) => s.nodeId)));
      return hasQuorum(ids.size, active.length);
    },
    validate: (node, value) => {
      if (typeof value !== 'object' || value === null || !Array.isArray(value.shares) || typeof value.digest !== 'string') return 'answer lacks { digest, shares }';
      for (const s of value.shares) {
        if (typeof s?.nodeId !== 'string' || !/^\d{1,20}$/.test(s.nodeId)) return 'a share lacks a node id';
        const id = BigInt(s.nodeId);
        if (!activeIds.has(id)) return `signed as node ${s.nodeId}, which is not active`;
        if (urlOf.get(id) !== node.url) return `signed as node ${s.nodeId}, which does not live at this URL`;
        if (typeof s.signature !== 'string' || typeof s.blsPublicKeyG2 !== 'string') return `share of node ${s.nodeId} lacks signature or blsPublicKeyG2`;
        try {
          g1FromHex(s.signature);
          decodeG2Unchecked(s.blsPublicKeyG2.toLowerCase());
        } catch (error) {
          return `share of node ${s.nodeId}: ${(error as Error).message}`;
        }
      }
      return true;
    },
  });
  const report: RoundReport = {
    ok: false,
    activeNodes: active.length,
    required: quorumThreshold(active.length),
    signers: [],
    nonSigners: [],
    invalid: [],
    refusals: round.refusers.map((r) => ({ url: r.node.url, reason: r.reason })),
    unreachable: round.nonResponders.map((r) => ({ url: r.node.url, reason: r.reason })),
    skipped: round.skipped.map((r) => ({ url: r.node.url, reason: r.reason })),
    ms: 0,
    answersMs: Date.now() - started,
  };
  // Every answer must be for the same digest; we never trust a node's digest, only compare.
  const digests = new Map<string, number>();
  for (const r of round.responders) digests.set(r.value.digest, (digests.get(r.value.digest) ?? 0) + 1);
  const digest = [...digests.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as Hex | undefined;
  const shares: Share[] = [];
  const seen = new Set<bigint>();
  for (const r of round.responders) {
    if (r.value.digest !== digest) {
      report.refusals.push({ url: r.node.url, reason: `signed digest ${r.value.digest}, the round's is ${digest}` });
      options.cooldowns.put(r.node.id, 'signed a different message');
      continue;
    }
    for (const s of r.value.shares) {
      const nodeId = BigInt(s.nodeId);
      if (seen.has(nodeId)) continue;
      seen.add(nodeId);
      shares.push({ nodeId, signature: g1FromHex(s.signature), publicKeyG2: decodeG2Unchecked(s.blsPublicKeyG2.toLowerCase()), g2Hex: s.blsPublicKeyG2.toLowerCase() });
    }
  }
  if (digest && shares.length > 0) {
    report.digest = digest;
    const result = aggregateShares({ digest, shares, registeredKey: (id) => registeredKey(view, id) });
    report.invalid = result.invalid;
    for (const bad of result.invalid) {
      const url = urlOf.get(bad.nodeId)!;
      options.cooldowns.put(url, `node ${bad.nodeId}: ${bad.reason}`);
      options.log?.(`gateway: node ${bad.nodeId} at ${url} gave a bad share (${bad.reason}); on cooldown`);
    }
    const signerSet = new Set(result.valid.map((s) => s.nodeId));
    report.signers = [...signerSet].sort((a, b) => (a < b ? -1 : 1));
    report.nonSigners = active.map((n) => n.nodeId).filter((id) => !signerSet.has(id));
    report.ok = hasQuorum(signerSet.size, active.length);
    if (report.ok) {
      report.signature = signatureArgs(result, report.nonSigners.map((id) => ({ nodeId: id, publicKeyG1: registeredKey(view, id) })));
    }
  } else {
    report.nonSigners = active.map((n) => n.nodeId);
  }
  report.ms = Date.now() - started;
  return report;
}
