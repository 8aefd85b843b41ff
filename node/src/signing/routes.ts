/**
 * The signing API: POST /sign/checkpoint, /sign/exit, /sign/deregistration, /sign/commission. Each request is
 * checked against the node's own state (signing/checks.ts); the answer is one share per BLS
 * identity this process holds that is registered and active:
 *   { shares: [{ nodeId, signature, blsPublicKeyG2 }] }   (a normal node holds one identity)
 * A refusal is `{ error, reason, differences: [{ field, requested, mine }] }`.
 * Several round runners may ask the same thing at once: identical requests (path + body)
 * share one answer for a few seconds (core/http/dedup.ts).
 */
import type { Address, Hex } from 'viem';
import { g1ToHex, g2ToHex, networkDigest, signDigest, type BlsKeyPair } from '../../../sdk/src/bls/index.ts';
import { commissionMessage, deregisterMessage, exitMessage, rewardsMessage } from '../../../sdk/src/staking/payloads.ts';
import { reply, route, type Route } from '../../../core/http/server.ts';
import { createDedup, type Dedup } from '../../../core/http/dedup.ts';
import { array, bigintString, hex, integer, object, parseBody } from '../../../core/http/validate.ts';
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import { isActive, type ContractAddresses } from '../../../core/state/network-state.ts';
import type { Ladder } from '../testing/ladder.ts';
import { checkCommission } from './commission.ts';
import { checkCheckpoint, checkDeregistration, checkExit, type Verdict } from './checks.ts';

export type SignerIdentity = { keyPair: BlsKeyPair; g1: string; g2: Hex };

export function signerIdentity(keyPair: BlsKeyPair): SignerIdentity {
  return { keyPair, g1: g1ToHex(keyPair.publicKeyG1).toLowerCase(), g2: g2ToHex(keyPair.publicKeyG2) };
}

export type SigningContext = {
  chainId: number;
  contracts: ContractAddresses;
  network: NetworkConsumer;
  identities: readonly SignerIdentity[];
  /**
   * Chain time now as this node sees it (latest block timestamp); `notBefore` is the request's
   * signedAt, so a cached time behind it is re-read before a refusal rests on it.
   */
  chainNow: (notBefore?: number) => Promise<number>;
  /** This node's ed25519 key (its identity on-chain). */
  ed25519?: string;
  /** The decommission ladder (testing/): grounds for commission changes and deregistrations. */
  ladder: Ladder;
  /** StakingRewards.minCheckpointInterval in seconds (signing/checkpoint-interval.ts); absent: 0. */
  minCheckpointInterval?: () => Promise<number>;
  /** Tests only (env SESSION_NODE_TEST_REFUSE_CHECKPOINTS=1): refuse every /sign/checkpoint, to play a free rider. */
  refuseCheckpoints?: boolean;
  /** Shared answers to identical requests (default: a fresh 5 s cache of 256 entries). */
  dedup?: Dedup;
};

const MAX_U64 = 2n ** 64n - 1n;
const CheckpointBody = object({
  epoch: bigintString({ min: 1n, max: MAX_U64 }),
  root: hex({ bytes: 32 }),
  cumulativeTotal: bigintString({ min: 0n, max: 2n ** 256n - 1n }),
  ledgerBlock: integer({ min: 0 }),
  signedAt: integer({ min: 0 }),
});
const NodeId = bigintString({ min: 1n, max: MAX_U64 });
/** Evidence is bounded by the body limit; the signer's own reports (gossiped failures) carry most of the weight. */
const CommissionBody = object({
  round: bigintString({ min: 0n, max: MAX_U64 }),
  decommission: array(NodeId, { max: 1000 }),
  recommission: array(NodeId, { max: 1000 }),
  signedAt: integer({ min: 0 }),
  evidence: array((v: unknown) => v, { max: 400 }),
});
const NodeBody = object({ nodeId: bigintString({ min: 1n, max: MAX_U64 }), signedAt: integer({ min: 0 }) });

const word = (v: bigint) => v.toString(16).padStart(64, '0');

