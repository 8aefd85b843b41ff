/** sesh messages: keys, help and the refusals that need no node. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sessionKeysFromSeed } from '../../sdk/src/storage/account.ts';
import { runSesh } from './run-sesh.ts';

const run = runSesh;

describe('sesh messages (offline)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sesh-messages-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keygen writes a 0600 seed whose Session ID it prints, and never overwrites it', async () => {
    const file = join(dir, 'me.seed');
    const r = await run('messages', 'keygen', '--out', file);
    assert.equal(r.code, 0, r.err);
    const seed = readFileSync(file, 'utf8').trim();
    assert.match(seed, /^[0-9a-f]{64}$/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const id = sessionKeysFromSeed(Buffer.from(seed, 'hex')).sessionId;
    assert.match(r.out, new RegExp(`Session ID ${id}`));
    const again = await run('messages', 'keygen', '--out', file);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists: keygen never overwrites/);
    assert.equal(readFileSync(file, 'utf8').trim(), seed);
    const idRun = await run('messages', 'id', '--seed-file', file, '--json');
    assert.equal(JSON.parse(idRun.out).sessionId, id);
  });

  it('explains what is missing or malformed', async () => {
    const bad = join(dir, 'bad.seed');
    writeFileSync(bad, 'zz');
    assert.match((await run('messages', 'id', '--seed-file', bad)).err, /must be 64 hex digits/);
    assert.match((await run('messages', 'id')).err, /pass --seed-file FILE/);
    assert.match((await run('messages', 'send', '05abc', 'hi', '--node', 'http://127.0.0.1:9')).err, /SESSION_ID: Pubkey must be 66 hex digits/);
    assert.match((await run('messages', 'send', `05${'ab'.repeat(32)}`, 'hi', '--deployments', join(dir, 'none.json'))).err, /no storage node to ask: pass --node URL/);
    assert.match((await run('messages', 'send', `05${'ab'.repeat(32)}`, 'hi', '--namespace', '40000', '--node', 'http://127.0.0.1:9')).err, /--namespace must be an integer from -32768 to 32767/);
    assert.match((await run('messages', 'send', `05${'ab'.repeat(32)}`, 'hi', '--ttl', '1.5', '--node', 'http://127.0.0.1:9')).err, /--ttl must be whole seconds/);
    const mine = join(dir, 'mine.seed');
    await run('messages', 'keygen', '--out', mine);
    assert.match((await run('messages', 'send', `05${'ab'.repeat(32)}`, 'hi', '--namespace', '3', '--seed-file', mine, '--node', 'http://127.0.0.1:9')).err, /namespace 3 is private/);
    assert.match((await run('messages', 'send', `05${'ab'.repeat(32)}`, 'hi', '--node', 'http://127.0.0.1:9')).err, /store refused \(503\): cannot reach the storage node/);
    assert.match((await run('messages', 'delete', '--seed-file', mine, '--node', 'http://127.0.0.1:9')).err, /give the HASH of each message/);
  });

  it('has help for every subcommand', async () => {
    for (const sub of ['keygen', 'id', 'send', 'receive', 'delete']) {
      const r = await run('messages', sub, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`messages ${sub}`));
    }
  });
});
