/** Signatures and authorization: each method's signed text, the round trip, and every refusal code. */
import assert from 'node:assert/strict';
import { refused } from './storage-refused.ts';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ed25519AccountFromSeed, sessionKeysFromSeed } from '../src/storage/account.ts';
import { parseRequest, type StorageRequest } from '../src/storage/methods.ts';
import { buildParams } from '../src/storage/request-builder.ts';
import { allScopeHashes, authorizeRequest, requestText, resultText, signText, verifyText } from '../src/storage/signatures.ts';
import { ed25519PublicKey } from '../src/crypto/ed25519.ts';

const NOW = 1_767_000_000_000;
const alice = sessionKeysFromSeed(new Uint8Array(32).fill(11));
const mallory = sessionKeysFromSeed(new Uint8Array(32).fill(12));
const group = ed25519AccountFromSeed(new Uint8Array(32).fill(13));
const HASH = 'A'.repeat(43);
const HASH2 = 'B'.repeat(42) + 'c';

const parse = (method: string, params: Record<string, unknown>) => parseRequest(method, params);
const authorize = (req: StorageRequest, now = NOW, forwarded = false) => authorizeRequest(req, now, { forwarded });

describe('storage request texts (the anchor strings)', () => {
  it('concatenates method, namespace ("" for 0, "all") and the values without separators', () => {
    assert.equal(requestText.store(0, NOW), `store${NOW}`);
    assert.equal(requestText.store(-42, NOW), `store-42${NOW}`);
    assert.equal(requestText.retrieve(0, NOW), `retrieve${NOW}`);
    assert.equal(requestText.retrieve(3, NOW), `retrieve3${NOW}`);
    assert.equal(requestText.delete([HASH, HASH2]), `delete${HASH}${HASH2}`);
    assert.equal(requestText.delete_all('all', NOW), `delete_allall${NOW}`);
    assert.equal(requestText.delete_all(0, NOW), `delete_all${NOW}`);
    assert.equal(requestText.delete_before(99, NOW), `delete_before99${NOW}`);
    assert.equal(requestText.expire_all(-10, NOW), `expire_all-10${NOW}`);
    assert.equal(requestText.expire('shorten', [NOW], [HASH]), `expireshorten${NOW}${HASH}`);
    assert.equal(requestText.expire(undefined, [NOW, NOW + 1], [HASH, HASH2]), `expire${NOW}${NOW + 1}${HASH}${HASH2}`);
    assert.equal(requestText.get_expiries(NOW, [HASH]), `get_expiries${NOW}${HASH}`);
  });

  it('node result texts: account hex, then the values, then the hashes', () => {
    const id = alice.sessionId;
    assert.equal(resultText.store(HASH), HASH);
    assert.equal(resultText.delete(id, [HASH2, HASH], [HASH]), `${id}${HASH2}${HASH}${HASH}`);
    assert.equal(resultText.delete_all(id, NOW, [HASH]), `${id}${NOW}${HASH}`);
    assert.equal(resultText.expire(id, [NOW], [HASH, HASH2], [HASH], { [HASH2]: NOW + 5 }), `${id}${NOW}${HASH}${HASH2}${HASH}${HASH2}${NOW + 5}`);
    assert.deepEqual(allScopeHashes({ '0': [HASH2], '5': [HASH] }), [HASH, HASH2]);
    const nodeSeed = new Uint8Array(32).fill(99);
    const sig = signText(resultText.store(HASH), nodeSeed);
    assert.ok(verifyText(HASH, sig, ed25519PublicKey(nodeSeed)));
    assert.ok(!verifyText(HASH2, sig, ed25519PublicKey(nodeSeed)));
  });
});

