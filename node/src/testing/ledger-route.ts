/**
 * GET /ledger/root: this node's ledger checkpoint as of its height, or, with ?block=N, the
 * checkpoint root at exactly block N — the ledger test's common block. A node that has not
 * reached N answers 409 "behind": it can not claim a future block, and it can not be ahead
 * of the tester's question either, since the question names the block.
 */
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import { reply, route, type Route } from '../../../core/http/server.ts';
import { LEDGER_ROOT_PATH } from './checks.ts';

const BLOCK = /^(0|[1-9][0-9]{0,15})$/;

export function ledgerRootRoute(network: NetworkConsumer): Route {
  return route('GET', LEDGER_ROOT_PATH, ({ query }) => {
    const v = network.view();
    const asked = query.get('block');
    if (asked === null) {
      const c = network.checkpointAt(v.height);
      return { ledgerBlock: v.height, checkpointBlock: c.block, root: c.root, total: c.total.toString(), released: c.released.toString(), leaves: c.leaves, lastEpoch: (v.state.lastCheckpoint?.epoch ?? 0n).toString() };
    }
    if (!BLOCK.test(asked) || !Number.isSafeInteger(Number(asked))) return reply(400, { error: 'invalid_param', reason: 'block: expected a block number (a non-negative integer)' });
    const block = Number(asked);
    if (block > v.height) return reply(409, { error: 'behind', reason: `this node has processed blocks up to ${v.height}, not yet ${block}`, height: v.height });
    const c = network.checkpointAt(block);
    return { block, height: v.height, checkpointBlock: c.block, root: c.root, total: c.total.toString(), leaves: c.leaves };
  });
}
