/**
 * Who signs: the COMMISSIONED nodes (active and not decommissioned). A decommissioned node's
 * key is out of the on-chain aggregate, so it is neither asked nor named a non-signer.
 */
import { isCommissioned, type NodeState } from '../state/network-state.ts';

export const inSigningSet = (node: NodeState): boolean => isCommissioned(node);
