/**
 * Swarm sizes: how many nodes a swarm should have and the fewest it may have. Every node and
 * client must use the same numbers for the same chain, so they come from the deployments file
 * (its optional `storage` field overrides the real network's), like the membership rules.
 *
 * The real network's numbers are the anchor's (oxen-core service_node_rules.h):
 * MIN_SWARM_SIZE = 5 (a swarm with fewer is unhealthy and is dissolved) and
 * IDEAL_SWARM_SIZE = MIN_SWARM_SIZE + IDEAL_SWARM_MARGIN = 7 (new swarms are made this big).
 * The devnet runs 10 nodes that must make 2 swarms, so it uses ideal 5, min 3.
 */
import type { Deployments } from '../deployments.ts';

export type StorageRules = {
  /** The size swarms are aimed at: the swarm count is about activeNodes / idealSwarmSize (real 7). */
  idealSwarmSize: number;
  /** No swarm is smaller than this while the network has at least this many active nodes (real 5). */
  minSwarmSize: number;
};

export const STORAGE_RULES: StorageRules = Object.freeze({ idealSwarmSize: 7, minSwarmSize: 5 });

/** The devnet's 10 nodes make 2 swarms of 5; a swarm survives losing 2 of them. */
export const DEVNET_STORAGE_RULES: StorageRules = Object.freeze({ idealSwarmSize: 5, minSwarmSize: 3 });

export class StorageRulesError extends Error {
  override name = 'StorageRulesError';
}

const KEYS = Object.keys(STORAGE_RULES) as (keyof StorageRules)[];
/** Above this a "swarm" would be a second network; a typo (70 for 7) should be refused, not obeyed. */
const MAX_SWARM_SIZE = 1_000;

/**
 * Checks a partial override (as found in a deployments file): known keys, integers from 1 to
 * 1,000. Returns a clean copy; throws saying which key to fix.
 */
export function validateStorageOverrides(value: unknown, source = 'storage'): Partial<StorageRules> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StorageRulesError(`${source}: expected an object of rule name → positive integer (known rules: ${KEYS.join(', ')})`);
  }
  const out: Partial<StorageRules> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(KEYS as string[]).includes(key)) throw new StorageRulesError(`${source}.${key}: unknown rule (known rules: ${KEYS.join(', ')})`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0 || v > MAX_SWARM_SIZE) {
      throw new StorageRulesError(`${source}.${key}: must be an integer from 1 to ${MAX_SWARM_SIZE}, got ${JSON.stringify(v)}`);
    }
    out[key as keyof StorageRules] = v;
  }
  return out;
}

/** Cross-rule consistency: the minimum can not exceed the ideal, or no swarm count satisfies both. */
export function checkStorageRules(r: StorageRules, source = 'storage'): StorageRules {
  if (r.minSwarmSize > r.idealSwarmSize) {
    throw new StorageRulesError(`${source}: minSwarmSize (${r.minSwarmSize}) can not exceed idealSwarmSize (${r.idealSwarmSize})`);
  }
  return r;
}

/** The storage rules of a deployment: STORAGE_RULES overridden by `d.storage` (validated). */
export function storageRules(d: Pick<Deployments, 'storage'>): StorageRules {
  const overrides = d.storage === undefined ? {} : validateStorageOverrides(d.storage);
  return checkStorageRules({ ...STORAGE_RULES, ...overrides });
}
