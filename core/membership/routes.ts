/**
 * The membership routes, served by nodes and gateways alike:
 *   GET  /network/announcements → { announcements: Announcement[] } (every valid entry)
 *   POST /network/announce      (one Announcement as the body)
 *        → 200 { accepted: true, fresh: true }  new or newer: kept and gossiped on
 *        → 200 { accepted: true, fresh: false } valid but not newer than ours (gossip
 *          delivers duplicates all the time, so this is no error)
 *        → 400 { error: 'announcement_refused', reason } malformed, wrong chain/contract,
 *          bad signature, unregistered key, expired or future timestamp; nothing changes.
 * Senders may name their own base URL in `x-gossip-from` so it is not pushed back to them.
 */
import { HttpError } from '../http/errors.ts';
import { route, type Route } from '../http/server.ts';
import type { Announcement } from '../../sdk/src/network/announcement.ts';
import type { Directory } from './directory.ts';
import type { Gossip } from './gossip.ts';

export function membershipRoutes(options: { directory: Pick<Directory, 'list'>; gossip: Pick<Gossip<Announcement>, 'receive'> }): Route[] {
  return [
    route('GET', '/network/announcements', () => ({ announcements: options.directory.list() })),
    route('POST', '/network/announce', (request) => {
      if (request.body === undefined) throw new HttpError(400, 'announcement_refused', 'send one announcement as the JSON body');
      const from = request.headers['x-gossip-from'];
      const outcome = options.gossip.receive(request.body, typeof from === 'string' && from.length < 300 ? from : undefined);
      if (!outcome.accepted) throw new HttpError(400, 'announcement_refused', outcome.reason);
      return { accepted: true, fresh: outcome.fresh };
    }),
  ];
}
