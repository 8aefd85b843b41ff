/**
 * Anchor gas figures from DESIGN.md §5 (Session's production contracts, 300 seeded nodes,
 * real BN254 signatures), keyed by our operation names. null = the anchor has no such row.
 */
export const ANCHOR_GAS: Record<string, number | null> = {
  registerSoloNode: 1_470_000,
  authoriseRewards: 1_080_000,
  authoriseRewardsPerNonSigner: 5_500,
  claimRewards: 133_000,
  exitWithSignature: 1_090_000,
  deregisterWithSignature: 1_140_000,
  openMultiContributorNode: 3_100_000,
  contribute: null,
  activateMultiContributorNode: null,
  requestExit: null,
  hashToCurve: 890_000,
  distributorClaim: 95_000, // Uniswap MerkleDistributor, upper end of 62–95k (DESIGN.md §6)
};

/** Our goals from DESIGN.md §5, for the printed table. */
export const GOAL_GAS: Record<string, number> = {
  registerSoloNode: 350_000,
  authoriseRewards: 250_000,
  authoriseRewardsPerNonSigner: 3_000,
  claimRewards: 100_000,
  exitWithSignature: 300_000,
  deregisterWithSignature: 300_000,
  openMultiContributorNode: 400_000,
  hashToCurve: 50_000,
  distributorClaim: 80_000,
  decommission: 150_000,
  recommission: 150_000,
  decommissionPerNodeInBatchOf10: 150_000,
  recommissionPerNodeInBatchOf10: 150_000,
};
