/**
 * Session Pro routes of the session node's HTTP API:
 *   GET /pro/:accountId        → { accountId, expiry, active }  (status read from SessionPro)
 *   GET /pro/:accountId/proof  → a ProProof signed with the node's ed25519 identity key,
 *                                valid until min(expiry, now + TTL); 404 no_active_pro if the
 *                                subscription is absent or expired.
 * The clock is the chain's (latest block), so proofs agree with what the contract says.
 */
import type { PublicClient } from 'viem';
import type { Deployments } from '../../../sdk/src/deployments.ts';
import { proStatus } from '../../../sdk/src/pro/calls.ts';
import { HttpError } from '../../../core/http/errors.ts';
import { route, type Route } from '../../../core/http/server.ts';
import { parseParam } from '../../../core/http/validate.ts';
import { accountIdParam, asBadRequest } from '../names/routes.ts';
import { NoActiveProError, proProofHandler } from './proofs.ts';

export type ProRoutesDeps = {
  client: PublicClient;
  deployments: Deployments;
  nodeSecretKey: Uint8Array;
  /** Proof lifetime in seconds (default DEFAULT_PRO_PROOF_TTL). */
  ttl?: number;
  now?: () => Promise<number>;
};

export function proRoutes(deps: ProRoutesDeps): Route[] {
  const issue = proProofHandler(deps);
  return [
    route('GET', '/pro/:accountId', async ({ params }) => {
      const accountId = parseParam(accountIdParam, params.accountId, 'accountId');
      const status = await proStatus(deps.client, deps.deployments, accountId).catch(asBadRequest);
      return { accountId: status.accountId, expiry: Number(status.expiry), active: status.active };
    }),
    route('GET', '/pro/:accountId/proof', async ({ params }) => {
      const accountId = parseParam(accountIdParam, params.accountId, 'accountId');
      try {
        return await issue(accountId);
      } catch (error) {
        if (error instanceof NoActiveProError) throw new HttpError(404, 'no_active_pro', `${error.message}; buy or renew Pro first`);
        return asBadRequest(error);
      }
    }),
  ];
}
