import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createEd25519KeyFile,
  loadEd25519KeyFile,
  loadOrCreateEd25519Key,
  signEd25519,
  verifyEd25519,
} from '../keys/ed25519.ts';
import { KeyFileError, readKeyFile, writeKeyFile } from '../keys/key-file.ts';

describe('key files', () => {
  const root = mkdtempSync(join(tmpdir(), 'sesh-keys-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates the ed25519 key with mode 0600 in a 0700 dir, loads it back, and never overwrites it', () => {
    const dir = join(root, 'a', 'keys');
    const first = loadOrCreateEd25519Key(dir);
    assert.equal(first.created, true);
    assert.equal(statSync(first.path).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.match(first.identity.nodeId, /^0x[0-9a-f]{64}$/);
    const again = loadOrCreateEd25519Key(dir);
    assert.equal(again.created, false);
    assert.equal(again.identity.nodeId, first.identity.nodeId);
    const before = readFileSync(first.path, 'utf8');
    assert.throws(() => createEd25519KeyFile(first.path), (e: Error) => e instanceof KeyFileError && /already exists; refusing to overwrite/.test(e.message));
    assert.equal(readFileSync(first.path, 'utf8'), before, 'the existing key is untouched');
    assert.deepEqual(readdirSync(dir), ['ed25519.key'], 'no temp files left behind');
  });

  it('signs and verifies; a wrong key or a changed message is refused', () => {
    const a = loadOrCreateEd25519Key(join(root, 'sig')).identity;
    const b = createEd25519KeyFile(join(root, 'sig', 'other.key'));
    const msg = new TextEncoder().encode('hello');
    const sig = signEd25519(a, msg);
    assert.equal(verifyEd25519(a.publicKey, msg, sig), true);
    assert.equal(verifyEd25519(b.publicKey, msg, sig), false);
    assert.equal(verifyEd25519(a.publicKey, new TextEncoder().encode('hellO'), sig), false);
    assert.equal(verifyEd25519(a.publicKey, msg, sig.slice(0, 10)), false, 'a malformed signature is false, not a throw');
  });

  it('refuses key files that are world-readable, of another type, damaged or tampered', () => {
    const dir = join(root, 'bad');
    const path = join(dir, 'ed25519.key');
    const identity = createEd25519KeyFile(path);
    chmodSync(path, 0o644);
    assert.throws(() => loadEd25519KeyFile(path), /readable by other users \(mode 644\); run chmod 600/);
    chmodSync(path, 0o600);
    assert.equal(loadEd25519KeyFile(path).nodeId, identity.nodeId);

    writeKeyFile(join(dir, 'bls.key'), { type: 'bls-bn254', secret: '0x01' });
    assert.throws(() => loadEd25519KeyFile(join(dir, 'bls.key')), /holds a bls-bn254 key, expected ed25519/);
    assert.deepEqual(readKeyFile(join(dir, 'bls.key'), 'bls-bn254'), { type: 'bls-bn254', secret: '0x01' });

    const tampered = join(dir, 'tampered.key');
    const other = createEd25519KeyFile(join(dir, 'other.key'));
    writeFileSync(tampered, JSON.stringify({ type: 'ed25519', secret: `0x${Buffer.from(identity.secretKey).toString('hex')}`, publicKey: other.nodeId }), { mode: 0o600 });
    assert.throws(() => loadEd25519KeyFile(tampered), /does not match the secret/);

    const broken = join(dir, 'broken.key');
    writeFileSync(broken, '{"type":"ed25519",', { mode: 0o600 });
    assert.throws(() => loadEd25519KeyFile(broken), /not a JSON key file/);
    assert.throws(() => loadEd25519KeyFile(join(dir, 'missing.key')), /no key file at/);
    assert.throws(() => writeKeyFile(join(dir, 'x.key'), { type: 'ed25519', secret: '0xZZ' as `0x${string}` }), /lower-case hex/);
  });
});
