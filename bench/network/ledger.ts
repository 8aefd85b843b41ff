/**
 * Ledger benchmark: a ledger of `nodes` active nodes holding `positions` contributor positions
 * in total (10 per node at full size, distinct beneficiaries), then the measured step: one
 * pool release split over every node plus the checkpoint root (Merkle tree of every balance).
 */
import { type Address } from 'viem';
import { applyEvent, createLedger } from '../../core/ledger/ledger.ts';
import { checkpointOf } from '../../core/ledger/checkpoint.ts';
import type { Position } from '../../core/ledger/types.ts';

const address = (n: number): Address => `0x${n.toString(16).padStart(40, '0')}`;

export function benchLedger(nodes: number, positions: number): { ledgerSeconds: number; buildSeconds: number; leaves: number } {
  const perNode = Math.max(1, Math.floor(positions / nodes));
  const ledger = createLedger();
  const built = performance.now();
  for (let n = 0; n < nodes; n++) {
    const list: Position[] = [];
    for (let p = 0; p < perNode; p++) {
      const who = address(1 + n * perNode + p);
      list.push({ contributor: who, beneficiary: who, amount: 2_500_000_000_000n + BigInt(p) });
    }
    applyEvent(ledger, { kind: 'nodeActivated', nodeId: BigInt(n + 1), time: 1_000n, feeBps: 500 + (n % 100), positions: list });
  }
  const buildSeconds = (performance.now() - built) / 1000;
  const started = performance.now();
  applyEvent(ledger, { kind: 'rewardsReleased', amount: 123_456_789_012_345n, time: 1_000n + 86_400n });
  const checkpoint = checkpointOf(ledger);
  const ledgerSeconds = (performance.now() - started) / 1000;
  if (checkpoint.leaves !== nodes * perNode) throw new Error(`expected ${nodes * perNode} leaves, got ${checkpoint.leaves}`);
  return { ledgerSeconds, buildSeconds, leaves: checkpoint.leaves };
}
