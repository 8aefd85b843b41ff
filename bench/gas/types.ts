import type { Hex, PublicClient } from 'viem';
import type { LocalSystem } from '../../devnet/testkit.ts';

/** `note`: what the cost is made of, where a row misses its goal or needs explaining. */
export type GasRow = { operation: string; gas: number; anchorGas: number | null; note?: string };

/** A gas suite measures its operations on a fresh local system and returns one row each. */
export type GasSuite = {
  name: string;
  /** Options for the suite's fresh system (e.g. `startStaking: false` to seed nodes first). */
  system?: { startStaking?: boolean; minCheckpointInterval?: number | bigint };
  measure: (sys: LocalSystem) => Promise<Array<{ operation: string; gas: bigint; note?: string }>>;
};

/** The gas a mined transaction used, from its receipt (base fee and calldata included). */
export async function gasUsed(client: PublicClient, hash: Hex): Promise<bigint> {
  return (await client.getTransactionReceipt({ hash })).gasUsed;
}
