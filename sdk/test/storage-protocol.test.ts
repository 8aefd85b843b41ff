import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { ed25519ToX25519, ed25519AccountFromSeed, parseAccount, sessionKeysFromSeed, signingKeyOf } from '../src/storage/account.ts';
import { fromBase64, isBase64, toBase64 } from '../src/storage/encoding.ts';
import { messageHash } from '../src/storage/message-hash.ts';
import { StorageRpcError } from '../src/storage/types.ts';

/** The anchor's own vector: unit_test/service_node.cpp, "service nodes - message hashing". */
const VECTOR = {
  pubkey: '05ffba630924aa1224bb930dde21c0d11bf004608f2812217f8ac812d6c7e3ad48',
  data:
    'CAES1gIKA1BVVBIPL2FwaS92MS9tZXNzYWdlGrsCCAYovfqZv4YvQq8CVwutUBbhRzZw80TvR6uTYMKg9DSag' +
    'rtpeEpY31L7VxawfS8aSya0SiDa4J025SkjP13YX8g5pxgQ8Z6hgfNArMqr/tSijJ9miVKVDJ63YWE85O8kyW' +
    'F8tdtZR5j0Vxb+JH5U8Rg1bp7ftKk3OSf7JJMcrUUrDnctQHe540zJ2OTDJ03DfubkX5NmKqEu5nhXGxeeDv3' +
    'mTiL63fjtCvZYcikfjf6Nh1AX++HTgJ9SGoEIMastGUorFrmmXb2sbjHxNiJn0Radj/VzcA9VxYwBW5+AbGQ2' +
    'd9+vvm7X+8vh+jIenJfjxf+8CWER+9adNfb4YUH07I+godNCV0O0J05gzqfKdT7J8MBZzFBtKrbk8oCagPpTs' +
    'q/wZyYFKFKKD+q+zh704dYBILvs5yXUA96pIAA=',
  expected: '4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs',
};

const rejects = (f: () => unknown, status: number, reason: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof StorageRpcError && e.status === status && reason.test(e.reason));

describe('storage message hash', () => {
  it("reproduces the anchor's message-hashing test vector", () => {
    const data = fromBase64(VECTOR.data)!;
    assert.equal(messageHash(parseAccount(VECTOR.pubkey), 0, data), VECTOR.expected);
  });

  it('hashes type byte, key, decimal namespace (empty for 0) and data, unpadded base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 33, maxLength: 33 }), fc.integer({ min: -32768, max: 32767 }), fc.uint8Array({ maxLength: 300 }), (pk, ns, data) => {
        const acc = parseAccount(Buffer.from(pk).toString('hex'));
        const nsBytes = new TextEncoder().encode(ns === 0 ? '' : String(ns));
        const expected = Buffer.from(blake2b(Buffer.concat([pk, nsBytes, data]), { dkLen: 32 })).toString('base64').replace(/=+$/, '');
        const got = messageHash(acc, ns, data);
        assert.equal(got, expected);
        assert.equal(got.length, 43);
      }),
      { numRuns: 200 },
    );
  });

  it('differs by namespace and by account type byte', () => {
    const data = new Uint8Array([1, 2, 3]);
    const a = parseAccount(`05${'11'.repeat(32)}`);
    const b = parseAccount(`03${'11'.repeat(32)}`);
    assert.notEqual(messageHash(a, 0, data), messageHash(a, 10, data));
    assert.notEqual(messageHash(a, 0, data), messageHash(b, 0, data));
  });
});

describe('storage accounts', () => {
  it('parses 66 hex digits of any type byte, lower-cased', () => {
    const acc = parseAccount(`05${'AB'.repeat(32)}`);
    assert.equal(acc.id, `05${'ab'.repeat(32)}`);
    assert.equal(acc.type, 5);
    assert.equal(acc.key.length, 32);
    assert.equal(parseAccount(`03${'00'.repeat(32)}`).type, 3);
  });

  it('refuses anything else with 400 and the expected shape', () => {
    for (const bad of ['', '05', `05${'a'.repeat(63)}`, `05${'g'.repeat(64)}`, `0x${'a'.repeat(64)}`, 'a'.repeat(64)]) rejects(() => parseAccount(bad), 400, /66 hex digits/);
    for (const bad of [5, null, undefined, {}, ['05']]) rejects(() => parseAccount(bad), 400, /expected string/);
  });

  it('derives a Session ID from a seed as 05 + X25519(ed25519 pub), and its signing key', () => {
    const seed = new Uint8Array(32).fill(7);
    const keys = sessionKeysFromSeed(seed);
    assert.deepEqual(keys.ed25519PublicKey, ed25519.getPublicKey(seed));
    assert.equal(keys.sessionId, `05${Buffer.from(ed25519.utils.toMontgomery(keys.ed25519PublicKey)).toString('hex')}`);
    assert.deepEqual(signingKeyOf(keys.account, keys.ed25519PublicKey), keys.ed25519PublicKey);
  });

  it('refuses an ed25519 key that does not convert to the Session ID', () => {
    const mine = sessionKeysFromSeed(new Uint8Array(32).fill(1));
    const other = sessionKeysFromSeed(new Uint8Array(32).fill(2));
    assert.equal(signingKeyOf(mine.account, other.ed25519PublicKey), undefined);
    // pubkey_ed25519 only speaks for 05 accounts
    const group = ed25519AccountFromSeed(new Uint8Array(32).fill(3));
    assert.equal(signingKeyOf(group.account, group.ed25519PublicKey), undefined);
    assert.deepEqual(signingKeyOf(group.account, undefined), group.ed25519PublicKey);
  });

  it('does not convert off-curve or small-order points', () => {
    assert.equal(ed25519ToX25519(new Uint8Array(31)), undefined);
    assert.equal(ed25519ToX25519(Uint8Array.from(Buffer.from('01' + '00'.repeat(31), 'hex'))), undefined); // identity
    let offCurve: Uint8Array | undefined;
    for (let i = 2; i < 255 && !offCurve; i++) {
      const b = new Uint8Array(32);
      b[0] = i;
      try {
        ed25519.Point.fromBytes(b);
      } catch {
        offCurve = b;
      }
    }
    assert.ok(offCurve);
    assert.equal(ed25519ToX25519(offCurve), undefined);
  });
});

describe('storage base64', () => {
  it('accepts both alphabets, optional padding, and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const b64 = toBase64(bytes);
        assert.deepEqual(fromBase64(b64), bytes);
        assert.deepEqual(fromBase64(b64.replace(/=+$/, '')), bytes);
        assert.deepEqual(fromBase64(b64.replace(/\+/g, '-').replace(/\//g, '_')), bytes);
      }),
    );
  });

  it('refuses what is not base64', () => {
    for (const bad of ['a', 'ab=c', 'abc$', 'ab c', '====', 'abcde', 'ab==cd==', 'abc==']) assert.equal(isBase64(bad), false, bad);
  });
});
