/**
 * The gateway's portal API as it travels (JSON): one home for the shapes, so the gateway that
 * answers and the portal that reads cannot drift apart. Integers are decimal strings, addresses
 * checksummed, times unix seconds of chain time (or null). Lists are paged: `limit` (1..MAX_PAGE)
 * items after `cursor` (exclusive, the last item's id of the previous page); `nextCursor` is
 * null on the last page.
 */

/** The most items one page returns (a bigger `limit` is a 400, not a silent cut). */
export const MAX_PAGE = 500;
/** Items per page when `limit` is not given. */
export const DEFAULT_PAGE = 100;

/** Node status as the portal shows it (the registry's, with an exit request split by chain time). */
export type ApiNodeStatus = 'awaitingContributions' | 'running' | 'unlocking' | 'exitRequested' | 'deregistered' | 'exited' | 'cancelled';
export const API_NODE_STATUSES: readonly ApiNodeStatus[] = ['awaitingContributions', 'running', 'unlocking', 'exitRequested', 'deregistered', 'exited', 'cancelled'];

export type PageJson = { nextCursor: string | null; total: number };

/** What the network knows of a node beyond the chain: where it answers and whether it signs. */
export type NodeHealthJson = {
  /** The URL of its latest valid signed announcement, null when none is known. */
  announcedUrl: string | null;
  /** That announcement's timestamp (unix s of the node's clock): when it last said where it is. */
  lastAnnouncedAt: number | null;
  /** Out of the signing set (stops earning, keeps its stake), since this chain time. */
  decommissioned: boolean;
  decommissionedAt: string | null;
  /** Landed checkpoints in a row that named it a non-signer. */
  missedCheckpoints: number;
  /** In the gateway's latest signing round: true signed, false did not, null no round yet or not active. */
  signedLastRound: boolean | null;
  /** Why its ed25519 identity is refused (it earns nothing), null when accepted. */
  identityProblem: string | null;
};

export type ContributorJson = { address: string; beneficiary: string; amount: string; lastContributionAt: number };

export type NodeJson = {
  nodeId: string;
  operator: string;
  status: ApiNodeStatus;
  feeBps: number;
  /** Σ contributions now. */
  stake: string;
  /** What the node needs to activate (filling nodes; the requirement at opening). */
  stakeRequired: string;
  autoActivate: boolean;
  contributors: ContributorJson[];
  /** Reservations not yet taken up. */
  reserved: { address: string; amount: string }[];
  openedAt: number;
  activatedAt: number | null;
  exitRequestedAt: number | null;
  unlockAt: number | null;
  deregisteredAt: number | null;
  releaseAt: number | null;
  exitedAt: number | null;
  blsPublicKey: string;
  ed25519PublicKey: string;
  /** Active and its announced endpoint is not benched for a bad answer. */
  signerHealthy: boolean;
  health: NodeHealthJson;
};

/** GET /api/nodes?status=&cursor=&limit= */
export type NodesPageJson = PageJson & { nodes: NodeJson[] };

export type PoolJson = {
  nodeId: string;
  operator: string;
  feeBps: number;
  total: string;
  required: string;
  minContribution: string;
  maxContribution: string;
  freeSlots: number;
  reserved: { address: string; amount: string }[];
  autoActivate: boolean;
  openedAt: number;
};

/** GET /api/pools/open?cursor=&limit= : each pool with its full node record. */
export type PoolsPageJson = PageJson & { pools: PoolJson[]; nodes: NodeJson[] };

export type CheckpointJson = { epoch: string; root: string; total: string; ledgerBlock: string; submittedAt: number };

/** GET /api/network (= /api/overview) */
export type NetworkJson = {
  chainId: number;
  contracts: Record<string, string>;
  /** The gateway's chain view: highest block followed and its chain time. */
  height: number;
  chainTime: number;
  activeNodes: number;
  /** Registered nodes per status (Σ = every node ever registered). */
  nodeCounts: Record<ApiNodeStatus, number>;
  totalStaked: string;
  stakingRequirement: string;
  pool: { balance: string; ratePerYear: string; ratePerSecond: string };
  estimatedAprBps: number;
  /** How the APR is computed, in a sentence. */
  aprBasis: string;
  lastCheckpoint: CheckpointJson | null;
  /** When the next checkpoint is expected (chain time) and on what basis; null when unknown. */
  nextCheckpoint: { estimatedAt: number | null; basis: string };
};

export type RewardsJson = { earned: string; claimed: string; claimable: string; claim: { cumulativeAmount: string; proof: string[] } | null };

export type StakeJson = { nodeId: string; amount: string; status: ApiNodeStatus; canWithdrawAt: number | null };

/** One past movement of an address's stake (from the chain events the gateway follows). */
export type HistoryJson = { nodeId: string; kind: 'contributed' | 'withdrawn' | 'returned'; amount: string };

/** GET /api/addresses/:address (GET /api/accounts/:address keeps its older, smaller answer). */
export type AddressJson = {
  address: string;
  stakes: StakeJson[];
  /** Every node the address operates, contributes to, holds a reservation in, or got stake back from. */
  nodes: NodeJson[];
  reservations: { nodeId: string; amount: string }[];
  history: HistoryJson[];
  rewards: RewardsJson;
  /** The gateway does not follow the name registry: the portal reads names from the chain. */
  names: null;
};

/** Every refusal: a stable code and a sentence. */
export type ApiErrorJson = { error: string; reason: string };
