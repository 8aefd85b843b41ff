/**
 * What testing reads of a node's on-chain standing: commissioned or not, and how many landed
 * checkpoints in a row named it a non-signer. The fields come from the network state
 * (decommissionedAt, missedCheckpoints); a state without them (an older follower) reads as
 * "commissioned, signs everything", which makes testing stricter about nothing.
 */
import { isActive, type NodeState } from '../../../core/state/network-state.ts';

type WithCommission = NodeState & { decommissionedAt?: bigint | null; missedCheckpoints?: number };

export const decommissionedAtOf = (node: NodeState): bigint | null => (node as WithCommission).decommissionedAt ?? null;
export const missedCheckpointsOf = (node: NodeState): number => (node as WithCommission).missedCheckpoints ?? 0;
/** Active and not decommissioned: signs, is counted, earns. */
export const commissioned = (node: NodeState): boolean => isActive(node) && decommissionedAtOf(node) === null;
/** Active but decommissioned: still tested, so that it can come back. */
export const decommissioned = (node: NodeState): boolean => isActive(node) && decommissionedAtOf(node) !== null;
