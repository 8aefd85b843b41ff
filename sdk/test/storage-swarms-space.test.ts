/**
 * Swarm space: an account's position and its nearest swarm id must be the anchor's, bit for
 * bit. The vectors are oxen-storage-server's own (unit_test/swarm.cpp, "pubkey to swarm space"
 * and "pubkey to swarm id"); a property test checks the binary search against a brute force
 * over every id, wrap-around and tie rule included.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { accountPosition, swarmForAccount, swarmForPosition } from '../src/storage/swarm-space.ts';
import { StorageRpcError } from '../src/storage/types.ts';

const RING = 1n << 64n;

describe('sdk storage: swarm space', () => {
  it("maps accounts to the anchor's positions (its unit-test vectors)", () => {
    const vectors: [string, bigint][] = [
      ['053506f4a71324b7dd114eddbf4e311f39dde243e1f2cb97c40db1961f70ebaae8', 17589930838143112648n],
      ['05cf27da303a50ac8c4b2d43d27259505c9bcd73fc21cf2a57902c3d050730b604', 10370619079776428163n],
      ['03d3511706b8b34f6e8411bf07bd22ba6b2435ca56846fbccf6eb1e166a6cd15cc', 2144983569669512198n],
      ['ff0f06693428fca9102a451e3f28d9cc743d8ea60a89ab6aa69eb119470c11cbd3', 9690840703409570833n],
      ['05ffba630924aa1224bb930dde21c0d11bf004608f2812217f8ac812d6c7e3ad48', 4532060000165252872n],
      ['05eeeeeeeeeeeeeeee777777777777777711111111111111118888888888888888', 0n],
      ['050123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 0n],
      ['05fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe', 1n],
      ['05ffffffffffffffffffffffffffffffffffffffffffffffff7fffffffffffffff', 1n << 63n],
      ['05000000000000000000000000000000000000000000000000ffffffffffffffff', RING - 1n],
      ['050000000000000000000000000000000000000000000000000123456789abcdef', 0x0123456789abcdefn],
    ];
    for (const [account, position] of vectors) assert.equal(accountPosition(account), position, account);
    assert.equal(accountPosition(vectors[0]![0].toUpperCase()), vectors[0]![1], 'hex is case-insensitive');
  });

  it("picks the anchor's nearest swarm: exact, nearest, wrap-around, ties to the lower neighbour", () => {
    const ids = [100n, 200n, 300n, 399n, 498n, 596n, 694n];
    const at = (hexTail: string) => `05${hexTail.padStart(64, '0')}`;
    const cases: [string, bigint][] = [
      ['64', 100n], ['c8', 200n], ['1f2', 498n], // exact
      ['0', 100n], ['1', 100n], // nearest
      ['8000000000000000', 694n], ['a000000000000000', 100n], // wrap-around
      ['ffffffffffffffff', 100n], ['fffffffffffffffe', 100n],
      ['95', 100n], ['96', 100n], ['97', 200n], // midpoints go down
      ['f9', 200n], ['fa', 200n], ['fb', 300n],
      ['15d', 300n], ['15e', 399n],
      ['1c0', 399n], ['1c1', 498n],
      ['222', 498n], ['223', 498n], ['224', 596n],
      ['285', 596n], ['286', 694n],
      ['800000000000018c', 694n], ['800000000000018d', 694n], ['800000000000018e', 100n], // the long way round
    ];
    for (const [tail, id] of cases) assert.equal(swarmForAccount(ids, at(tail)), id, tail);

    const withTop = [...ids, RING - 20n];
    assert.equal(swarmForAccount(withTop, at('27')), RING - 20n);
    assert.equal(swarmForAccount(withTop, at('28')), RING - 20n, 'a tie at the wrap goes to the last swarm');
    assert.equal(swarmForAccount(withTop, at('29')), 100n);

    const withZero = [0n, ...withTop];
    assert.equal(swarmForAccount(withZero, at('ffffffffffffffff')), 0n, 'max-u64 is one away from 0');
    assert.equal(swarmForAccount(withZero, at('fffffffffffffffe')), 0n);
  });

  it('agrees with a brute force over every id (random ids and positions)', () => {
    const u64 = fc.bigInt({ min: 0n, max: RING - 1n });
    fc.assert(
      fc.property(fc.uniqueArray(u64, { minLength: 1, maxLength: 12 }), u64, (unsorted, position) => {
        const ids = [...unsorted].sort((a, b) => (a < b ? -1 : 1));
        // The nearest id going up (mod 2^64) and going down; up wins only when strictly nearer.
        const up = (id: bigint) => (id - position + RING) % RING;
        const down = (id: bigint) => (position - id + RING) % RING;
        const right = ids.reduce((best, id) => (up(id) < up(best) ? id : best));
        const left = ids.reduce((best, id) => (down(id) < down(best) ? id : best));
        const expected = ids.length === 1 ? ids[0] : up(right) < down(left) ? right : left;
        assert.equal(swarmForPosition(ids, position), expected);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what is not an account, and an empty network, with a reason', () => {
    for (const bad of ['05', '05' + '0'.repeat(63), '05' + 'g'.repeat(64), '0x' + '0'.repeat(64), ' 05' + '0'.repeat(64)]) {
      assert.throws(() => accountPosition(bad), (e: unknown) => e instanceof StorageRpcError && e.status === 400 && /66 hex digits/.test(e.reason), bad);
    }
    assert.throws(() => accountPosition(42 as unknown as string), (e: unknown) => e instanceof StorageRpcError && e.status === 400);
    assert.throws(() => swarmForPosition([], 5n), (e: unknown) => e instanceof StorageRpcError && e.status === 503 && /no active nodes/.test(e.reason));
  });
});
