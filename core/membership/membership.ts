/**
 * Membership wiring shared by the node and the gateway: the directory (persisted in the data
 * dir), the announcement gossip (seeded from the deployments file's seedNodes and any extra
 * seeds), its routes and metrics, and, for a node, its own announcer. A gateway runs the same
 * without an identity: it learns and relays announcements but never announces itself.
 */
import { join } from 'node:path';
import type { Address } from 'viem';
import type { Deployments } from '../../sdk/src/deployments.ts';
import { announcementUrl, type Announcement } from '../../sdk/src/network/announcement.ts';
import { membershipRules, type MembershipRules } from '../../sdk/src/network/rules.ts';
import type { Metrics } from '../http/metrics.ts';
import type { Route } from '../http/server.ts';
import type { NetworkConsumer } from '../state/consumer.ts';
import type { Ed25519Identity } from '../keys/ed25519.ts';
import { createAnnouncer, type Announcer } from './announcer.ts';
import { createDirectory, type Directory } from './directory.ts';
import { createGossip, type Gossip } from './gossip.ts';
import { membershipRoutes } from './routes.ts';

export const ANNOUNCEMENTS_FILE = 'announcements.json';

export type Membership = {
  rules: MembershipRules;
  directory: Directory;
  gossip: Gossip<Announcement>;
  routes: Route[];
  announcer: () => Announcer | undefined;
  addGauges: (metrics: Metrics) => void;
  /** Reloads the persisted directory, pulls from the seeds, and (a node) announces itself. Call after the first chain sync. */
  start: (options?: { announce?: { host: string; port: number; software: string } }) => Promise<void>;
  stop: () => void;
};

export function startMembership(options: {
  deployments: Deployments;
  network: Pick<NetworkConsumer, 'view'>;
  contract: Address;
  dataDir: string;
  /** A node's identity; absent for a gateway. */
  identity?: Ed25519Identity;
  extraSeeds?: readonly string[];
  log: (line: string) => void;
}): Membership {
  const rules = membershipRules(options.deployments);
  const directory = createDirectory({
    network: options.network,
    chainId: options.deployments.chainId,
    contract: options.contract,
    rules,
    file: join(options.dataDir, ANNOUNCEMENTS_FILE),
    log: options.log,
  });
  let announcer: Announcer | undefined;
  const self = () => {
    const own = announcer?.current();
    return own ? announcementUrl(own) : undefined;
  };
  const gossip = createGossip<Announcement>({
    path: '/network/announcements',
    pushPath: '/network/announce',
    field: 'announcements',
    keyOf: (a) => a.ed25519PublicKey,
    offer: directory.offer,
    peers: () => [...directory.urls().values()],
    seeds: [...(options.deployments.seedNodes ?? []), ...(options.extraSeeds ?? [])],
    self,
    fanout: rules.gossipFanout,
    antiEntropySec: rules.antiEntropySec,
    log: options.log,
    digest: { path: '/network/announcements/digest', local: directory.digest },
  });

  return {
    rules,
    directory,
    gossip,
    routes: membershipRoutes({ directory, gossip }),
    announcer: () => announcer,
    addGauges(metrics) {
      metrics.gauge('membership_announcements', 'Valid announcements in the directory', () => directory.list().length);
      const c = gossip.counters;
      metrics.gauge('membership_gossip_sent', 'Announcement pushes a peer accepted (since start)', () => c().sent);
      metrics.gauge('membership_gossip_received', 'Announcements offered to us by pushes and pulls (since start)', () => c().received);
      metrics.gauge('membership_gossip_refused', 'Announcements refused (since start)', () => c().refused);
      metrics.gauge('membership_gossip_dropped', 'Announcement pushes dropped: queue full (since start)', () => c().dropped);
      metrics.gauge('membership_gossip_failed', 'Announcement pushes and pulls that failed (since start)', () => c().failed);
      metrics.gauge('membership_gossip_pulls_in_sync', 'Anti-entropy pulls whose peer digest equalled ours: nothing fetched (since start)', () => c().pullsInSync);
      metrics.gauge('membership_gossip_pulled_items', 'Announcements fetched by anti-entropy pulls (since start)', () => c().pulledItems);
    },
    async start(startOptions = {}) {
      const loaded = directory.load();
      if (loaded.kept + loaded.refused > 0) options.log(`membership: reloaded ${loaded.kept} announcements (${loaded.refused} no longer valid)`);
      const fresh = await gossip.bootstrap();
      options.log(`membership: bootstrap learnt ${fresh} announcements; ${directory.list().length} known`);
      if (startOptions.announce && options.identity) {
        announcer = createAnnouncer({
          identity: options.identity,
          chainId: options.deployments.chainId,
          contract: options.contract,
          ...startOptions.announce,
          rules,
          directory,
          gossip,
          log: options.log,
        });
        announcer.announce(true);
        announcer.start();
      }
      gossip.start();
    },
    stop() {
      announcer?.stop();
      gossip.stop();
      directory.flush();
    },
  };
}
