/**
 * Name routes of the session node's HTTP API:
 *   GET /names/:name               → { name, accountId, expiry }   (404 name_not_found)
 *   GET /names/reverse/:accountId  → { accountId, name, verified }  (404 no_primary_name)
 * Input is checked before any chain read; a bad name or account ID is a 400 saying why.
 */
import type { PublicClient } from 'viem';
import type { Deployments } from '../../../sdk/src/deployments.ts';
import { InvalidAccountIdError } from '../../../sdk/src/names/accountId.ts';
import { InvalidNameError, MAX_NAME_LENGTH, normaliseName } from '../../../sdk/src/names/rules.ts';
import { HttpError, badRequest } from '../../../core/http/errors.ts';
import { route, type Route } from '../../../core/http/server.ts';
import { parseParam, string } from '../../../core/http/validate.ts';
import { nameHandlers } from './resolve.ts';

/** 66 hex digits: the shape of a Session account ID (the sdk checks the rest). */
export const accountIdParam = string({ min: 66, max: 66, pattern: /^[0-9a-fA-F]{66}$/, what: 'a Session account ID (05 + 64 hex digits)' });
const nameParam = string({ min: 1, max: MAX_NAME_LENGTH, what: `a Session name (1–${MAX_NAME_LENGTH} bytes)` });

/** Turns the sdk's typed input errors into 400s; everything else passes through. */
export function asBadRequest(error: unknown): never {
  if (error instanceof InvalidNameError) throw badRequest(error.message, 'invalid_name');
  if (error instanceof InvalidAccountIdError) throw badRequest(error.message, 'invalid_account_id');
  throw error;
}

export function nameRoutes(client: PublicClient, deployments: Deployments): Route[] {
  const handlers = nameHandlers(client, deployments);
  return [
    route('GET', '/names/reverse/:accountId', async ({ params }) => {
      const accountId = parseParam(accountIdParam, params.accountId, 'accountId');
      const answer = await handlers.reverse(accountId).catch(asBadRequest);
      if (!answer.name) throw new HttpError(404, 'no_primary_name', `account ${answer.accountId} has no primary name; its name owner can set one with names set-record --primary`);
      return answer;
    }),
    route('GET', '/names/:name', async ({ params }) => {
      const raw = parseParam(nameParam, params.name, 'name');
      try {
        normaliseName(raw);
      } catch (error) {
        asBadRequest(error);
      }
      const answer = await handlers.resolve(raw).catch(asBadRequest);
      if (!answer.accountId) throw new HttpError(404, 'name_not_found', `"${answer.name}" does not resolve: not registered, expired, or no account ID set`);
      return answer;
    }),
  ];
}
