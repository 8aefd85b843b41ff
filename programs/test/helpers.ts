/** Small builders for the programs' tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from 'viem';
import { badRowSink } from '../lib/errors.ts';
import { createBonusEngine } from '../bonus/engine.ts';

export const A: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const B: Address = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
export const C: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
export const NODE1 = 'a'.repeat(64);
export const NODE2 = 'b'.repeat(64);
export const OXEN = 10n ** 9n;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'programs-test-'));
}

/** Runs the engine over in-memory lines; returns points per address and bad rows. */
export function runEngine(registrations: string[], rows: string[], anchorHardfork = Date.UTC(2025, 0, 1) / 1000) {
  const bad = badRowSink();
  const engine = createBonusEngine({ anchorHardfork }, bad);
  registrations.forEach((line, i) => engine.addRegistration(line, 'registrations.csv', i + 1));
  rows.forEach((line, i) => engine.addSnapshotRow(line, 'snapshots.csv', i + 1));
  return { ...engine.finish(), bad: bad.rows };
}

/** One snapshot row per hour over [from, from + hours). */
export function hourlyRows(from: number, hours: number, node: string, contributors: string, active = 1): string[] {
  return Array.from({ length: hours }, (_, h) => `${from + h * 3600},${node},${active},${contributors}`);
}
