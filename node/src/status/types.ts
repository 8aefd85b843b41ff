/**
 * The JSON of a node's `GET /status`: what `session-node status` prints in words. Amounts and
 * chain times are decimal strings (integers, never floats). A part another module provides
 * (announcement, tests, downtime credit, commission) is `{ available: false }` when this
 * version of the node does not have that module yet, so the printout can say so.
 */
export type Unavailable = { available: false };

export type StatusNode = {
  nodeId: string;
  status: string;
  operator: string;
  feeBps: number;
  /** Σ contributions, atomic SESH units. */
  stake: string;
  activatedAt: number | null;
  /** Why the network does not accept this node's ed25519 identity (null: it does). */
  identityProblem: string | null;
};

export type StatusAnnouncement = {
  available: true;
  /** This node's own announcement as the directory holds it (null: not announced / not accepted yet). */
  own: { url: string; timestamp: number; software: string } | null;
  /** Peers whose own directories hold it, when known (null: not measured). */
  knownBy: number | null;
  /** Announcements in this node's directory. */
  directorySize: number;
};

export type StatusTests = {
  available: true;
  /** The ed25519 keys (or node ids) assigned to test this node this period. */
  testers: string[];
  /** The latest results about this node, newest first. */
  results: { tester: string; passed: boolean; at: number; reason?: string }[];
  /** The verdict of the testers' majority over the window, in words (e.g. "passing"). */
  verdict: string | null;
};

export type StatusCommission = {
  available: true;
  decommissioned: boolean;
  /** Chain time it was decommissioned (null: commissioned). */
  decommissionedAt: string | null;
  /** Landed checkpoints in a row without its signature. */
  missedCheckpoints: number;
};

export type StatusCredit = { available: true; secondsLeft: string };

export type StatusRewards = {
  /** Everything the ledger credits the node as a whole (before the operator fee split). */
  nodeEarned: string;
  /** The node's contributors' beneficiaries: their cumulative ledger amount (all their nodes) and claimed so far. */
  accounts: { account: string; role: 'operator' | 'contributor'; earned: string; claimed: string }[];
  lastCheckpointEpoch: string | null;
};

export type StatusChain = {
  ok: boolean;
  reason: string | null;
  /** Highest block the node has processed, the chain head at the last poll and how far behind it is. */
  height: number;
  head: number | null;
  behind: number | null;
  syncing: boolean;
  chainId: number;
};

export type NodeStatusJson = {
  version: 1;
  software: string;
  ed25519PublicKey: string;
  /** Wall-clock time of the answer (unix seconds). */
  now: number;
  /** Null: no live registration with this node's ed25519 key is known on chain. */
  node: StatusNode | null;
  announcement: StatusAnnouncement | Unavailable;
  tests: StatusTests | Unavailable;
  commission: StatusCommission | Unavailable;
  credit: StatusCredit | Unavailable;
  rewards: StatusRewards | null;
  chain: StatusChain;
};
