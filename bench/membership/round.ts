/**
 * hungRoundRatio: a signing-style round over every identity's endpoint through the real
 * fan-out (core/rounds/fanout.ts): each identity signs the round's digest with its ed25519 key
 * (POST /bench/sign) and the round checks every signature against the key the CHAIN registered
 * for that node. Measured with no hung identity and with `hungFraction` of them accepting the
 * request and never answering; ratio = median(hung) / median(none).
 */
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../sdk/src/crypto/ed25519.ts';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import type { Hex } from 'viem';
import { fanOut, type NodeRef } from '../../core/rounds/fanout.ts';
import { postJsonCall } from '../../core/rounds/http-call.ts';

export type RoundEndpoint = { url: string; ed25519Key: Hex };
export type RoundSample = { hung: number; ms: number; responders: number; nonResponders: number; ok: boolean };

export async function signingRound(endpoints: readonly RoundEndpoint[], timeoutMs: number): Promise<Omit<RoundSample, 'hung'>> {
  const digest = `0x${bytesToHex(randomBytes(32))}`;
  const keyOf = new Map(endpoints.map((e) => [e.url, e.ed25519Key]));
  const nodes: NodeRef[] = endpoints.map((e) => ({ id: e.url, url: e.url }));
  const started = performance.now();
  const result = await fanOut<{ signature: string }>({
    nodes,
    call: postJsonCall('/bench/sign', { digest }),
    timeoutMs,
    concurrency: 64,
    validate: (node, value) => {
      if (typeof value?.signature !== 'string' || !/^0x[0-9a-f]{128}$/.test(value.signature)) return 'answer lacks a 64-byte hex signature';
      return ed25519Verify(hexToBytes(value.signature.slice(2)), hexToBytes(digest.slice(2)), hexToBytes(keyOf.get(node.url)!.slice(2))) || 'signature does not verify against the registered ed25519 key';
    },
  });
  return { ms: Math.round(performance.now() - started), responders: result.responders.length, nonResponders: result.nonResponders.length, ok: result.ok };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * `setHung(urls)` makes exactly those endpoints hang (and every other one answer). Rounds
 * alternate none / hung so machine load drifts affect both alike.
 */
export async function measureHungRatio(options: {
  endpoints: readonly RoundEndpoint[];
  hungFraction: number;
  repeats: number;
  timeoutMs: number;
  setHung: (urls: readonly string[]) => Promise<void>;
  log: (line: string) => void;
}): Promise<{ ratio: number; noneMs: number; hungMs: number; hung: number; timeoutMs: number; samples: RoundSample[] }> {
  const { endpoints } = options;
  const hungCount = Math.max(1, Math.round(endpoints.length * options.hungFraction));
  // Spread over the list (every k-th endpoint), so the hung ones are not all in one worker.
  const step = endpoints.length / hungCount;
  const hungUrls = Array.from({ length: hungCount }, (_, i) => endpoints[Math.floor(i * step)]!.url);
  const samples: RoundSample[] = [];
  await options.setHung([]);
  await signingRound(endpoints, options.timeoutMs); // warm the connections
  for (let r = 0; r < options.repeats; r++) {
    for (const hung of [[], hungUrls]) {
      await options.setHung(hung);
      const s = { hung: hung.length, ...(await signingRound(endpoints, options.timeoutMs)) };
      samples.push(s);
      options.log(`round with ${s.hung} hung: ${s.ms} ms, ${s.responders} answered, ${s.nonResponders} did not`);
    }
  }
  await options.setHung([]);
  const noneMs = median(samples.filter((s) => s.hung === 0).map((s) => s.ms));
  const hungMs = median(samples.filter((s) => s.hung > 0).map((s) => s.ms));
  return { ratio: Number((hungMs / noneMs).toFixed(3)), noneMs, hungMs, hung: hungCount, timeoutMs: options.timeoutMs, samples };
}
