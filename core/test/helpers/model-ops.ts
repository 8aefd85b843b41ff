/**
 * The operations of the model-based staking test (node/test/network-state-model.test.ts) and
 * their fast-check generators. Node and account fields are indexes the test resolves against
 * the current state (so a sequence stays meaningful while shrinking).
 */
import fc from 'fast-check';

export const BLS_KEYS = 5;
export const ED_KEYS = 5;
export const STAKERS = [1, 2, 3, 4, 5, 6];
export const CLAIMERS = [7, 8];
export const KEEPER = 9;
const HOUR = 3600;

export type Op =
  | { kind: 'solo'; who: number; bls: number; ed: number }
  | { kind: 'open'; who: number; bls: number; ed: number; quarters: number; auto: boolean; reserveFor: number | null; reserveEighths: number; joiners: number }
  | { kind: 'contribute'; who: number; node: number; size: number }
  | { kind: 'withdraw'; who: number; node: number }
  | { kind: 'cancel'; node: number; byOperator: boolean }
  | { kind: 'activate'; node: number; byOperator: boolean }
  | { kind: 'requestExit'; who: number; node: number }
  | { kind: 'exitSigned'; node: number; coin: number }
  | { kind: 'exitUnsigned'; node: number; coin: number }
  | { kind: 'deregister'; node: number; coin: number }
  | { kind: 'release'; node: number; coin: number }
  | { kind: 'checkpoint'; share: number; coin: number }
  | { kind: 'claim'; who: number }
  | { kind: 'commission'; node: number; down: boolean; coin: number }
  | { kind: 'wait'; seconds: number };

const idx = fc.nat({ max: 1000 });
const staker = fc.constantFrom(...STAKERS);
const coin = fc.nat({ max: 7 });
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  w(3, fc.record({ kind: fc.constant('solo' as const), who: staker, bls: fc.nat({ max: BLS_KEYS - 1 }), ed: fc.nat({ max: ED_KEYS - 1 }) })),
  w(4, fc.record({ kind: fc.constant('open' as const), who: staker, bls: fc.nat({ max: BLS_KEYS - 1 }), ed: fc.nat({ max: ED_KEYS - 1 }), quarters: fc.integer({ min: 1, max: 4 }), auto: fc.boolean(), reserveFor: fc.option(staker, { freq: 2 }), reserveEighths: fc.integer({ min: 1, max: 3 }), joiners: fc.nat({ max: 3 }) })),
  w(6, fc.record({ kind: fc.constant('contribute' as const), who: staker, node: idx, size: fc.constantFrom(0, 1, 1, 2, 3, 4) })),
  w(4, fc.record({ kind: fc.constant('withdraw' as const), who: idx, node: idx })),
  w(1, fc.record({ kind: fc.constant('cancel' as const), node: idx, byOperator: fc.boolean() })),
  w(3, fc.record({ kind: fc.constant('activate' as const), node: idx, byOperator: fc.boolean() })),
  w(2, fc.record({ kind: fc.constant('requestExit' as const), who: idx, node: idx })),
  w(2, fc.record({ kind: fc.constant('exitSigned' as const), node: idx, coin })),
  w(1, fc.record({ kind: fc.constant('exitUnsigned' as const), node: idx, coin })),
  w(1, fc.record({ kind: fc.constant('deregister' as const), node: idx, coin })),
  w(1, fc.record({ kind: fc.constant('release' as const), node: idx, coin })),
  w(2, fc.record({ kind: fc.constant('checkpoint' as const), share: fc.integer({ min: 0, max: 100 }), coin })),
  w(2, fc.record({ kind: fc.constant('claim' as const), who: idx })),
  w(5, fc.record({ kind: fc.constant('commission' as const), node: idx, down: fc.boolean(), coin })),
  w(2, fc.record({ kind: fc.constant('wait' as const), seconds: fc.constantFrom(3 * HOUR, 86_401, 16 * 86_400, 31 * 86_400) })),
);