/** The registered, active node ids of our identities (G1 key → node id from NodeOpened). */
export function ownNodeIds(network: NetworkConsumer, identities: readonly SignerIdentity[], ed25519?: string): Map<string, bigint> {
  const byKey = new Map<string, bigint>();
  let byEd: bigint | undefined;
  for (const node of network.view().state.nodes.values()) {
    if (!isActive(node)) continue;
    byKey.set(`0x${word(node.blsKey.x)}${word(node.blsKey.y)}`, node.nodeId);
    if (ed25519 && node.ed25519Key === ed25519.toLowerCase()) byEd = node.nodeId;
  }
  const own = new Map<string, bigint>();
  for (const id of identities) {
    const nodeId = byKey.get(id.g1);
    if (nodeId !== undefined) own.set(id.g1, nodeId);
  }
  // The node's identity is its ed25519 key: if its BLS key file no longer matches the key it
  // registered (replaced, restored from the wrong backup), it still answers as that node, and
  // the gateway's signature check catches it and benches it, which is what an operator needs
  // to see. Never silently stop answering.
  const primary = identities[0];
  if (primary && byEd !== undefined && own.size === 0) own.set(primary.g1, byEd);
  return own;
}

function sign(ctx: SigningContext, message: { purpose: Hex; payloadHash: Hex }) {
  const digest = networkDigest({ chainId: ctx.chainId, contract: ctx.contracts.staking, ...message });
  const own = ownNodeIds(ctx.network, ctx.identities, ctx.ed25519);
  if (own.size === 0) return reply(409, { error: 'not_registered', reason: 'none of this node\'s BLS keys belongs to an active registered node yet' });
  const shares = ctx.identities.flatMap((id) => {
    const nodeId = own.get(id.g1);
    return nodeId === undefined ? [] : [{ nodeId: nodeId.toString(), signature: g1ToHex(signDigest(id.keyPair.secretKey, digest)), blsPublicKeyG2: id.g2 }];
  });
  return { digest, shares };
}

const refusal = (v: Exclude<Verdict, { ok: true }>) => reply(v.status, { error: v.error, reason: v.reason, differences: v.differences });

export function signingRoutes(ctx: SigningContext): Route[] {
  const dedup = ctx.dedup ?? createDedup();
  return [
    route('POST', '/sign/checkpoint', async ({ body }) => {
      const r = parseBody(CheckpointBody, body);
      if (ctx.refuseCheckpoints) return reply(503, { error: 'test_free_rider', reason: 'this node was started to never sign checkpoints (a test of free-rider detection)' });
      const [chainNow, minCheckpointInterval] = await Promise.all([ctx.chainNow(r.signedAt), ctx.minCheckpointInterval?.() ?? 0]);
      const verdict = checkCheckpoint(ctx.network.view(), r, { chainNow, checkpointAt: ctx.network.checkpointAt, minCheckpointInterval });
      if (!verdict.ok) return refusal(verdict);
      return sign(
        ctx,
        rewardsMessage({ stakingRewards: ctx.contracts.rewards as Address, epoch: r.epoch, root: r.root, cumulativeTotal: r.cumulativeTotal, ledgerBlock: BigInt(r.ledgerBlock), signedAt: BigInt(r.signedAt) }),
      );
    }),
    route('POST', '/sign/exit', async ({ body }) => {
      const r = parseBody(NodeBody, body);
      const verdict = checkExit(ctx.network.view(), r, { chainNow: await ctx.chainNow(r.signedAt) });
      if (!verdict.ok) return refusal(verdict);
      return sign(ctx, exitMessage(r.nodeId, BigInt(r.signedAt)));
    }),
    route('POST', '/sign/deregistration', async ({ body }) => {
      const r = parseBody(NodeBody, body);
      const chainNow = await ctx.chainNow(r.signedAt);
      const node = ctx.network.view().state.nodes.get(r.nodeId);
      const ground = node ? ctx.ladder.deregistrationGround(node, BigInt(chainNow)) : null;
      const verdict = checkDeregistration(ctx.network.view(), r, { chainNow, ground });
      if (!verdict.ok) return refusal(verdict);
      return sign(ctx, deregisterMessage(r.nodeId, BigInt(r.signedAt)));
    }),
    route('POST', '/sign/commission', async ({ body }) => {
      const r = parseBody(CommissionBody, body);
      const verdict = checkCommission(ctx.network.view(), r, { chainNow: await ctx.chainNow(r.signedAt), ladder: ctx.ladder });
      if (!verdict.ok) return refusal(verdict);
      return sign(ctx, commissionMessage({ round: r.round, decommission: r.decommission, recommission: r.recommission, signedAt: BigInt(r.signedAt) }));
    }),
  ].map((r) => ({ ...r, handler: dedup.wrap(r.handler) }));
}
