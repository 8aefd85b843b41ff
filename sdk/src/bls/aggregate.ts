/** Aggregation: BLS signatures and keys add up as group elements. */
import { G1, G2, type G1Point, type G2Point } from './curve.ts';

/** Σ points in G1 (the identity for an empty list). */
export function aggregateG1(points: readonly G1Point[]): G1Point {
  let sum = G1.ZERO;
  for (const point of points) sum = sum.add(point);
  return sum;
}

/** Σ points in G2 (the identity for an empty list). */
export function aggregateG2(points: readonly G2Point[]): G2Point {
  let sum = G2.ZERO;
  for (const point of points) sum = sum.add(point);
  return sum;
}
