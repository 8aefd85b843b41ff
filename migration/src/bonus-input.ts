/**
 * Feeds the simulated network to the Service Node Bonus engine (programs/bonus): the node
 * and ETH-address registrations, and hourly service-node snapshots for the last
 * BONUS_WINDOW_HOURS before the Anchor hardfork (where the program closes). A contributor's
 * registered flag is set when their ETH address was registered by the hardfork (addresses
 * freeze there).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../programs/lib/io.ts';
import type { MigrationConfig } from './config.ts';
import { isRegistered } from './plan.ts';
import type { Snapshot } from './snapshot.ts';

export const BONUS_WINDOW_HOURS = 72;

export function writeBonusInput(snapshot: Snapshot, config: MigrationConfig, dir: string): { registrations: string; snapshots: string } {
  const hardfork = config.times['anchor.hardfork'];
  const first = hardfork - BONUS_WINDOW_HOURS * 3600;
  const live = snapshot.nodes.filter((n) => n.registeredAt < hardfork - 3600);
  const rows = ['time,node,active,contributors'];
  for (let t = first; t < hardfork; t += 3600) {
    for (const node of live) {
      if (node.registeredAt > t) continue;
      const list = node.contributors.map((c) => `${isRegistered(c, config) ? c.eth : ''}:${c.oxen}:${isRegistered(c, config) ? 1 : 0}`).join(';');
      rows.push(`${t},${node.id},1,${list}`);
    }
  }
  const registrations = ['kind,id,registered_at'];
  for (const node of live) if (node.registeredAt <= hardfork - 3600) registrations.push(`node,${node.id},${node.registeredAt}`);
  const addresses = new Map<string, number>();
  for (const node of snapshot.nodes) for (const c of node.contributors) if (isRegistered(c, config)) addresses.set(c.eth!, c.ethRegisteredAt!);
  for (const [eth, at] of [...addresses].sort(([a], [b]) => (a < b ? -1 : 1))) registrations.push(`address,${eth},${at}`);
  const files = { registrations: join(dir, 'registrations.csv'), snapshots: join(dir, 'snapshots.csv') };
  writeFileAtomic(files.registrations, `${registrations.join('\n')}\n`);
  writeFileAtomic(files.snapshots, `${rows.join('\n')}\n`);
  return files;
}
