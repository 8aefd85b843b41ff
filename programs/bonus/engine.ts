/**
 * The Service Node Bonus points engine: feeds on registrations, then on snapshot lines in
 * file order, and accrues integer point units per ETH address (rules in rules.ts).
 *
 * Speed: a node's contributor field rarely changes between hourly snapshots, so each node
 * keeps its last parsed field and the per-contributor units it yields; an unchanged field
 * costs one string compare. Units add up in float64 slots that are flushed into bigints
 * before they could pass 2^53, so the sums stay exact. Hashing millions of sliced strings
 * (Map/Set lookups) is the slow part, so each row first tries the node at the same position
 * in the previous snapshot (the Oxen list comes in a stable order) and only falls back to
 * the map — and to a per-snapshot Set for duplicate detection — when the order changes.
 */
import type { Address } from 'viem';
import type { BadRowSink } from '../lib/errors.ts';
import { parseTime } from '../lib/parse.ts';
import { parseActive, parseContributors, parseNodeId, parseRegistration, type Contributor } from './format.ts';
import { accrualStart, nodeUnitsAt, PROGRAM_START, RATE_CHANGE, shareUnits } from './rules.ts';

export type BonusParams = { anchorHardfork: number };

type Share = { idx: number; before: number; after: number };
type NodeState = {
  id: string;
  field: string;
  shares: Share[];
  contributors: Contributor[];
  /** The last row before the hardfork, for the re-stake list (plain fields: no allocation per row). */
  restakeTime?: number;
  restakeActive?: boolean;
  restakeContributors?: Contributor[];
};

export type RestakeRow = { node: string; address: Address; oxen: bigint; active: boolean };

export type BonusResult = {
  points: Map<Address, bigint>;
  restake: RestakeRow[];
  snapshots: number;
  nodeSnapshots: number;
  lastSnapshotBeforeHardfork: number | null;
};

const FLUSH_AT = 2 ** 52;

/**
 * A copy of `text` that does not keep the 1 MiB chunk it was sliced from alive (V8 sliced
 * strings pin their parent; 2,000 nodes pinning 2,000 chunks would cost gigabytes).
 */
