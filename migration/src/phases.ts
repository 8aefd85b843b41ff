/**
 * The migration as a list of dated steps (the state machine): Lighthouse, then Anchor, then
 * Landing with TGE. Derived steps (end of a window) are the config time + 7 days.
 * `statusAt` says which step we are in and what comes next.
 */
import { WEEK, iso, type MigrationConfig } from './config.ts';

export type Phase = 'Lighthouse' | 'Anchor' | 'Landing';

export type Step = {
  id: string;
  phase: Phase;
  at: number;
  title: string;
  /** What happens at this step (the runbook's sub-steps). */
  actions: string[];
};

export function migrationSteps(config: MigrationConfig): Step[] {
  const t = config.times;
  return [
    { id: 'lighthouse', phase: 'Lighthouse', at: t.lighthouse, title: 'Lighthouse', actions: ['testnet deployment live', 'portal live (testnet)', 'testnet incentive program live'] },
    { id: 'anchor.upgrade', phase: 'Anchor', at: t['anchor.upgrade'], title: 'Anchor upgrade released', actions: ['software upgrade released', 'mandatory 1-week upgrade window opens'] },
    {
      id: 'anchor.hardfork',
      phase: 'Anchor',
      at: t['anchor.hardfork'],
      title: 'Anchor hardfork',
      actions: [
        'new registrations frozen on the old network',
        'nodes that did not upgrade are deregistered (recoverable for 1 week by upgrading)',
        'Service Node Bonus program closes',
        'registered ETH addresses frozen',
      ],
    },
    { id: 'anchor.recovery-end', phase: 'Anchor', at: t['anchor.hardfork'] + WEEK, title: 'Anchor recovery window ends', actions: ['deregistered nodes that did not upgrade are decommissioned'] },
    { id: 'landing.upgrade', phase: 'Landing', at: t['landing.upgrade'], title: 'Landing upgrade released', actions: ['software upgrade released', '1-week upgrade window opens'] },
    { id: 'landing.hardfork', phase: 'Landing', at: t['landing.hardfork'], title: 'Landing hardfork', actions: ['the Session Network starts', '1-week grace period for nodes to migrate'] },
    { id: 'landing.grace-end', phase: 'Landing', at: t['landing.hardfork'] + WEEK, title: 'Migration grace period ends', actions: ['nodes not migrated by now are left out of the seeding'] },
    {
      id: 'tge',
      phase: 'Landing',
      at: t.tge,
      title: 'TGE',
      actions: [
        'token deployed, minted and allocated',
        'staking seeded with the migrated nodes and started',
        'portal live',
        'claims bridge opens',
        'testnet incentive distribution published',
      ],
    },
  ];
}

export type Status = {
  at: number;
  /** The last step reached (undefined before Lighthouse). */
  current?: Step;
  /** The next step (undefined once TGE is reached). */
  next?: Step;
};

export function statusAt(config: MigrationConfig, at: number): Status {
  const steps = migrationSteps(config);
  let current: Step | undefined;
  let next: Step | undefined;
  for (const step of steps) {
    if (step.at <= at) current = step;
    else if (!next) next = step;
  }
  return { at, current, next };
}

function duration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  return days > 0 ? `${days} d ${hours} h` : `${hours} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export function formatStatus(status: Status): string {
  const lines = [`at ${iso(status.at)}:`];
  if (!status.current) lines.push('  the migration has not started yet');
  else {
    lines.push(`  phase ${status.current.phase}: ${status.current.title} (since ${iso(status.current.at)})`);
    for (const a of status.current.actions) lines.push(`    - ${a}`);
  }
  if (status.next) {
    lines.push(`  next: ${status.next.title} at ${iso(status.next.at)} (in ${duration(status.next.at - status.at)})`);
    for (const a of status.next.actions) lines.push(`    - ${a}`);
  } else lines.push('  next: nothing; the migration is complete');
  return lines.join('\n');
}
