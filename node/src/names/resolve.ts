/**
 * Name resolution handlers for the session node's HTTP API (the daemon mounts them later):
 * `GET /names/:name` → account ID, and `GET /names/reverse/:accountId` → primary name.
 * They read the chain through viem; bad input throws the sdk's typed errors.
 */
import type { PublicClient } from 'viem';
import type { Deployments } from '../../../sdk/src/deployments.ts';
import { parseAccountId } from '../../../sdk/src/names/accountId.ts';
import { lookupName, reverseLookup } from '../../../sdk/src/names/read.ts';

export type NameAnswer = { name: string; accountId: string | null; expiry: number };
export type ReverseAnswer = { accountId: string; name: string | null };

export function nameHandlers(client: PublicClient, deployments: Deployments) {
  return {
    async resolve(name: string): Promise<NameAnswer> {
      const info = await lookupName(client, deployments, name);
      return { name: info.name, accountId: info.accountId ?? null, expiry: Number(info.expiry) };
    },
    async reverse(accountId: string): Promise<ReverseAnswer> {
      parseAccountId(accountId);
      return { accountId: accountId.trim().toLowerCase(), name: (await reverseLookup(client, deployments, accountId)) ?? null };
    },
  };
}
