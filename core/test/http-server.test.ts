import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createJsonServer, route } from '../http/server.ts';
import { createRateLimiter } from '../http/rate-limit.ts';
import { hex, integer, object, oneOf, parseBody } from '../http/validate.ts';
import { HttpError } from '../http/errors.ts';

/** Starts helpers/http-child.ts and resolves with its URL once it listens. */
function startChild(script: string, args: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

const rawRequest = (port: number, text: string) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (c) => (answer += c));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });

describe('JSON HTTP server (separate process)', () => {
  let server: Awaited<ReturnType<typeof startChild>>;
  const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(server.url + path, { method: 'POST', headers, body });
  const expectRefusal = async (response: Response, status: number, error: string, reasonPart?: RegExp) => {
    assert.equal(response.status, status);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const body = (await response.json()) as { error: string; reason: string };
    assert.equal(body.error, error);
    assert.equal(typeof body.reason, 'string');
    if (reasonPart) assert.match(body.reason, reasonPart);
  };

  before(async () => {
    server = await startChild('./helpers/http-child.ts');
  });
  after(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('answers a valid request', async () => {
    const response = await post('/echo', JSON.stringify({ name: 'ada', amount: '21', tags: ['x'] }));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { name: 'ada', doubled: '42', tags: ['x'] });
    const item = await fetch(`${server.url}/items/a%20b`);
    assert.equal(item.status, 201);
    assert.deepEqual(await item.json(), { id: 'a b' });
  });

  it('refuses malformed JSON, wrong types, unknown fields and wrong content types with 4xx JSON', async () => {
    await expectRefusal(await post('/echo', '{"name": "ada",'), 400, 'malformed_json');
    await expectRefusal(await post('/echo', '\u0000\u00ff garbage'), 400, 'malformed_json');
    await expectRefusal(await post('/echo', JSON.stringify({ name: 5, amount: '1' })), 400, 'invalid_body', /body\.name: expected a string, got number/);
    await expectRefusal(await post('/echo', JSON.stringify({ name: 'ada', amount: 1 })), 400, 'invalid_body', /body\.amount/);
    await expectRefusal(await post('/echo', JSON.stringify({ name: 'ada', amount: '-1' })), 400, 'invalid_body', /≥ 0/);
    await expectRefusal(await post('/echo', JSON.stringify({ name: 'ada', amount: '1', admin: true })), 400, 'invalid_body', /body\.admin: no such field/);
    await expectRefusal(await post('/echo', JSON.stringify({ name: 'ada', amount: '1', tags: ['a', 'b', 'c', 'd'] })), 400, 'invalid_body', /at most 3/);
    await expectRefusal(await post('/echo', JSON.stringify([1, 2])), 400, 'invalid_body', /expected an object, got array/);
    await expectRefusal(await post('/echo', 'null'), 400, 'invalid_body');
    await expectRefusal(await post('/echo', '{"__proto__":{"admin":true},"name":"a","amount":"1"}'), 400, 'invalid_body', /body\.__proto__: no such field/);
    await expectRefusal(await post('/echo', `${'['.repeat(500)}${']'.repeat(500)}`), 400, 'invalid_body', /expected an object, got array/);
    await expectRefusal(await post('/echo', ''), 400, 'invalid_body');
    await expectRefusal(await post('/echo', '{"name":"a","amount":"1"}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    await expectRefusal(await fetch(`${server.url}/items/taken`), 409, 'conflict', /taken/);
  });

  it('refuses oversized bodies, declared or streamed, with 413', async () => {
    await expectRefusal(await post('/echo', JSON.stringify({ name: 'x'.repeat(5_000), amount: '1' })), 413, 'payload_too_large', /1024 bytes/);
    // Chunked: no content-length, the limit is enforced while reading.
    const chunked = await rawRequest(
      Number(new URL(server.url).port),
      `POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n800\r\n${'a'.repeat(0x800)}\r\n`,
    );
    assert.match(chunked, /^HTTP\/1.1 413/);
    assert.match(chunked, /"error":"payload_too_large"/);
  });

  it('answers unknown routes 404, wrong methods 405, handler bugs 500 and raw garbage 400, and stays up', async () => {
    await expectRefusal(await fetch(`${server.url}/nope`), 404, 'not_found', /\/nope/);
    const wrongMethod = await fetch(`${server.url}/echo`);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    await expectRefusal(wrongMethod, 405, 'method_not_allowed');
    await expectRefusal(await fetch(`${server.url}/boom`), 500, 'internal');
    const garbage = await rawRequest(Number(new URL(server.url).port), 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1.1 400/);
    const badPercent = await fetch(`${server.url}/items/%E0%A4%A`);
    assert.equal(badPercent.status, 404);
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(server.child.exitCode, null, 'the process is still running');
  });

  it('shuts down gracefully: an in-flight request completes, then the process exits 0', async () => {
    const slow = fetch(`${server.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGTERM');
    const response = await slow;
    assert.deepEqual(await response.json(), { slow: true });
    const code = await new Promise((r) => server.child.once('exit', r));
    assert.equal(code, 0);
    assert.match(server.output(), /closed/);
  });
});

describe('rate limiting and validators', () => {
  it('answers 429 with retry-after once an IP has used its bucket, and refills', async () => {
    let t = 0; // a fixed clock: the test must not depend on how fast this machine is
    const api = createJsonServer({ routes: [route('GET', '/x', () => ({ ok: true }))], rateLimit: { capacity: 3, refillPerSecond: 2, now: () => t } });
    const { url } = await api.listen(0);
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${url}/x`)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const limited = await fetch(`${url}/x`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '1');
      assert.equal(((await limited.json()) as { error: string }).error, 'rate_limited');
      t += 500;
      assert.equal((await fetch(`${url}/x`)).status, 200, 'one token back after 0.5 s at 2/s');
      assert.equal((await fetch(`${url}/x`)).status, 429);
      const unknown = await fetch(`${url}/nope`);
      assert.equal(unknown.status, 429, 'the limit applies before routing, so probing unknown routes costs tokens too');
    } finally {
      await api.close();
    }
  });

  it('a route with its own limits: its own buckets and body limit, the others untouched', async () => {
    const t = 0;
    const api = createJsonServer({
      routes: [
        route('GET', '/x', () => ({ ok: true })),
        route('POST', '/busy', () => ({ ok: true }), { bodyLimit: 200_000, rateLimit: { perIp: { capacity: 5, refillPerSecond: 1, now: () => t } } }),
      ],
      rateLimit: { capacity: 2, refillPerSecond: 1, now: () => t },
      bodyLimit: 1000,
    });
    const { url } = await api.listen(0);
    const busy = (body = '{}') => fetch(`${url}/busy`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status);
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push(await busy());
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429], 'the route has 5 tokens, not the server\'s 2');
      assert.deepEqual([(await fetch(`${url}/x`)).status, (await fetch(`${url}/x`)).status, (await fetch(`${url}/x`)).status], [200, 200, 429], 'the other routes keep theirs');
      const api2 = createJsonServer({ routes: [route('POST', '/busy', () => ({ ok: true }), { bodyLimit: 200_000 }), route('POST', '/small', () => ({ ok: true }))], rateLimit: false, bodyLimit: 1000 });
      const { url: url2 } = await api2.listen(0);
      const big = JSON.stringify({ data: 'a'.repeat(100_000) });
      const postTo = (path: string) => fetch(`${url2}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }).then((r) => r.status);
      assert.deepEqual([await postTo('/busy'), await postTo('/small')], [200, 413]);
      await api2.close();
    } finally {
      await api.close();
    }
  });

  it('token buckets are per key and bounded in memory', () => {
    let t = 0;
    const limiter = createRateLimiter({ capacity: 2, refillPerSecond: 1, maxKeys: 3, now: () => t });
    assert.ok(limiter.take('a').ok && limiter.take('a').ok);
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSec: 1 });
    assert.ok(limiter.take('b').ok, 'another IP has its own bucket');
    t = 1_000;
    assert.ok(limiter.take('a').ok);
    for (const k of ['c', 'd', 'e']) limiter.take(k);
    assert.equal(limiter.size(), 3);
  });

  it('validators name the path and what was expected', () => {
    const v = object({ nonce: hex({ bytes: 4 }), n: integer({ min: 1, max: 9 }), kind: oneOf('a', 'b') });
    assert.deepEqual(parseBody(v, { nonce: '0xABCDEF01', n: 3, kind: 'a' }), { nonce: '0xabcdef01', n: 3, kind: 'a' });
    const refusal = (body: unknown) => {
      try {
        parseBody(v, body);
      } catch (e) {
        assert.ok(e instanceof HttpError && e.status === 400);
        return e.reason;
      }
      assert.fail('accepted');
    };
    assert.match(refusal({ nonce: '0xabcd', n: 3, kind: 'a' }), /body\.nonce: expected 0x-prefixed hex of 4 bytes/);
    assert.match(refusal({ nonce: '0xabcdef01', n: 1.5, kind: 'a' }), /body\.n: expected an integer/);
    assert.match(refusal({ nonce: '0xabcdef01', n: 10, kind: 'a' }), /≤ 9/);
    assert.match(refusal({ nonce: '0xabcdef01', n: 2, kind: 'c' }), /one of "a", "b"/);
    assert.match(refusal({ n: 2, kind: 'a' }), /body\.nonce: expected .* got undefined/);
  });
});
