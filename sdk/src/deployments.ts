/**
 * The deployments file: one per chain, the only place contract addresses come from.
 *
 * deployments/<network>.json = { chainId, rpcUrl, deployBlock, contracts: { Name: address } , ... }
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { getAddress, isAddress, type Address } from 'viem';
import { MembershipRulesError, validateMembershipOverrides, type MembershipRules } from './network/rules.ts';
import { checkStorageRules, STORAGE_RULES, StorageRulesError, validateStorageOverrides, type StorageRules } from './storage/rules.ts';

export type Deployments = {
  network: string;
  chainId: number;
  rpcUrl: string;
  deployBlock: number;
  contracts: Record<string, Address>;
  /** Set by the devnet once the gateway runs. */
  gatewayUrl?: string;
  /** Set by the devnet once the portal is served. */
  portalUrl?: string;
  /**
   * A block explorer's base URL ending in "/" (transactions at `tx/<hash>`, addresses at
   * `address/<addr>`); absent on the devnet, which has none.
   */
  explorerUrl?: string;
  /** HTTP base URLs of a few nodes to bootstrap the announcement directory from. */
  seedNodes?: string[];
  /** Overrides of the real-network membership rules (the devnet writes its short ones). */
  membership?: Partial<MembershipRules>;
  /** Overrides of the real-network swarm sizes (the devnet writes its smaller ones). */
  storage?: Partial<StorageRules>;
};

export class DeploymentsError extends Error {
  override name = 'DeploymentsError';
}

/** Reads and validates a deployments file. */
export function readDeployments(path: string): Deployments {
  if (!existsSync(path)) {
    throw new DeploymentsError(`no deployments file at ${path}: deploy first (npm run deploy -- --help) or start the devnet (npm run devnet)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DeploymentsError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return validateDeployments(parsed, path);
}

export function validateDeployments(value: unknown, source = 'deployments'): Deployments {
  const d = value as Partial<Deployments>;
  if (typeof d !== 'object' || d === null) throw new DeploymentsError(`${source}: expected a JSON object`);
  if (!Number.isSafeInteger(d.chainId) || (d.chainId as number) <= 0) throw new DeploymentsError(`${source}: chainId must be a positive integer`);
  if (typeof d.rpcUrl !== 'string') throw new DeploymentsError(`${source}: rpcUrl must be a string`);
  if (!Number.isSafeInteger(d.deployBlock) || (d.deployBlock as number) < 0) throw new DeploymentsError(`${source}: deployBlock must be a block number`);
  if (typeof d.contracts !== 'object' || d.contracts === null) throw new DeploymentsError(`${source}: contracts must be an object of name → address`);
  const contracts: Record<string, Address> = {};
  for (const [name, address] of Object.entries(d.contracts)) {
    if (typeof address !== 'string' || !isAddress(address)) throw new DeploymentsError(`${source}: contracts.${name} is not an address: ${String(address)}`);
    contracts[name] = getAddress(address);
  }
  const out: Deployments = { ...(d as Deployments), network: d.network ?? 'unknown', contracts };
  if (d.seedNodes !== undefined) out.seedNodes = validateSeedNodes(d.seedNodes, source);
  if (d.membership !== undefined) {
    try {
      out.membership = validateMembershipOverrides(d.membership, `${source}: membership`);
    } catch (error) {
      if (error instanceof MembershipRulesError) throw new DeploymentsError(error.message);
      throw error;
    }
  }
  if (d.storage !== undefined) {
    try {
      out.storage = validateStorageOverrides(d.storage, `${source}: storage`);
      checkStorageRules({ ...STORAGE_RULES, ...out.storage }, `${source}: storage`);
    } catch (error) {
      if (error instanceof StorageRulesError) throw new DeploymentsError(error.message);
      throw error;
    }
  }
  return out;
}

const MAX_SEED_NODES = 64;

/** Seed nodes are plain http(s) base URLs (no credentials, query or fragment): they are fetched, not trusted. */
function validateSeedNodes(value: unknown, source: string): string[] {
  if (!Array.isArray(value)) throw new DeploymentsError(`${source}: seedNodes must be an array of http(s) URLs, e.g. ["http://203.0.113.5:22020"]`);
  if (value.length > MAX_SEED_NODES) throw new DeploymentsError(`${source}: seedNodes has ${value.length} entries; a few (at most ${MAX_SEED_NODES}) are enough`);
  return value.map((entry, i) => {
    const where = `${source}: seedNodes[${i}]`;
    if (typeof entry !== 'string') throw new DeploymentsError(`${where} must be a string URL, got ${JSON.stringify(entry)}`);
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new DeploymentsError(`${where} is not a URL: ${JSON.stringify(entry)} (expected e.g. http://203.0.113.5:22020)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DeploymentsError(`${where} must use http or https, not ${url.protocol}`);
    if (url.username || url.password || url.search || url.hash) throw new DeploymentsError(`${where} must be a plain base URL without credentials, query or fragment`);
    return entry.replace(/\/+$/, '');
  });
}

/** Returns a contract's address or says which deployment lacks it. */
export function contractAddress(deployments: Deployments, name: string): Address {
  const address = deployments.contracts[name];
  if (!address) throw new DeploymentsError(`the ${deployments.network} deployment (chain ${deployments.chainId}) has no ${name} contract`);
  return address;
}

/** Writes a deployments file atomically (write to a temp file, then rename), so a crash never leaves half a file. */
export function writeDeployments(path: string, deployments: Deployments): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(deployments, null, 2)}\n`);
  renameSync(temp, path);
}

/** Merges fields into an existing deployments file (e.g. gatewayUrl), keeping the rest. */
export function updateDeployments(path: string, patch: Partial<Deployments>): Deployments {
  const next = { ...readDeployments(path), ...patch };
  writeDeployments(path, next);
  return next;
}
