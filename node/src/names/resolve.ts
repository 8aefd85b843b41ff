/**
 * Name resolution handlers for the session node's HTTP API (the daemon mounts them later):
 * `GET /names/:name` → account ID, and `GET /names/reverse/:accountId` → primary name.
 * They read the chain through viem; bad input throws the sdk's typed errors.
 */
import type { PublicClient } from 'viem';
import type { Deployments } from '../../../sdk/src/deployments.ts';
import { parseAccountId } from '../../../sdk/src/names/accountId.ts';
import { lookupName } from '../../../sdk/src/names/read.ts';
import { primaryNameInfo } from '../../../sdk/src/names/primary.ts';

export type NameAnswer = { name: string; accountId: string | null; expiry: number };
/** `verified`: the account itself signed the choice of primary name (else only the name's owner asserts it). */
export type ReverseAnswer = { accountId: string; name: string | null; verified: boolean };

export function nameHandlers(client: PublicClient, deployments: Deployments) {
  return {
    async resolve(name: string): Promise<NameAnswer> {
      const info = await lookupName(client, deployments, name);
      return { name: info.name, accountId: info.accountId ?? null, expiry: Number(info.expiry) };
    },
    async reverse(accountId: string): Promise<ReverseAnswer> {
      parseAccountId(accountId);
      const info = await primaryNameInfo(client, deployments, accountId);
      return { accountId: accountId.trim().toLowerCase(), name: info.name ?? null, verified: info.verified };
    },
  };
}
