/**
 * What testing reads of a node's on-chain standing (core/state/network-state.ts): commissioned
 * or not, and how many landed checkpoints in a row named it a non-signer.
 */
import { isActive, isCommissioned, type NetworkState, type NodeState } from '../../../core/state/network-state.ts';

export const decommissionedAtOf = (node: NodeState): bigint | null => node.decommissionedAt;
export const missedCheckpointsOf = (node: NodeState): number => node.missedCheckpoints;
/** Active and not decommissioned: signs, is counted, earns. */
export const commissioned = (node: NodeState): boolean => isCommissioned(node);
/** Active but decommissioned: still tested, so that it can come back. */
export const decommissioned = (node: NodeState): boolean => isActive(node) && node.decommissionedAt !== null;
/** Commission updates applied so far (the registry's commissionRound); the next update carries it. */
export const commissionRoundOf = (state: NetworkState): bigint => state.commissionRound;
