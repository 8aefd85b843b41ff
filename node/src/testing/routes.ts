/**
 * Testing routes, open to anyone:
 *   GET  /network/reports?node=ID  the signed reports this node holds about ID (the window);
 *                                  without ?node, the failures and reports about decommissioned nodes (gossip pull)
 *   POST /network/reports          one signed report (gossip push); 400 with the reason if refused
 *   GET  /network/tests            this node's targets, its testers, its last results, counters,
 *                                  and whom it would deregister now (with the ground)
 *   GET  /network/commission       this node's commission proposal with its evidence
 */
import { reply, route, type Route } from '../../../core/http/server.ts';
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import type { OfferOutcome, ReportStore, AssignmentBook } from './reports.ts';
import type { Ladder } from './ladder.ts';
import type { TestingLoop } from './loop.ts';
import { periodOf } from './assignment.ts';

const NODE_ID = /^[1-9][0-9]{0,19}$/;

export function testingRoutes(o: {
  network: NetworkConsumer;
  store: ReportStore;
  book: AssignmentBook;
  ladder: Ladder;
  loop: TestingLoop;
  testPeriodSec: number;
  /** A pushed report (the gossip's receive, which offers it to the store and forwards it if fresh). */
  receive?: (report: unknown, from?: string) => OfferOutcome;
  chainNow: () => Promise<number>;
  now?: () => number;
}): Route[] {
  const now = o.now ?? (() => Date.now() / 1000);
  return [
    route('GET', '/network/reports', ({ query }) => {
      const node = query.get('node');
      // Without ?node: what gossip pulls (anti-entropy): the reports worth spreading.
      if (node === null) return { reports: o.store.worthGossip() };
      if ( !NODE_ID.test(node) || BigInt(node) >= 2n ** 64n) return reply(400, { error: 'invalid_param', reason: 'node: expected a node id (decimal, 1 … 2^64−1), e.g. /network/reports?node=3' });
      return { node, reports: o.store.about(BigInt(node)) };
    }),
    route('POST', '/network/reports', ({ body, headers }) => {
      const from = typeof headers['x-gossip-from'] === 'string' ? headers['x-gossip-from'] : undefined;
      const outcome = (o.receive ?? o.store.offer)(body, from);
      if (!outcome.accepted) return reply(400, { error: 'report_refused', reason: outcome.reason });
      return outcome;
    }),
    route('GET', '/network/tests', async () => {
      const period = periodOf(now(), o.testPeriodSec);
      const me = o.loop.self();
      const a = o.book.at(period);
      const chainNow = BigInt(await o.chainNow().catch(() => o.network.view().time));
      const deregistration = [...o.network.view().state.nodes.values()].flatMap((n) => {
        const ground = o.ladder.deregistrationGround(n, chainNow);
        return ground ? [{ nodeId: n.nodeId.toString(), reason: ground }] : [];
      });
      return {
        self: me?.toString() ?? null,
        period,
        seed: a.seed,
        testersPerNode: a.k,
        targets: me === null ? [] : a.targetsOf(me).map(String),
        testers: me === null ? [] : a.testersOf(me).map(String),
        last: Object.fromEntries(o.loop.last()),
        judgment: me === null ? null : o.ladder.judgmentOf(me),
        counters: o.loop.counters(),
        reportsHeld: o.store.size(),
        deregistration,
      };
    }),
    route('GET', '/network/commission', () => o.ladder.proposal()),
  ];
}
