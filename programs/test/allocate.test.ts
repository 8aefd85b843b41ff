import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getAddress, keccak256, toHex, type Address } from 'viem';
import { allocate, AllocationError } from '../lib/allocate.ts';

const address = (i: number): Address => getAddress(keccak256(toHex(i)).slice(0, 42));

describe('allocate (largest remainder)', () => {
  it('sums exactly to the total, each share within one unit of its exact pro-rata value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 20n }), { minLength: 1, maxLength: 60 }),
        fc.bigInt({ min: 0n, max: 30_000_000n * 10n ** 9n }),
        (weights, total) => {
          fc.pre(weights.some((w) => w > 0n));
          const map = new Map(weights.map((w, i) => [address(i), w]));
          const out = allocate(map, total);
          const sum = weights.reduce((a, b) => a + b, 0n);
          assert.equal(out.reduce((a, r) => a + r.amount, 0n), total);
          for (const r of out) {
            const floor = (total * r.weight) / sum;
            assert.ok(r.amount === floor || r.amount === floor + 1n);
          }
          // Deterministic whatever the input order.
          const reversed = allocate(new Map([...map].reverse()), total);
          assert.deepEqual(reversed, out);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the dust to the largest remainders, then the lower address', () => {
    const [x, y, z] = [address(1), address(2), address(3)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)) as [Address, Address, Address];
    const out = allocate(new Map([[z, 1n], [y, 1n], [x, 1n]]), 10n);
    assert.deepEqual(out.map((r) => r.amount), [4n, 3n, 3n]); // 10/3: one unit of dust to the lowest address
    assert.throws(() => allocate(new Map([[x, 0n]]), 10n), AllocationError);
  });
});
