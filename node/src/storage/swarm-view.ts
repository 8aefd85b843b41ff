/**
 * The chain's swarms as this node sees them: the active set read from the followed network
 * state, assigned to swarms by sdk/src/storage/swarms.ts (the same function every client
 * runs), with each member's announced URL attached at lookup time.
 *
 * Active here means registered and commissioned (core/state/network-state.ts isCommissioned:
 * running or exit requested, and not decommissioned) with an accepted identity: a node whose
 * ed25519 proof fails or whose key another live node holds is left out, as the ledger leaves
 * it out, since no one can tell which of two holders answers for the key.
 *
 * The assignment is recomputed only when the active set changes: once per new chain view
 * (height, or a replaced state after a reorg) the sorted list of active (nodeId, key) is
 * compared with the last one, and the previous assignment is kept when it is the same.
 */
import type { Hex } from 'viem';
import type { NetworkConsumer } from '../../../core/state/consumer.ts';
import { isCommissioned, type NodeState } from '../../../core/state/network-state.ts';
import { assignSwarms } from '../../../sdk/src/storage/swarms.ts';
import { accountPosition, swarmForPosition } from '../../../sdk/src/storage/swarm-space.ts';
import type { StorageRules } from '../../../sdk/src/storage/rules.ts';
import type { SwarmAssignment, SwarmId, SwarmMember } from '../../../sdk/src/storage/types.ts';
import type { ReachableMember, SwarmView } from './types.ts';

/** Whether a node serves a swarm: commissioned, with an identity the network accepted. */
export const servesSwarms = (node: NodeState) => isCommissioned(node) && node.identityProblem === null;

export function createSwarmView(options: {
  network: Pick<NetworkConsumer, 'view'>;
  /** The announced URL of a node by ed25519 key (core/membership/directory.ts urlOf). */
  urlOf: (ed25519: string) => string | undefined;
  /** This node's ed25519 key. */
  ownKey: Hex;
  rules: StorageRules;
}): SwarmView & { recomputations: () => number } {
  const ownKey = options.ownKey.toLowerCase();
  let seen: { state: object; height: number } | undefined;
  let signature = '';
  let current: SwarmAssignment | undefined;
  let recomputations = 0;

  const assignment = (): SwarmAssignment => {
    const view = options.network.view();
    if (current && seen && seen.state === view.state && seen.height === view.height) return current;
    const active: SwarmMember[] = [];
    for (const node of view.state.nodes.values()) if (servesSwarms(node)) active.push({ nodeId: node.nodeId, ed25519Key: node.ed25519Key.toLowerCase() as Hex });
    active.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    const next = active.map((m) => `${m.nodeId}:${m.ed25519Key}`).join(',');
    if (!current || next !== signature) {
      current = assignSwarms(active, options.rules);
      signature = next;
      recomputations++;
    }
    seen = { state: view.state, height: view.height };
    return current;
  };

  const reachable = (members: readonly SwarmMember[]): ReachableMember[] => members.map((m) => ({ ...m, url: options.urlOf(m.ed25519Key) }));

  const swarmOf = (account: string): { id: SwarmId; members: readonly ReachableMember[] } => {
    const position = accountPosition(account);
    const a = assignment();
    const id = swarmForPosition(a.ids, position);
    return { id, members: reachable(a.members.get(id)!) };
  };

  const mine = (): { id: SwarmId; members: readonly ReachableMember[] } | null => {
    const a = assignment();
    const id = a.swarmOfKey.get(ownKey);
    return id === undefined ? null : { id, members: reachable(a.members.get(id)!) };
  };

  const holds = (account: string): boolean => {
    const position = accountPosition(account);
    const a = assignment();
    const id = a.swarmOfKey.get(ownKey);
    return id !== undefined && swarmForPosition(a.ids, position) === id;
  };

  return { assignment, swarmOf, mine, holds, recomputations: () => recomputations };
}
