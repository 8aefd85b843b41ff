/** The state a node is in for a person, in words, with the countdown that matters (chain time). */
import type { NodeView } from './chain.ts';
import { date, duration, sesh } from './format.ts';

export type State = { label: string; detail?: string; key: string };

export function nodeState(node: NodeView, now: bigint, returned?: bigint): State {
  switch (node.status) {
    case 'AwaitingContributions':
      return { key: 'awaiting', label: 'Awaiting contributions', detail: `${sesh(node.totalStaked)} of ${sesh(node.stakeRequired)} staked` };
    case 'Active':
      return { key: 'running', label: 'Running', detail: `since ${date(node.activatedAt)}` };
    case 'ExitRequested':
      return now < node.unlockAt
        ? { key: 'unlocking', label: 'Exit requested · unlocking', detail: `${duration(node.unlockAt - now)} left (until ${date(node.unlockAt)})` }
        : { key: 'exit-requested', label: 'Exit requested · unlocked', detail: 'the exit can be completed now' };
    case 'Deregistered':
      return now < node.releaseAt
        ? { key: 'deregistered', label: 'Deregistered · locked', detail: `${duration(node.releaseAt - now)} left (until ${date(node.releaseAt)})` }
        : { key: 'deregistered', label: 'Deregistered · released', detail: 'the stake can be released now' };
    case 'Exited':
      return { key: 'exited', label: 'Exited', detail: returned !== undefined ? `${sesh(returned)} returned to you` : undefined };
    case 'Cancelled':
      return { key: 'cancelled', label: 'Cancelled', detail: 'every contributor was refunded' };
    default:
      return { key: 'unknown', label: node.status };
  }
}
