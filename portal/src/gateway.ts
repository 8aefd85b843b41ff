/**
 * The gateway's portal API (JSON, bigints as decimal strings). Only what the chain cannot
 * answer comes from here: reward proofs, exit signatures, the network's APR estimate.
 */
import type { Address, Hex } from 'viem';
import type { NetworkSignatureArgs } from '../../sdk/src/bls/index.ts';

export class GatewayError extends Error {
  override name = 'GatewayError';
}

export const GATEWAY_UNREACHABLE = 'gateway not reachable';

export type AccountRewards = { earned: bigint; claimed: bigint; claimable: bigint; claim: { cumulativeAmount: bigint; proof: Hex[] } | null };
export type NetworkInfo = { estimatedAprBps: number | null; lastCheckpoint: { epoch: bigint; submittedAt: number } | null };
export type ExitSignature = { signedAt: bigint; signature: NetworkSignatureArgs };

async function call<T>(base: string | undefined, path: string, init?: RequestInit): Promise<T> {
  if (!base) throw new GatewayError(`${GATEWAY_UNREACHABLE} (none configured)`);
  let response: Response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`), { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch {
    throw new GatewayError(GATEWAY_UNREACHABLE);
  }
  const body = (await response.json().catch(() => undefined)) as (T & { error?: string; reason?: string }) | undefined;
  if (!response.ok || body === undefined) throw new GatewayError(body?.reason ?? body?.error ?? `gateway answered ${response.status}`);
  return body;
}

const big = (v: unknown): bigint => BigInt(v as string);

export async function fetchRewards(base: string | undefined, account: Address): Promise<AccountRewards> {
  const body = await call<{ rewards: Record<string, unknown> & { claim: { cumulativeAmount: string; proof: Hex[] } | null } }>(base, `api/accounts/${account}`);
  const r = body.rewards;
  return {
    earned: big(r.earned),
    claimed: big(r.claimed),
    claimable: big(r.claimable),
    claim: r.claim ? { cumulativeAmount: big(r.claim.cumulativeAmount), proof: r.claim.proof } : null,
  };
}

export async function fetchNetwork(base: string | undefined): Promise<NetworkInfo> {
  const body = await call<{ estimatedAprBps?: number | string | null; lastCheckpoint: { epoch: string; submittedAt: number } | null }>(base, 'api/network');
  return {
    estimatedAprBps: body.estimatedAprBps === undefined || body.estimatedAprBps === null ? null : Number(body.estimatedAprBps),
    lastCheckpoint: body.lastCheckpoint ? { epoch: big(body.lastCheckpoint.epoch), submittedAt: Number(body.lastCheckpoint.submittedAt) } : null,
  };
}

type Point = { x: string; y: string };
type SignatureJson = { sigma: Point; apkG2: { x: [string, string]; y: [string, string] }; nonSigners: string[]; nonSignerY: string[] };

/** Asks the network to sign the exit of `nodeId` (409 with a reason when it will not yet). */
export async function requestExitSignature(base: string | undefined, nodeId: bigint): Promise<ExitSignature> {
  const body = await call<{ signedAt: string; signature: SignatureJson }>(base, `api/exits/${nodeId}/signature`, { method: 'POST' });
  const s = body.signature;
  return {
    signedAt: big(body.signedAt),
    signature: {
      sigma: { x: big(s.sigma.x), y: big(s.sigma.y) },
      apkG2: { x: [big(s.apkG2.x[0]), big(s.apkG2.x[1])], y: [big(s.apkG2.y[0]), big(s.apkG2.y[1])] },
      nonSigners: s.nonSigners.map(big),
      nonSignerY: s.nonSignerY.map(big),
    } as NetworkSignatureArgs,
  };
}
