/**
 * Who signs: the COMMISSIONED nodes (active and not decommissioned). A decommissioned node's
 * key is out of the on-chain aggregate, so it is neither asked nor named a non-signer.
 * Tolerant of a network state without `decommissionedAt` (then every active node signs).
 */
import { isActive, type NodeState } from '../state/network-state.ts';

export function inSigningSet(node: NodeState): boolean {
  if (!isActive(node)) return false;
  return !('decommissionedAt' in node) || node.decommissionedAt === null || node.decommissionedAt === undefined;
}
