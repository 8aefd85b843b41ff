/**
 * A node's own announcement: signed at start (so a restart on a new address is announced at
 * once; the newer timestamp wins everywhere, no waiting for expiry), re-signed every
 * announceIntervalSec, and pushed again after 1, 2, 4 … s and then every antiEntropySec (to
 * `fanout` random peers and seeds), so a push lost at start (peers not up yet, or our registration not yet on their
 * chain view) is repaired within one anti-entropy period.
 *
 * Timestamps only grow: a new one is at least one second after any we signed or the
 * directory holds for our key (two restarts within a second still order).
 */
import type { Address, Hex } from 'viem';
import { signAnnouncement, type Announcement } from '../../sdk/src/network/announcement.ts';
import type { MembershipRules } from '../../sdk/src/network/rules.ts';
import type { Directory } from './directory.ts';
import type { Gossip } from './gossip.ts';

export type Announcer = {
  /** Signs (if due) and publishes; returns the current announcement. */
  announce: (forceSign?: boolean) => Announcement;
  current: () => Announcement | undefined;
  start: () => void;
  stop: () => void;
};

export function createAnnouncer(options: {
  identity: { secretKey: Uint8Array; nodeId: Hex };
  chainId: number;
  contract: Address;
  host: string;
  port: number;
  software: string;
  rules: Pick<MembershipRules, 'announceIntervalSec' | 'antiEntropySec'>;
  directory: Pick<Directory, 'of'>;
  gossip: Pick<Gossip<Announcement>, 'publish'>;
  now?: () => number;
  log?: (line: string) => void;
}): Announcer {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  let current: Announcement | undefined;
  let lastRefusal: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const sign = () => {
    const floor = Math.max(current?.timestamp ?? 0, options.directory.of(options.identity.nodeId)?.timestamp ?? 0) + 1;
    current = signAnnouncement(
      { chainId: options.chainId, contract: options.contract, ed25519PublicKey: options.identity.nodeId, host: options.host, httpPort: options.port, software: options.software, timestamp: Math.max(now(), floor) },
      options.identity.secretKey,
    );
    return current;
  };

  const announce = (forceSign = false) => {
    const held = options.directory.of(options.identity.nodeId);
    const due = !current || forceSign || now() - current.timestamp >= options.rules.announceIntervalSec || (held !== undefined && held.timestamp > current.timestamp);
    const a = due ? sign() : current!;
    const outcome = options.gossip.publish(a, true);
    if (!outcome.accepted) {
      // Typically: not registered (or not yet on our chain view). Said once, not every period.
      if (outcome.reason !== lastRefusal) options.log?.(`membership: our own announcement is not accepted yet: ${outcome.reason}`);
      lastRefusal = outcome.reason;
    } else if (lastRefusal !== undefined || due) {
      lastRefusal = undefined;
      if (due) options.log?.(`membership: announced ${a.host}:${a.httpPort} (timestamp ${a.timestamp})`);
    }
    return a;
  };

  return {
    announce,
    current: () => current,
    start() {
      const periodMs = Math.min(options.rules.antiEntropySec, options.rules.announceIntervalSec) * 1000;
      // Pushed again after 1, 2, 4 … s (peers starting with us may have missed the first),
      // then every period.
      const next = (delayMs: number) => {
        timer = setTimeout(() => {
          if (stopped) return;
          try {
            announce();
          } catch (error) {
            options.log?.(`membership: announcing failed: ${(error as Error).message}`);
          }
          next(Math.min(delayMs * 2, periodMs));
        }, delayMs);
        timer.unref();
      };
      stopped = false;
      next(Math.min(1_000, periodMs));
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