describe('storage authorization round trip', () => {
  const signedCases: [string, Record<string, unknown>][] = [
    ['store', buildParams.store({ to: alice.sessionId, data: new Uint8Array([1]), timestamp: NOW, ttl: 60_000, namespace: 5, signer: alice })],
    ['retrieve', buildParams.retrieve(alice, { timestamp: NOW })],
    ['retrieve', buildParams.retrieve(alice, { timestamp: NOW, namespace: -7, lastHash: HASH })],
    ['delete', buildParams.delete(alice, { messages: [HASH, HASH2] })],
    ['delete_all', buildParams.delete_all(alice, { timestamp: NOW, namespace: 'all' })],
    ['delete_before', buildParams.delete_before(alice, { before: NOW, namespace: 40 })],
    ['expire_all', buildParams.expire_all(alice, { expiry: NOW + 1000 })],
    ['expire', buildParams.expire(alice, { messages: [HASH, HASH2], expiry: [NOW + 1, NOW + 2], mode: 'extend' })],
    ['get_expiries', buildParams.get_expiries(alice, { messages: [HASH], timestamp: NOW })],
  ];

  it('accepts what the client signs, for a Session ID and for a group key', () => {
    for (const [method, params] of signedCases) authorize(parse(method, params));
    const g = { account: group.account, seed: group.seed, ed25519PublicKey: group.ed25519PublicKey };
    authorize(parse('delete_all', buildParams.delete_all(g, { timestamp: NOW })));
    authorize(parse('store', buildParams.store({ to: g.account.id, data: new Uint8Array(3), timestamp: NOW, ttl: 20_000, namespace: 11, signer: g })));
  });

  it('refuses every signed request with a wrong signature (401) and changes in any signed field (401)', () => {
    for (const [method, params] of signedCases) {
      const forged = { ...params, signature: signText('something else', alice.seed) };
      refused(() => authorize(parse(method, forged)), 401, /signature verification failed: sign exactly/);
    }
    const del = buildParams.delete(alice, { messages: [HASH] });
    refused(() => authorize(parse('delete', { ...del, messages: [HASH2] })), 401, /signature verification failed/);
    const da = buildParams.delete_all(alice, { timestamp: NOW });
    refused(() => authorize(parse('delete_all', { ...da, namespace: 'all' })), 401, /signature verification failed/);
  });

  it('refuses an ed25519 key that does not convert to the Session ID (401), even if it signed', () => {
    const params = buildParams.delete_all(mallory, { timestamp: NOW });
    refused(() => authorize(parse('delete_all', { ...params, pubkey: alice.sessionId })), 401, /pubkey_ed25519 does not convert to the X25519 key/);
    // Without pubkey_ed25519 a Session ID's X25519 bytes are tried as the key: never verifies.
    const bare = { ...buildParams.delete_all(alice, { timestamp: NOW }) };
    delete bare.pubkey_ed25519;
    refused(() => authorize(parse('delete_all', bare)), 401, /signature verification failed/);
  });

  it('refuses a stale or future signature timestamp (406), the node clock ±60 s; forwarded ±70 s', () => {
    const retrieve = parse('retrieve', buildParams.retrieve(alice, { timestamp: NOW }));
    authorize(retrieve, NOW + 60_000);
    refused(() => authorize(retrieve, NOW + 60_001), 406, /retrieve timestamp too far from current time/);
    refused(() => authorize(retrieve, NOW - 60_001), 406, /too far/);
    const da = parse('delete_all', buildParams.delete_all(alice, { timestamp: NOW }));
    refused(() => authorize(da, NOW + 65_000), 406, /delete_all timestamp/);
    authorize(da, NOW + 65_000, true);
    const ge = parse('get_expiries', buildParams.get_expiries(alice, { messages: [HASH], timestamp: NOW }));
    refused(() => authorize(ge, NOW - 61_000), 406, /get_expiries timestamp/);
    const st = parse('store', buildParams.store({ to: alice.sessionId, data: new Uint8Array(1), timestamp: NOW, sigTimestamp: NOW - 61_000, ttl: 60_000, namespace: 1, signer: alice }));
    refused(() => authorize(st, NOW), 406, /store signature timestamp too far/);
    const ea = parse('expire_all', buildParams.expire_all(alice, { expiry: NOW - 61_000 }));
    refused(() => authorize(ea, NOW), 406, /expire_all timestamp should be >= current time/);
  });

  it('lets anyone deposit into namespaces divisible by 10, and nowhere else (forged namespace write: 401)', () => {
    for (const ns of [0, 10, -30, 32760]) authorize(parse('store', buildParams.store({ to: alice.sessionId, data: new Uint8Array(2), timestamp: NOW, ttl: 20_000, namespace: ns })));
    for (const ns of [1, 5, -1, 11, 32767]) {
      refused(() => authorize(parse('store', buildParams.store({ to: alice.sessionId, data: new Uint8Array(2), timestamp: NOW, ttl: 20_000, namespace: ns }))), 401, /signature required to store to namespace/);
    }
    // A stranger signing with their own key for someone else's private namespace:
    const forged = buildParams.store({ to: alice.sessionId, data: new Uint8Array(2), timestamp: NOW, ttl: 20_000, namespace: 5, signer: mallory });
    refused(() => authorize(parse('store', { ...forged, pubkey: alice.sessionId })), 401, /pubkey_ed25519 does not convert/);
  });

  it('requires a signature to retrieve, except from -10 and public outboxes -(20n+1)', () => {
    refused(() => authorize(parse('retrieve', { pubkey: alice.sessionId })), 401, /retrieve: request signature required/);
    authorize(parse('retrieve', { pubkey: alice.sessionId, namespace: -10 }));
    authorize(parse('retrieve', { pubkey: alice.sessionId, namespace: -21 }));
    // An explicit private namespace needs auth fields at parse time:
    refused(() => parse('retrieve', { pubkey: alice.sessionId, namespace: 2 }), 400, /Required field 'signature' missing/);
  });

  it('refuses a TTL out of bounds (403) and a message from the future or already expired (406)', () => {
    const store = (ttl: number, ns = 0, timestamp = NOW) => parse('store', buildParams.store({ to: alice.sessionId, data: new Uint8Array(1), timestamp, ttl, namespace: ns }));
    authorize(store(10_000));
    refused(() => authorize(store(9_999)), 403, /expiry\/TTL is not valid/);
    authorize(store(14 * 86_400_000));
    refused(() => authorize(store(14 * 86_400_000 + 1)), 403, /TTL must be 10 s to 14 days in a public namespace/);
    const priv = parse('store', buildParams.store({ to: alice.sessionId, data: new Uint8Array(1), timestamp: NOW, ttl: 30 * 86_400_000, namespace: 3, signer: alice }));
    authorize(priv);
    refused(() => authorize(store(60_000, 0, NOW + 10_001)), 406, /Timestamp error: check your clock/);
    refused(() => authorize(store(20_000, 0, NOW - 31_000)), 406, /Timestamp error/);
  });

  it('refuses delete_before in the future and expire in the past (401, as the anchor does)', () => {
    refused(() => authorize(parse('delete_before', buildParams.delete_before(alice, { before: NOW + 61_000 }))), 401, /delete_before timestamp too far in the future/);
    refused(() => authorize(parse('expire', buildParams.expire(alice, { messages: [HASH], expiry: NOW - 61_000 }))), 401, /expire: timestamp should be >= current time/);
  });

  it('property: any signed request verifies, and changing any signed value breaks it', () => {
    const hashArb = fc.stringMatching(/^[A-Za-z0-9+/]{43}$/);
    const nsArb = fc.integer({ min: -32768, max: 32767 });
    const scopeArb = fc.oneof(nsArb, fc.constant('all' as const));
    const offArb = fc.integer({ min: -59_000, max: 59_000 });
    const caseArb = fc.oneof(
      fc.record({ m: fc.constant('retrieve'), ns: nsArb, off: offArb }).map((c) => ({ method: 'retrieve', params: buildParams.retrieve(alice, { timestamp: NOW + c.off, namespace: c.ns }), tamper: { namespace: c.ns === 7 ? 8 : 7 } })),
      fc.record({ scope: scopeArb, off: offArb }).map((c) => ({ method: 'delete_all', params: buildParams.delete_all(alice, { timestamp: NOW + c.off, namespace: c.scope }), tamper: { timestamp: NOW + c.off + 1 } })),
      fc.record({ scope: scopeArb, off: offArb }).map((c) => ({ method: 'delete_before', params: buildParams.delete_before(alice, { before: NOW + c.off, namespace: c.scope }), tamper: { namespace: c.scope === 'all' ? 0 : 'all' } })),
      fc.record({ scope: scopeArb, off: fc.nat(1e9) }).map((c) => ({ method: 'expire_all', params: buildParams.expire_all(alice, { expiry: NOW + c.off, namespace: c.scope }), tamper: { expiry: NOW + c.off + 1 } })),
      fc.record({ hs: fc.array(hashArb, { minLength: 1, maxLength: 5 }) }).map((c) => ({ method: 'delete', params: buildParams.delete(alice, { messages: c.hs }), tamper: { messages: [...c.hs, HASH] } })),
      fc.record({ hs: fc.array(hashArb, { minLength: 1, maxLength: 5 }), mode: fc.constantFrom(undefined, 'shorten' as const, 'extend' as const), off: fc.nat(1e9) }).map((c) => ({
        method: 'expire', params: buildParams.expire(alice, { messages: c.hs, expiry: NOW + c.off, mode: c.mode }), tamper: c.mode ? { [c.mode]: false } : { shorten: true },
      })),
      fc.record({ hs: fc.array(hashArb, { minLength: 1, maxLength: 5 }), off: offArb }).map((c) => ({ method: 'get_expiries', params: buildParams.get_expiries(alice, { messages: c.hs, timestamp: NOW + c.off }), tamper: { messages: c.hs.slice(0, -1).concat(HASH2) } })),
      fc.record({ ns: nsArb.filter((n) => n % 10 !== 0), off: offArb }).map((c) => ({
        method: 'store', params: buildParams.store({ to: alice.sessionId, data: new Uint8Array([1, 2]), timestamp: NOW, sigTimestamp: NOW + c.off, ttl: 60_000, namespace: c.ns, signer: alice }), tamper: { sig_timestamp: NOW + c.off + 1 },
      })),
    );
    fc.assert(
      fc.property(caseArb, ({ method, params, tamper }) => {
        authorize(parse(method, params));
        refused(() => authorize(parse(method, { ...params, ...tamper })), 401, /signature verification failed/);
      }),
      { numRuns: 400 },
    );
  });
});
