/**
 * The Prometheus gauges every chain follower exposes (the session node and the gateway alike):
 * how far it has followed the chain, whether it is following it, what it had to skip, and the
 * network as the chain describes it. Read at scrape time from the follower's own state.
 */
import type { Metrics } from '../http/metrics.ts';
import type { TrackerStatus } from '../chain/tracker.ts';
import type { NetworkConsumer } from './consumer.ts';
import { isActive } from './network-state.ts';

export function addFollowerGauges(metrics: Metrics, source: { status: () => TrackerStatus; network: NetworkConsumer; connectionOk: () => boolean }): void {
  const { status, network } = source;
  metrics.gauge('chain_height', 'Highest block processed', () => status().height);
  metrics.gauge('chain_head', 'Chain head at the last poll', () => status().head ?? Number.NaN);
  metrics.gauge('chain_ok', '1 while following the chain (last poll and consumer fine, connection not stalled), else 0', () => {
    const s = status();
    return !s.lastError && !s.consumerError && source.connectionOk() ? 1 : 0;
  });
  metrics.gauge('chain_reorgs', 'Reorgs seen since the process started', () => status().reorgs);
  metrics.gauge('chain_anomalies', 'Chain events skipped because the state machine could not apply them', () => network.view().state.anomalies.count);
  metrics.gauge('active_nodes', 'Nodes in the network key (running or exit requested), as the chain says', () => {
    let n = 0;
    for (const node of network.view().state.nodes.values()) if (isActive(node)) n++;
    return n;
  });
  metrics.gauge('last_epoch', 'Epoch of the latest authorised reward checkpoint (0: none yet)', () => Number(network.view().state.lastCheckpoint?.epoch ?? 0n));
}
