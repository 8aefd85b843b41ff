/**
 * `session-node status` in words: turns a node's /status JSON (types.ts) into lines an
 * operator reads. Pure (JSON in, text out), so it is tested from fixtures.
 */
import { formatSesh } from '../../../sdk/src/units.ts';
import type { NodeStatusJson } from './types.ts';

const NOT_AVAILABLE = 'not available in this version';

/** 93784 → "1d 2h 3m": credit and ages read better in units. */
export function formatSeconds(total: bigint | number): string {
  let s = BigInt(total);
  if (s <= 0n) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400n], ['h', 3_600n], ['m', 60n], ['s', 1n]] as const) {
    if (s >= size) {
      parts.push(`${s / size}${unit}`);
      s %= size;
    }
    if (parts.length === 3) break;
  }
  return parts.join(' ');
}

const STATUS_WORDS: Record<string, string> = {
  awaitingContributions: 'registered, waiting for contributions before it activates',
  running: 'active',
  exitRequested: 'active, exit requested (it leaves when the unlock time passes)',
  deregistered: 'deregistered by the network',
  exited: 'exited',
  cancelled: 'cancelled before activation',
};

export function formatStatus(s: NodeStatusJson): string {
  const lines: string[] = [];
  const section = (title: string, ...body: string[]) => lines.push(`${title}`, ...body.map((b) => `  ${b}`));
  const n = s.node;
  const live = n !== null && ['awaitingContributions', 'running', 'exitRequested'].includes(n.status);

  section(
    'Registration',
    ...(n === null
      ? ['not registered: no registration with this node\'s ed25519 key is on chain yet', `(run session-node prepare-registration and register it in the portal; ed25519 ${s.ed25519PublicKey})`]
      : [
          `${live ? 'registered' : 'no longer registered'}: node ${n.nodeId}, ${STATUS_WORDS[n.status] ?? n.status}`,
          `operator ${n.operator}, fee ${n.feeBps / 100}%, stake ${formatSesh(BigInt(n.stake))} SESH`,
          ...(n.identityProblem ? [`IDENTITY PROBLEM: ${n.identityProblem} (the network votes such a node out)`] : []),
        ]),
  );

  const a = s.announcement;
  section(
    'Announcement',
    !a.available
      ? NOT_AVAILABLE
      : a.own === null
        ? `not announced yet (${a.directorySize} node${a.directorySize === 1 ? '' : 's'} in this node's directory)`
        : `announced at ${a.own.url} (${a.own.software}), ${formatSeconds(Math.max(0, s.now - a.own.timestamp))} ago; ${a.knownBy === null ? 'how many peers know it: not measured' : `known by ${a.knownBy} peer${a.knownBy === 1 ? '' : 's'}`}; ${a.directorySize} in the directory`,
  );

  const t = s.tests;
  section(
    'Tests',
    ...(!t.available
      ? [NOT_AVAILABLE]
      : [
          t.testers.length === 0 ? 'no testers assigned to this node right now' : `tested by ${t.testers.length}: ${t.testers.join(', ')}`,
          ...(t.results.length === 0 ? ['no results yet'] : t.results.slice(0, 10).map((r) => `${r.passed ? 'passed' : 'FAILED'} by ${r.tester}, ${formatSeconds(Math.max(0, s.now - r.at))} ago${r.reason ? `: ${r.reason}` : ''}`)),
          ...(t.verdict ? [`verdict: ${t.verdict}`] : []),
        ]),
  );

  const c = s.commission;
  const credit = s.credit;
  section(
    'Health',
    n === null || !live ? 'not applicable (no live registration)' : !c.available ? `commission: ${NOT_AVAILABLE}` : c.decommissioned ? `DECOMMISSIONED since chain time ${c.decommissionedAt}: it earns nothing and signs nothing until the network recommissions it` : `healthy: commissioned${c.missedCheckpoints > 0 ? `, but missed the last ${c.missedCheckpoints} checkpoint signature${c.missedCheckpoints === 1 ? '' : 's'}` : ''}`,
    ...(n !== null && live ? [credit.available ? `downtime credit left: ${formatSeconds(BigInt(credit.secondsLeft))}` : `downtime credit: ${NOT_AVAILABLE}`] : []),
  );

  const r = s.rewards;
  section(
    'Rewards',
    ...(r === null
      ? ['none (not registered)']
      : [
          `the node has earned ${formatSesh(BigInt(r.nodeEarned))} SESH in the ledger${r.lastCheckpointEpoch === null ? ' (no checkpoint landed yet: nothing claimable)' : ` (last checkpoint: epoch ${r.lastCheckpointEpoch})`}`,
          ...r.accounts.map((x) => `${x.role} ${x.account}: ${formatSesh(BigInt(x.earned))} SESH earned, ${formatSesh(BigInt(x.claimed))} claimed`),
        ]),
  );

  const ch = s.chain;
  section(
    'Chain',
    `${ch.ok ? 'following' : 'NOT following'} chain ${ch.chainId}: at block ${ch.height}${ch.head === null ? ', head not known yet' : `, head ${ch.head}, ${ch.behind === 0 ? 'in sync' : `behind by ${ch.behind} block${ch.behind === 1 ? '' : 's'}`}`}${ch.syncing ? ' (syncing)' : ''}`,
    ...(ch.reason ? [`problem: ${ch.reason}`] : []),
  );
  return `${lines.join('\n')}\n`;
}