function detach(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

export function createBonusEngine(params: BonusParams, bad: BadRowSink) {
  const nodeStart = new Map<string, { start: number; file: string; line: number; seen: boolean }>();
  const addressStart = new Map<Address, number>();
  const addrIndex = new Map<Address, number>();
  const addresses: Address[] = [];
  const starts: number[] = [];
  const acc: number[] = [];
  const big: bigint[] = [];
  const nodes = new Map<string, NodeState>();
  let lastTimeText = '';
  let lastTime = -1;
  // Rows of the current snapshot, and of the previous one (for the positional fast path).
  let order: NodeState[] = [];
  let previousOrder: NodeState[] = [];
  // Set only once the current snapshot left the previous order (see the header).
  let inSnapshot: Set<string> | null = null;
  let snapshots = 0;
  let nodeSnapshots = 0;
  let lastBeforeHardfork: number | null = null;

  const indexOf = (address: Address): number => {
    let idx = addrIndex.get(address);
    if (idx === undefined) {
      idx = addresses.length;
      addrIndex.set(address, idx);
      addresses.push(address);
      starts.push(accrualStart(addressStart.get(address)!));
      acc.push(0);
      big.push(0n);
    }
    return idx;
  };

  const sharesOf = (contributors: Contributor[]): Share[] => {
    const nodeStake = contributors.reduce((sum, c) => sum + c.oxen, 0n);
    if (nodeStake === 0n) throw new Error('the node has no stake (all contributor amounts are 0)');
    const shares: Share[] = [];
    for (const c of contributors) {
      if (!c.registered) continue;
      if (!addressStart.has(c.eth!)) throw new Error(`contributor ${c.eth} is flagged registered but is not in the registrations`);
      shares.push({
        idx: indexOf(c.eth!),
        before: Number(shareUnits(nodeUnitsAt(RATE_CHANGE - 1), c.oxen, nodeStake)),
        after: Number(shareUnits(nodeUnitsAt(RATE_CHANGE), c.oxen, nodeStake)),
      });
    }
    return shares;
  };

  return {
    /** One line of the registrations file. */
    addRegistration(text: string, file: string, line: number): void {
      try {
        const r = parseRegistration(text);
        if (r.kind === 'node') {
          if (nodeStart.has(r.id)) throw new Error(`node ${r.id} is registered twice`);
          nodeStart.set(r.id, { start: accrualStart(r.registeredAt), file, line, seen: false });
        } else {
          if (addressStart.has(r.id as Address)) throw new Error(`address ${r.id} is registered twice`);
          addressStart.set(r.id as Address, r.registeredAt);
        }
      } catch (error) {
        bad.add(file, line, (error as Error).message, text);
      }
    },

    /** One line of a snapshots file. */
    addSnapshotRow(text: string, file: string, line: number): void {
      const c1 = text.indexOf(',');
      const c2 = text.indexOf(',', c1 + 1);
      const c3 = text.indexOf(',', c2 + 1);
      if (c1 < 0 || c2 < 0 || c3 < 0 || text.indexOf(',', c3 + 1) !== -1) {
        bad.add(file, line, 'expected 4 fields time,node,active,contributors', text);
        return;
      }
      try {
        const timeText = text.slice(0, c1);
        let time = lastTime;
        if (timeText !== lastTimeText) {
          time = parseTime(timeText, 'time');
          if (time < lastTime) throw new Error(`time goes backwards: ${timeText} comes after ${lastTimeText}`);
        }
        const nodeId = text.slice(c1 + 1, c2);
        const sameSnapshot = time === lastTime;
        const position = sameSnapshot ? order.length : 0;
        const predicted = sameSnapshot ? previousOrder[position] : order[0];
        let state: NodeState | undefined;
        let seen = sameSnapshot ? inSnapshot : null;
        if (predicted !== undefined && predicted.id === nodeId && seen === null) state = predicted;
        else {
          // Off the fast path: a Set of this snapshot's nodes proves there are no duplicates.
          if (seen === null) seen = new Set(sameSnapshot ? order.map((n) => n.id) : []);
          if (seen.has(nodeId)) throw new Error(`node ${nodeId} appears twice in the snapshot at ${timeText}`);
          state = nodes.get(nodeId);
          if (!state) parseNodeId(nodeId);
        }
        const active = parseActive(text.slice(c2 + 1, c3));
        let field = text.slice(c3 + 1);
        if (!state || state.field !== field) {
          field = detach(field);
          const contributors = parseContributors(field);
          const shares = sharesOf(contributors);
          if (state) Object.assign(state, { field, shares, contributors });
          else {
            state = { id: detach(nodeId), field, shares, contributors };
            nodes.set(state.id, state);
          }
        }
        // The row is valid: commit.
        if (!sameSnapshot) {
          snapshots++;
          previousOrder = order;
          order = [];
          lastTime = time;
        }
        inSnapshot = seen;
        seen?.add(nodeId);
        order.push(state);
        if (!sameSnapshot) lastTimeText = detach(timeText);
        nodeSnapshots++;
        if (time >= params.anchorHardfork) return;
        lastBeforeHardfork = time;
        state.restakeTime = time;
        state.restakeActive = active;
        state.restakeContributors = state.contributors;
        const registration = nodeStart.get(nodeId);
        if (registration) registration.seen = true;
        if (!active || time < PROGRAM_START || !registration || time < registration.start) return;
        const before = time < RATE_CHANGE;
        for (const share of state.shares) {
          if (time < starts[share.idx]!) continue;
          const total = acc[share.idx]! + (before ? share.before : share.after);
          if (total >= FLUSH_AT) {
            big[share.idx]! += BigInt(total);
            acc[share.idx] = 0;
          } else acc[share.idx] = total;
        }
      } catch (error) {
        bad.add(file, line, (error as Error).message, text);
      }
    },

    finish(): BonusResult {
      for (const [id, r] of nodeStart) {
        if (!r.seen) bad.add(r.file, r.line, `unknown node ${id}: registered but in no snapshot before the hardfork`, id);
      }
      const points = new Map<Address, bigint>();
      addresses.forEach((address, i) => {
        const units = big[i]! + BigInt(acc[i]!);
        if (units > 0n) points.set(address, units);
      });
      const restake: RestakeRow[] = [];
      for (const [node, state] of [...nodes].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (state.restakeTime === undefined || state.restakeTime !== lastBeforeHardfork) continue;
        const byAddress = new Map<Address, bigint>();
        for (const c of state.restakeContributors!) {
          if (c.registered) byAddress.set(c.eth!, (byAddress.get(c.eth!) ?? 0n) + c.oxen);
        }
        for (const [address, oxen] of [...byAddress].sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))) {
          restake.push({ node, address, oxen, active: state.restakeActive! });
        }
      }
      return { points, restake, snapshots, nodeSnapshots, lastSnapshotBeforeHardfork: lastBeforeHardfork };
    },
  };
}
