import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidAmountError, formatSesh, parseSesh, sesh } from '../src/units.ts';

describe('SESH units', () => {
  it('parses and formats 9-decimal amounts exactly', () => {
    assert.equal(parseSesh('25000'), 25_000_000_000_000n);
    assert.equal(parseSesh('0.000000001'), 1n);
    assert.equal(formatSesh(sesh(240_000_000)), '240000000');
  });

  it('round-trips every base-unit amount', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 96n }), (amount) => parseSesh(formatSesh(amount)) === amount));
  });

  it('refuses floats with too many decimals, negatives and junk', () => {
    for (const bad of ['1.0000000001', '-1', '1e9', 'abc', '', '1,5']) {
      assert.throws(() => parseSesh(bad), InvalidAmountError, bad);
    }
  });
});
