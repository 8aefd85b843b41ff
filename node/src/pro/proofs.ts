/**
 * Pro proof issuing for the session node's HTTP API (the daemon mounts it later). Pure apart
 * from one chain read: given an account ID, it reads SessionPro.expiryOf and, if active,
 * signs { accountId, expiresAt = min(expiry, now + TTL), issuedAt } with the node's ed25519
 * key. The proof carries no payer, transaction or amount.
 */
import type { PublicClient } from 'viem';
import { SessionPro } from '../../../sdk/src/generated/contracts.ts';
import { contractAddress, type Deployments } from '../../../sdk/src/deployments.ts';
import { parseAccountId } from '../../../sdk/src/names/accountId.ts';
import { signProProof, type ProProof } from '../../../sdk/src/pro/proof.ts';

/** Default proof lifetime: one hour. */
export const DEFAULT_PRO_PROOF_TTL = 3600;

export type IssueProProofInput = {
  accountId: string;
  /** Subscription expiry read from the chain (unix seconds). */
  subscriptionExpiry: number;
  now: number;
  ttl?: number;
  chainId: number;
  pro: `0x${string}`;
  nodeSecretKey: Uint8Array;
};

export class NoActiveProError extends Error {
  override name = 'NoActiveProError';
}

/** Issues a proof, or throws NoActiveProError when the subscription is not active at `now`. */
export function issueProProof(input: IssueProProofInput): ProProof {
  parseAccountId(input.accountId); // throws InvalidAccountIdError with the reason
  if (input.subscriptionExpiry <= input.now) {
    throw new NoActiveProError(`account ${input.accountId} has no active Pro subscription (expired at ${input.subscriptionExpiry})`);
  }
  const ttl = input.ttl ?? DEFAULT_PRO_PROOF_TTL;
  return signProProof(
    {
      accountId: input.accountId.trim().toLowerCase(),
      issuedAt: input.now,
      expiresAt: Math.min(input.subscriptionExpiry, input.now + ttl),
      chainId: input.chainId,
      pro: input.pro,
    },
    input.nodeSecretKey,
  );
}

export type ProProofHandlerDeps = {
  client: PublicClient;
  deployments: Deployments;
  nodeSecretKey: Uint8Array;
  ttl?: number;
  /** Unix seconds; defaults to the latest block's timestamp (the chain's clock). */
  now?: () => Promise<number>;
};

/** A handler for `GET /pro/proof/:accountId`: reads the chain and issues a proof. */
export function proProofHandler(deps: ProProofHandlerDeps): (accountId: string) => Promise<ProProof> {
  const pro = contractAddress(deps.deployments, 'SessionPro');
  return async (accountId) => {
    const key = parseAccountId(accountId);
    const [expiry, now] = await Promise.all([
      deps.client.readContract({ address: pro, abi: SessionPro.abi, functionName: 'expiryOf', args: [key] }),
      deps.now ? deps.now() : deps.client.getBlock().then((b) => Number(b.timestamp)),
    ]);
    return issueProProof({
      accountId,
      subscriptionExpiry: Number(expiry),
      now,
      ttl: deps.ttl,
      chainId: deps.deployments.chainId,
      pro,
      nodeSecretKey: deps.nodeSecretKey,
    });
  };
}
