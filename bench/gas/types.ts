import type { Hex, PublicClient } from 'viem';
import type { LocalSystem } from '../../devnet/testkit.ts';

export type GasRow = { operation: string; gas: number; anchorGas: number | null };

/** A gas suite measures its operations on a fresh local system and returns one row each. */
export type GasSuite = {
  name: string;
  /** Options for the suite's fresh system (e.g. `startStaking: false` to seed nodes first). */
  system?: { startStaking?: boolean; minCheckpointInterval?: number | bigint };
  measure: (sys: LocalSystem) => Promise<Array<{ operation: string; gas: bigint }>>;
};

/** The gas a mined transaction used, from its receipt (base fee and calldata included). */
export async function gasUsed(client: PublicClient, hash: Hex): Promise<bigint> {
  return (await client.getTransactionReceipt({ hash })).gasUsed;
}
