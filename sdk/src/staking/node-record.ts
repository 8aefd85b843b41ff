/** Typed view of SessionStaking.nodeRecord (raw slots, to keep the contract under EIP-170). */
import { getAddress, type Address, type Hex } from 'viem';
import { NODE_STATUSES, type NodeStatus } from './constants.ts';

export type ContributionRecord = { contributor: Address; amount: bigint; lastContributionAt: bigint };

export type NodeRecord = {
  operator: Address;
  feeBps: number;
  status: NodeStatus;
  contributorCount: number;
  /** Reservations not yet taken up. */
  reservedCount: number;
  autoActivate: boolean;
  activatedAt: bigint;
  /** Filling nodes only (0 for solo and seeded nodes). */
  stakeRequired: bigint;
  totalStaked: bigint;
  reservedOutstanding: bigint;
  exitRequestedAt: bigint;
  /** The compressed BLS key while filling (x | parity << 255), 0 afterwards. */
  pendingKey: bigint;
  deregisteredAt: bigint;
  contributors: ContributionRecord[];
  /** Σ contributors' current stakes: what the node would return. */
  stake: bigint;
};

const bits = (value: bigint, shift: number, width: number) => (value >> BigInt(shift)) & ((1n << BigInt(width)) - 1n);
const address = (value: bigint): Address => getAddress(`0x${bits(value, 0, 160).toString(16).padStart(40, '0')}` as Hex);

/** One packed contributor slot: address | amount << 160 | lastContributionAt << 224. */
export function decodeContribution(slot: bigint): ContributionRecord {
  return { contributor: address(slot), amount: bits(slot, 160, 64), lastContributionAt: bits(slot, 224, 32) };
}

export function decodeNodeRecord([slots, contributorSlots]: readonly [readonly bigint[], readonly bigint[]]): NodeRecord {
  const [s0, s1, s2, s3] = slots as [bigint, bigint, bigint, bigint];
  const contributors = contributorSlots.map(decodeContribution);
  return {
    operator: address(s0),
    feeBps: Number(bits(s0, 160, 16)),
    status: NODE_STATUSES[Number(bits(s0, 176, 8))] ?? 'None',
    contributorCount: Number(bits(s0, 184, 8)),
    reservedCount: Number(bits(s0, 192, 8)),
    autoActivate: bits(s0, 200, 8) !== 0n,
    activatedAt: bits(s0, 208, 48),
    stakeRequired: bits(s1, 0, 64),
    totalStaked: bits(s1, 64, 64),
    reservedOutstanding: bits(s1, 128, 64),
    exitRequestedAt: bits(s1, 192, 64),
    pendingKey: s2,
    deregisteredAt: bits(s3, 0, 64),
    contributors,
    stake: contributors.reduce((sum, c) => sum + c.amount, 0n),
  };
}
