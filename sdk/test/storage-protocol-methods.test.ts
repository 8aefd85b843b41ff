/** Parsing every storage method: typed values out, the anchor's 400 for everything malformed, hostile JSON never crashes. */
import assert from 'node:assert/strict';
import { refused } from './storage-refused.ts';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sessionKeysFromSeed } from '../src/storage/account.ts';
import { toBase64 } from '../src/storage/encoding.ts';
import { MAX_MESSAGE_BYTES } from '../src/storage/limits.ts';
import { METHODS, parseRequest, parseRpcBody } from '../src/storage/methods.ts';
import { buildParams } from '../src/storage/request-builder.ts';
import { StorageRpcError } from '../src/storage/types.ts';

const NOW = 1_767_000_000_000;
const alice = sessionKeysFromSeed(new Uint8Array(32).fill(21));
const PK = alice.sessionId;
const HASH = 'h'.repeat(43);
const SIG = toBase64(new Uint8Array(64));

const store = (extra: Record<string, unknown> = {}) => ({ pubkey: PK, timestamp: NOW, ttl: 60_000, data: 'AAEC', ...extra });

describe('storage method parsing', () => {
  it('parses a store into typed values (ttl or expiry; stringified timestamp and ttl; pubKey alias)', () => {
    const r = parseRequest('store', store({ namespace: 20 }));
    assert.equal(r.method, 'store');
    if (r.method !== 'store') return;
    assert.equal(r.account.id, PK);
    assert.equal(r.namespace, 20);
    assert.equal(r.expiry, NOW + 60_000);
    assert.deepEqual(r.data, new Uint8Array([0, 1, 2]));
    assert.equal(r.auth, undefined);
    const s = parseRequest('store', { pubKey: PK, timestamp: String(NOW), ttl: '5000', data: '' });
    assert.ok(s.method === 'store' && s.expiry === NOW + 5000 && s.data.length === 0);
    const e = parseRequest('store', { pubkey: PK, timestamp: NOW, expiry: NOW + 7, data: 'AA==' });
    assert.ok(e.method === 'store' && e.expiry === NOW + 7);
  });

  it('refuses malformed stores with 400 and the field at fault', () => {
    refused(() => parseRequest('store', store({ data: 'not base64!' })), 400, /Invalid 'data' value: not base64 encoded/);
    refused(() => parseRequest('store', store({ data: toBase64(new Uint8Array(MAX_MESSAGE_BYTES + 1)) })), 400, /exceeds maximum allowed length of 76800 bytes/);
    parseRequest('store', store({ data: toBase64(new Uint8Array(MAX_MESSAGE_BYTES)) }));
    refused(() => parseRequest('store', store({ data: undefined })), 400, /Required field 'data' missing/);
    refused(() => parseRequest('store', store({ data: 5 })), 400, /'data': expected string/);
    refused(() => parseRequest('store', { pubkey: PK, ttl: 1, data: '' }), 400, /Required field 'timestamp' missing/);
    refused(() => parseRequest('store', store({ timestamp: NOW + 0.5 })), 400, /expected integer timestamp \(in milliseconds\)/);
    refused(() => parseRequest('store', store({ timestamp: 1_700_000 })), 400, /timestamp must be in milliseconds/);
    refused(() => parseRequest('store', store({ timestamp: '12ab' })), 400, /Invalid value given for 'timestamp'/);
    refused(() => parseRequest('store', store({ expiry: NOW })), 400, /Cannot specify both 'expiry' and 'ttl'/);
    refused(() => parseRequest('store', store({ ttl: undefined })), 400, /'expiry' or 'ttl' missing/);
    refused(() => parseRequest('store', store({ ttl: -5 })), 400, /'ttl': expected positive integer/);
    refused(() => parseRequest('store', store({ pubKey: PK })), 400, /Cannot specify both 'pubkey' and 'pubKey'/);
    refused(() => parseRequest('store', store({ pubkey: undefined })), 400, /Required field 'pubkey' missing/);
    refused(() => parseRequest('store', store({ pubkey: 'abc' })), 400, /66 hex digits/);
    refused(() => parseRequest('store', store({ namespace: 32768 })), 400, /value out of range/);
    refused(() => parseRequest('store', store({ namespace: -32769 })), 400, /value out of range/);
    refused(() => parseRequest('store', store({ namespace: 1.5 })), 400, /expected 16-bit integer/);
    refused(() => parseRequest('store', store({ namespace: '5' })), 400, /expected 16-bit integer/);
    refused(() => parseRequest('store', store({ signature: 'abc' })), 400, /invalid signature: expected base64 encoded Ed25519 signature/);
    refused(() => parseRequest('store', store({ signature: SIG, pubkey_ed25519: 'zz' })), 400, /Invalid pubkey_ed25519/);
    refused(() => parseRequest('store', store({ pubkey: `03${'ab'.repeat(32)}`, signature: SIG, pubkey_ed25519: 'ab'.repeat(32) })), 400, /only permitted for 05/);
    refused(() => parseRequest('store', store({ signature: SIG, subaccount: 'x'.repeat(48) })), 400, /subaccount tokens are not supported/);
  });

  it('parses and refuses the hash-list methods (delete, expire, get_expiries)', () => {
    const d = parseRequest('delete', { pubkey: PK, messages: HASH, signature: SIG });
    assert.ok(d.method === 'delete' && d.messages.length === 1 && d.required === false);
    refused(() => parseRequest('delete', { pubkey: PK, messages: [], signature: SIG }), 400, /does not contain any message hashes/);
    refused(() => parseRequest('delete', { pubkey: PK, messages: ['short'], signature: SIG }), 400, /invalid message hash: short/);
    refused(() => parseRequest('delete', { pubkey: PK, messages: [1], signature: SIG }), 400, /expected string array/);
    refused(() => parseRequest('delete', { pubkey: PK, messages: [HASH] }), 400, /Required field 'signature' missing/);
    refused(() => parseRequest('delete', { pubkey: PK, messages: new Array(10_001).fill(HASH), signature: SIG }), 400, /at most 10000/);
    const x = parseRequest('expire', { pubkey: PK, messages: [HASH, HASH], expiry: [NOW, NOW + 1], shorten: true, signature: SIG });
    assert.ok(x.method === 'expire' && x.mode === 'shorten' && x.expiry.length === 2);
    refused(() => parseRequest('expire', { pubkey: PK, messages: [HASH], expiry: [NOW, NOW], signature: SIG }), 400, /same length as 'messages'/);
    refused(() => parseRequest('expire', { pubkey: PK, messages: [HASH], expiry: NOW, shorten: true, extend: true, signature: SIG }), 400, /both 'shorten' and 'extend'/);
    refused(() => parseRequest('expire', { pubkey: PK, messages: [HASH], expiry: [], signature: SIG }), 400, /does not contain any expiration/);
    refused(() => parseRequest('expire', { pubkey: PK, messages: [HASH], expiry: NOW, shorten: 'yes', signature: SIG }), 400, /'shorten': expected boolean/);
    refused(() => parseRequest('get_expiries', { pubkey: PK, messages: [HASH], signature: SIG }), 400, /Required field 'timestamp' missing/);
  });

  it('parses scopes ("all" or a namespace) and refuses anything else', () => {
    const a = parseRequest('delete_all', { pubkey: PK, namespace: 'all', timestamp: NOW, signature: SIG });
    assert.ok(a.method === 'delete_all' && a.namespace === 'all');
    const b = parseRequest('delete_before', { pubkey: PK, before: NOW, signature: SIG });
    assert.ok(b.method === 'delete_before' && b.namespace === 0);
    refused(() => parseRequest('delete_all', { pubkey: PK, namespace: 'some', timestamp: NOW, signature: SIG }), 400, /expected integer or "all"/);
    refused(() => parseRequest('expire_all', { pubkey: PK, signature: SIG }), 400, /Required field 'expiry' missing/);
  });

  it('parses retrieve paging (last_hash / lastHash, empty = none) and refuses bad ones', () => {
    const r = parseRequest('retrieve', buildParams.retrieve(alice, { timestamp: NOW, lastHash: HASH, maxCount: 5 }));
    assert.ok(r.method === 'retrieve' && r.lastHash === HASH && r.maxCount === 5 && r.auth !== undefined);
    const e = parseRequest('retrieve', { ...buildParams.retrieve(alice, { timestamp: NOW }), lastHash: '' });
    assert.ok(e.method === 'retrieve' && e.lastHash === undefined);
    refused(() => parseRequest('retrieve', { ...buildParams.retrieve(alice, { timestamp: NOW }), last_hash: 'x' }), 400, /expected base64 \(43 chars\)/);
    refused(() => parseRequest('retrieve', { ...buildParams.retrieve(alice, { timestamp: NOW }), last_hash: '!'.repeat(43) }), 400, /not base64/);
    refused(() => parseRequest('retrieve', { ...buildParams.retrieve(alice, { timestamp: NOW }), last_hash: HASH, lastHash: HASH }), 400, /Cannot specify both/);
    refused(() => parseRequest('retrieve', { pubkey: PK, signature: SIG }), 400, /Required field 'timestamp' missing/);
  });

  it('parses batch and sequence up to 20 sub-requests, refusing more, nesting and bad members', () => {
    const sub = { method: 'info', params: {} };
    const b = parseRequest('batch', { requests: new Array(20).fill(sub) });
    assert.ok(b.method === 'batch' && b.requests.length === 20);
    refused(() => parseRequest('sequence', { requests: new Array(21).fill(sub) }), 400, /subrequest limit exceeded/);
    refused(() => parseRequest('batch', { requests: [] }), 400, /no valid "requests" field/);
    refused(() => parseRequest('batch', {}), 400, /no valid "requests" field/);
    refused(() => parseRequest('batch', { requests: [{ method: 'batch', params: { requests: [sub] } }] }), 400, /may not contain meta-requests/);
    refused(() => parseRequest('batch', { requests: [{ method: 'nope', params: {} }] }), 400, /invalid method "nope"/);
    refused(() => parseRequest('batch', { requests: [5] }), 400, /must be objects/);
    refused(() => parseRequest('batch', { requests: [{ method: 'info' }] }), 400, /method\/params keys/);
    refused(() => parseRequest('batch', { requests: [{ method: 'store', params: { pubkey: PK } }] }), 400, /Required field 'timestamp' missing/);
  });

  it('refuses unknown methods and bodies without method/params, naming what exists', () => {
    refused(() => parseRpcBody({ method: 'frobnicate', params: {} }), 400, /no method frobnicate \(methods: store, retrieve/);
    refused(() => parseRpcBody({ method: 'oxend_request', params: {} }), 400, /no oxend/);
    refused(() => parseRpcBody({ method: 'constructor', params: {} }), 400, /no method constructor/);
    refused(() => parseRpcBody({ params: {} }), 400, /no `method` field/);
    refused(() => parseRpcBody({ method: 'info' }), 400, /no `params` field/);
    refused(() => parseRpcBody({ method: 'info', params: [] }), 400, /no `params` field/);
    refused(() => parseRpcBody([1, 2]), 400, /no `method` field/);
    assert.equal(parseRpcBody({ method: 'get_snodes_for_pubkey', params: { pubKey: PK } }).method, 'get_swarm');
    assert.equal(parseRpcBody(JSON.parse('{"method":"info","params":{"__proto__":{"x":1}}}')).method, 'info');
  });

  it('never throws anything but a 400 StorageRpcError on arbitrary JSON', () => {
    const methodArb = fc.oneof(fc.constantFrom(...METHODS, 'ifelse', 'revoke_subaccount', '__proto__', 'toString'), fc.string());
    const fieldArb = fc.constantFrom('pubkey', 'pubKey', 'timestamp', 'ttl', 'expiry', 'data', 'namespace', 'signature', 'pubkey_ed25519', 'sig_timestamp', 'messages', 'last_hash', 'lastHash', 'before', 'shorten', 'extend', 'requests', 'max_count', 'max_size', 'required', 'subaccount');
    const valueArb = fc.oneof(fc.jsonValue(), fc.constant(PK), fc.constant(HASH), fc.constant(SIG), fc.constant(NOW), fc.constant('all'), fc.constant([HASH]));
    const paramsArb = fc.dictionary(fieldArb, valueArb);
    fc.assert(
      fc.property(methodArb, fc.oneof(paramsArb, fc.jsonValue()), (method, params) => {
        try {
          parseRpcBody(JSON.parse(JSON.stringify({ method, params })));
        } catch (e) {
          if (!(e instanceof StorageRpcError) || e.status !== 400) throw e;
          assert.ok(e.reason.length > 0 && e.reason.length < 400);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
