/**
 * A deterministic generator of simulated Oxen networks (same seed → byte-identical file).
 * Nodes are staked at Oxen's full 15,000 OXEN by 1–4 contributors (operator ≥ 25%), with a
 * mix of fates: upgraded on time, recovered (upgraded in the week after the Anchor hardfork),
 * decommissioned, registered after the freeze, late for Landing, and contributors without a
 * (timely) ETH address.
 */
import { bytesToHex, getAddress, keccak256, toBytes, type Address } from 'viem';
import { WEEK, type MigrationConfig } from './config.ts';
import type { Contribution, OxenNode, Snapshot } from './snapshot.ts';

export const OXEN_STAKE = 15_000n * 10n ** 9n;
const DAY = 86_400;
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** keccak-based stream: reproducible on every platform, no Math.random. */
export function rng(seed: string): { bytes: () => Uint8Array; int: (n: number) => number; chance: (p: number) => boolean } {
  let counter = 0;
  const bytes = () => toBytes(keccak256(toBytes(`${seed}:${counter++}`)));
  const int = (n: number) => Number(BigInt(bytesToHex(bytes())) % BigInt(n));
  return { bytes, int, chance: (p: number) => int(1_000_000) < p * 1_000_000 };
}

export function generateSnapshot(config: MigrationConfig, options: { nodes: number; seed: string; testnet?: number }): Snapshot {
  const r = rng(options.seed);
  const t = config.times;
  const address = (): Address => getAddress(bytesToHex(r.bytes().slice(0, 20)));
  const oxenAddress = () => `L${Array.from({ length: 94 }, () => BASE58[r.int(58)]).join('')}`;
  const between = (from: number, to: number) => from + r.int(Math.max(1, to - from));
  const nodes: OxenNode[] = [];
  const registeredAt = new Map<Address, number>();
  const pool: Address[] = []; // ETH addresses reused across nodes, as real stakers do

  for (let i = 0; i < options.nodes; i++) {
    const id = bytesToHex(r.bytes()).slice(2);
    const fate = r.int(100);
    const frozenOut = fate < 3;
    const reg = frozenOut ? between(t['anchor.hardfork'], t['landing.upgrade']) : between(t.lighthouse - 180 * DAY, t['anchor.upgrade']);
    let anchor: number | null;
    if (fate < 70 || frozenOut) anchor = between(t['anchor.upgrade'], t['anchor.hardfork']);
    else if (fate < 82) anchor = between(t['anchor.hardfork'] + 1, t['anchor.hardfork'] + WEEK); // recovered
    else if (fate < 90) anchor = r.chance(0.5) ? null : between(t['anchor.hardfork'] + WEEK + 1, t['landing.upgrade']); // decommissioned
    else anchor = between(t['anchor.upgrade'], t['anchor.hardfork']);
    const landing = anchor === null ? null : fate >= 95 ? (r.chance(0.5) ? null : between(t['landing.hardfork'] + WEEK + 1, t.tge)) : between(t['landing.upgrade'], t['landing.hardfork'] + WEEK);

    const count = 1 + r.int(4);
    const contributors: Contribution[] = [];
    let left = OXEN_STAKE;
    for (let j = 0; j < count; j++) {
      const last = j === count - 1;
      const share = last ? left : j === 0 ? OXEN_STAKE / 4n + (BigInt(r.int(1_000)) * (OXEN_STAKE / 2n)) / 1_000n : (left * BigInt(1 + r.int(60))) / 100n;
      left -= share;
      let eth: Address | null = null;
      let at: number | null = null;
      const kind = r.int(100);
      if (j === 0 ? kind >= 4 : kind >= 15) {
        eth = pool.length > 0 && r.chance(0.2) ? pool[r.int(pool.length)]! : address();
        if (!registeredAt.has(eth)) {
          // A few register too late (after the Anchor freeze).
          registeredAt.set(eth, r.chance(0.05) ? between(t['anchor.hardfork'] + 1, t['landing.upgrade']) : between(t.lighthouse - 90 * DAY, t['anchor.hardfork'] - DAY));
          pool.push(eth);
        }
        at = registeredAt.get(eth)!;
      }
      if (eth && contributors.some((c) => c.eth === eth)) eth = null, at = null; // one row per address is simpler to read
      contributors.push({ oxenAddress: oxenAddress(), oxen: share, eth, ethRegisteredAt: at, line: 0 });
    }
    nodes.push({ id, registeredAt: reg, anchorUpgradedAt: anchor, landingUpgradedAt: landing, feeBps: [0, 500, 1000, 1500][r.int(4)]!, contributors, line: 0 });
  }
  const testnet = Array.from({ length: options.testnet ?? 10 }, () => ({ address: address(), score: BigInt(100 + r.int(5_000)) }));
  return { nodes, testnet };
}
