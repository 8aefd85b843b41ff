import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from 'viem';
import {
  checkName,
  formatAccountId,
  InvalidAccountIdError,
  InvalidNameError,
  makeCommitment,
  nameHash,
  normaliseName,
  OxenImportError,
  parseAccountId,
  parseOxenImportFile,
  parseOxenImportRows,
  splitExpiredOxenRows,
} from '../src/names/index.ts';

const ONS_RULE = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

describe('sdk names: rules', () => {
  it('normalises case and accepts the Oxen rule', () => {
    assert.equal(normaliseName('Alice_01'), 'alice_01');
    assert.equal(normaliseName('a-b'), 'a-b');
    assert.equal(normaliseName('_x_'), '_x_');
    assert.equal(normaliseName('x'.repeat(64)), 'x'.repeat(64));
  });

  it('refuses with a typed reason and position', () => {
    const cases: Array<[string, number, number]> = [
      ['', 1, 0],
      ['x'.repeat(65), 2, 64],
      ['ab c', 3, 2],
      ['é', 3, 0],
      ['-ab', 4, 0],
      ['ab-', 5, 2],
      ['a.b', 3, 1],
    ];
    for (const [name, reason, position] of cases) {
      assert.throws(
        () => normaliseName(name),
        (e: unknown) => e instanceof InvalidNameError && e.reason === reason && e.position === position && e.message.includes('not a valid Session name'),
        name,
      );
    }
  });

  it('accepts exactly what the lowercased Oxen regex accepts (1–64 chars)', () => {
    const char = fc.constantFrom(...'aZ09_-. é'.split(''));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 70 }).map((c) => c.join('')), (name) => {
        const lower = name.replace(/[A-Z]/g, (c) => c.toLowerCase());
        const expected = ONS_RULE.test(lower) && new TextEncoder().encode(lower).length <= 64;
        assert.equal(checkName(name).ok, expected, JSON.stringify(name));
      }),
      { numRuns: 500 },
    );
  });

  it('name hash is blake2b-256 of the lowercased name, as ONS stored it', () => {
    assert.equal(nameHash('Alice'), bytesToHex(blake2b(new TextEncoder().encode('alice'), { dkLen: 32 })));
  });
});

describe('sdk names: account IDs, commitments, import file', () => {
  const id = `05${'ab'.repeat(32)}`;
  it('parses and formats Session account IDs', () => {
    assert.equal(parseAccountId(id), `0x${'ab'.repeat(32)}`);
    assert.equal(parseAccountId(id.toUpperCase().replace('0X', '0x')), `0x${'ab'.repeat(32)}`);
    assert.equal(formatAccountId(parseAccountId(id)), id);
    assert.equal(formatAccountId(`0x${'00'.repeat(32)}`), undefined);
    for (const bad of ['', '05', id.slice(0, 65), `${id}0`, `15${'ab'.repeat(32)}`, `05${'g'.repeat(64)}`, `05${'0'.repeat(64)}`]) {
      assert.throws(() => parseAccountId(bad), InvalidAccountIdError, bad);
    }
  });

  it('a commitment binds every field and ignores case', () => {
    const base = { registrar: '0x1111111111111111111111111111111111111111', name: 'alice', owner: '0x2222222222222222222222222222222222222222', accountId: parseAccountId(id), secret: `0x${'01'.repeat(32)}` } as const;
    const c = makeCommitment(base);
    assert.equal(makeCommitment({ ...base, name: 'ALICE' }), c);
    assert.notEqual(makeCommitment({ ...base, name: 'alicf' }), c);
    assert.notEqual(makeCommitment({ ...base, owner: '0x3333333333333333333333333333333333333333' }), c);
    assert.notEqual(makeCommitment({ ...base, accountId: parseAccountId(`05${'cd'.repeat(32)}`) }), c);
    assert.notEqual(makeCommitment({ ...base, secret: `0x${'02'.repeat(32)}` }), c);
    assert.notEqual(makeCommitment({ ...base, registrar: '0x4444444444444444444444444444444444444444' }), c);
  });

  it('parses the Oxen import file and names the bad line', () => {
    const good = JSON.stringify({ nameHash: `0x${'11'.repeat(32)}`, accountId: id, expiry: 1_800_000_000, ownerKey: `0x${'22'.repeat(32)}` });
    const entries = parseOxenImportFile(`# header\n${good}\n\n${good}\n`);
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[0], { nameHash: `0x${'11'.repeat(32)}`, accountId: `0x${'ab'.repeat(32)}`, expiry: 1_800_000_000n, ownerKey: `0x${'22'.repeat(32)}` });
    assert.throws(() => parseOxenImportFile(`${good}\n{"nameHash":"0x12"}`), (e: unknown) => e instanceof OxenImportError && e.message.startsWith('line 2'));
    assert.throws(() => parseOxenImportFile(`${good.replace(id, '05xx')}`), OxenImportError);
    assert.throws(() => parseOxenImportFile('not json'), OxenImportError);
    assert.throws(() => parseOxenImportFile(`${good}\n${good.replace('1800000000', '0')}`), (e: unknown) => e instanceof OxenImportError && e.line === 2 && /expiry/.test(e.reason));
  });

  it('keeps each row\'s line and sets aside rows that are not active after `now`', () => {
    const row = (expiry: number) => JSON.stringify({ nameHash: `0x${'11'.repeat(32)}`, accountId: id, expiry, ownerKey: `0x${'22'.repeat(32)}` });
    const rows = parseOxenImportRows(`# header\n${row(101)}\n\n${row(100)}\n${row(99)}`);
    assert.deepEqual(rows.map((r) => r.line), [2, 4, 5]);
    const { live, expired } = splitExpiredOxenRows(rows, 100n);
    assert.deepEqual(live.map((r) => r.line), [2], 'expiry must be strictly after now, as the contract requires');
    assert.deepEqual(expired.map((r) => [r.line, r.entry.expiry]), [[4, 100n], [5, 99n]]);
  });
});
