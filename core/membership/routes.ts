/**
 * The membership routes, served by nodes and gateways alike:
 *   GET  /network/announcements → { announcements: Announcement[] } (every valid entry)
 *   GET  /network/announcements?buckets=3,17 → only the entries in those digest buckets
 *        (400 bad_buckets with a reason for anything but distinct bucket numbers)
 *   GET  /network/announcements/digest → { buckets, digest } (digest.ts: anti-entropy pulls
 *        compare it with their own and fetch only the buckets that differ)
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
import { DIGEST_BUCKETS, parseBucketQuery } from './digest.ts';

export function membershipRoutes(options: { directory: Pick<Directory, 'list' | 'digest' | 'inBuckets'>; gossip: Pick<Gossip<Announcement>, 'receive'> }): Route[] {
  return [
    route('GET', '/network/announcements', ({ query }) => {
      const parsed = parseBucketQuery(query.get('buckets'));
      if (!parsed.ok) throw new HttpError(400, 'bad_buckets', parsed.reason);
      return { announcements: parsed.buckets ? options.directory.inBuckets(parsed.buckets) : options.directory.list() };
    }),
    route('GET', '/network/announcements/digest', () => ({ buckets: DIGEST_BUCKETS, digest: options.directory.digest() })),
    route('POST', '/network/announce', (request) => {
      if (request.body === undefined) throw new HttpError(400, 'announcement_refused', 'send one announcement as the JSON body');
      const from = request.headers['x-gossip-from'];
      const outcome = options.gossip.receive(request.body, typeof from === 'string' && from.length < 300 ? from : undefined);
      if (!outcome.accepted) throw new HttpError(400, 'announcement_refused', outcome.reason);
      return { accepted: true, fresh: outcome.fresh };
    }),
  ];
}
