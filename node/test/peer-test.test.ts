import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateEd25519Identity } from '../../core/keys/ed25519.ts';
import { answerChallenge, challengeMessage, newNonce, verifyChallengeAnswer, type Hex } from '../src/peers/challenge.ts';
import { peerTestRoute, probePeer } from '../src/peers/http.ts';
import { createJsonServer, route } from '../../core/http/server.ts';

const CHAIN = 421614;
const NOW = 1_800_000_000;

describe('peer challenge (pure)', () => {
  const peer = generateEd25519Identity();
  const nonce = newNonce();
  const answer = answerChallenge({ identity: peer, chainId: CHAIN, nonce, ledgerRoot: 'root-abc', now: NOW + 0.9 });
  const expect = { chainId: CHAIN, nonce, nodeKey: peer.nodeId, now: NOW + 5 };

  it('accepts a valid answer and returns the ledger root', () => {
    assert.deepEqual(verifyChallengeAnswer(answer, expect), { ok: true, ledgerRoot: 'root-abc' });
    assert.equal(answer.timestamp, NOW);
  });

  it('refuses a wrong key, a wrong nonce, a stale or future timestamp, a tampered root, another chain', () => {
    const other = generateEd25519Identity();
    // An impostor signing with its own key while claiming the peer's id.
    const forged = { ...answerChallenge({ identity: other, chainId: CHAIN, nonce, ledgerRoot: 'root-abc', now: NOW }), nodeId: peer.nodeId };
    const reason = (a: unknown, e = expect) => {
      const r = verifyChallengeAnswer(a, e);
      return r.ok ? 'ok' : r.reason;
    };
    assert.equal(reason(answer, { ...expect, nodeKey: other.nodeId }), 'wrong_node');
    assert.equal(reason(forged), 'bad_signature');
    assert.equal(reason(answer, { ...expect, nonce: newNonce() }), 'wrong_nonce');
    assert.equal(reason(answer, { ...expect, now: NOW + 61 }), 'stale');
    assert.equal(reason(answer, { ...expect, now: NOW + 60 }), 'ok', 'exactly at the limit is fresh');
    assert.equal(reason(answer, { ...expect, now: NOW - 11 }), 'from_the_future');
    assert.equal(reason({ ...answer, ledgerRoot: 'root-abd' }), 'bad_signature');
    assert.equal(reason(answer, { ...expect, chainId: 1 }), 'bad_signature', 'an answer for another chain does not verify');
    assert.equal(reason({ ...answer, timestamp: NOW + 1 }), 'bad_signature');
    assert.equal(reason({ ...answer, signature: '0x1234' }), 'malformed');
    assert.equal(reason(null), 'malformed');
    assert.equal(reason('{}'), 'malformed');
  });

  it('encodes messages injectively (the root length is part of the message)', () => {
    const base = { chainId: CHAIN, nonce, nodeId: peer.nodeId, timestamp: NOW };
    const a = challengeMessage({ ...base, ledgerRoot: 'ab' });
    const b = challengeMessage({ ...base, ledgerRoot: 'abc' });
    assert.notDeepEqual(a, b);
    assert.equal(new TextDecoder().decode(a.slice(0, 25)), 'session-node/peer-test/v1');
    assert.throws(() => challengeMessage({ ...base, nonce: '0x12' as Hex, ledgerRoot: '' }), /nonce must be 32 bytes/);
    assert.throws(() => challengeMessage({ ...base, ledgerRoot: 'x'.repeat(257) }), /longer than 256/);
  });
});

describe('peer test over HTTP', () => {
  it('a prober accepts an honest peer, refuses an impostor, and reports a dead peer as unreachable', async () => {
    const honest = generateEd25519Identity();
    const impostor = generateEd25519Identity();
    const serve = async (identity = honest, chainId = CHAIN) => {
      const api = createJsonServer({ routes: [peerTestRoute({ identity, chainId, ledgerRoot: () => 'root-1' })] });
      return { api, ...(await api.listen(0)) };
    };
    const a = await serve();
    const b = await serve(impostor);
    const slowApi = createJsonServer({ routes: [route('POST', '/peer/test', () => new Promise((r) => setTimeout(() => r({}), 500)))] });
    const slow = await slowApi.listen(0);
    try {
      const ok = await probePeer({ url: a.url, nodeKey: honest.nodeId, chainId: CHAIN });
      assert.equal(ok.ok, true);
      assert.equal(ok.ok && ok.ledgerRoot, 'root-1');
      const wrong = await probePeer({ url: b.url, nodeKey: honest.nodeId, chainId: CHAIN });
      assert.deepEqual(wrong.ok ? 'ok' : wrong.reason, 'wrong_node');
      const timeout = await probePeer({ url: slow.url, nodeKey: honest.nodeId, chainId: CHAIN, timeoutMs: 100 });
      assert.equal(timeout.ok ? 'ok' : timeout.reason, 'timeout');
      const badRequest = await fetch(`${a.url}/peer/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nonce":"0x12"}' });
      assert.equal(badRequest.status, 400);
      await a.api.close();
      const dead = await probePeer({ url: a.url, nodeKey: honest.nodeId, chainId: CHAIN });
      assert.equal(dead.ok ? 'ok' : dead.reason, 'unreachable');
    } finally {
      await a.api.close();
      await b.api.close();
      await slowApi.close(0);
    }
  });
});
