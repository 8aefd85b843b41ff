/**
 * What the data layer hands the pages, beyond the chain-shaped NodeView / Overview / AccountState:
 * where the data came from (the gateway's index, or bounded chain reads when it is unreachable),
 * the network's health per node, and the paged lists of the node and address pages.
 */
import type { Address } from 'viem';
import type { ApiNodeStatus } from '../../../sdk/src/network/portal-api.ts';
import type { NodeView } from '../chain.ts';

/** Where this refresh's data came from; `chain` says why the gateway was not used. */
export type DataSource = { kind: 'gateway'; url: string } | { kind: 'chain'; reason: string; /** Only the newest nodes were read (bounded). */ partial: boolean };

/** The network's view of a node (gateway only; the chain does not know it). */
export type NodeHealth = {
  announcedUrl: string | null;
  lastAnnouncedAt: number | null;
  decommissioned: boolean;
  decommissionedAt: bigint | null;
  missedCheckpoints: number;
  signedLastRound: boolean | null;
  identityProblem: string | null;
  signerHealthy: boolean;
};

/** A node as the node list and node page show it: the record, its API status and, from the gateway, health. */
export type NodeEntry = NodeView & {
  apiStatus: ApiNodeStatus;
  openedAt: number | null;
  exitedAt: number | null;
  ed25519PublicKey: string | null;
  reserved: { address: Address; amount: bigint }[];
  health?: NodeHealth;
};

export type NodeListQuery = { status?: ApiNodeStatus; limit?: number };

/** One growing paged list (the "all nodes" page): `loadMore` fetches the next page. */
export type NodeList = {
  nodes: NodeEntry[];
  total: number | undefined;
  hasMore: boolean;
  loading: boolean;
  error?: string;
  loadMore: () => Promise<void>;
  source?: DataSource;
};

export type HistoryEntry = { nodeId: bigint; kind: 'contributed' | 'withdrawn' | 'returned'; amount: bigint };

/** The address page: any address, not only the connected one. */
export type AddressData = {
  address: Address;
  stakes: { nodeId: bigint; amount: bigint; status: ApiNodeStatus; canWithdrawAt: number | null }[];
  nodes: NodeEntry[];
  reservations: Map<bigint, bigint>;
  history: HistoryEntry[];
  rewards: { earned: bigint; claimed: bigint; claimable: bigint } | { unavailable: string };
  /** The claim for the rewards claimable now (null: nothing to claim). */
  claim?: { cumulativeAmount: bigint; proof: `0x${string}`[] } | null;
  /** SESH held (one chain read). */
  balance?: bigint;
};

export type Loaded<T> = { value?: T; loading: boolean; error?: string; refresh: () => Promise<void> };

/** Network figures the gateway adds to the chain's Overview. */
export type OverviewExtras = {
  nodeCounts?: Record<ApiNodeStatus, number>;
  /** Chain time (unix s) of the last checkpoint and the next one's estimate, with its basis. */
  lastCheckpointAt?: number | null;
  nextCheckpointAt?: number | null;
  nextCheckpointBasis?: string;
  aprBasis?: string;
  /** Browser time (ms) when chainTime was read, and chain seconds per real second since the previous read (devnet clocks run fast). */
  chainTimeReadAt: number;
  chainRate: number;
};
