import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DAEMON_HELP, DaemonConfigError, parseDaemonArgs, resolveDaemonConfig, type DaemonConfig } from '../src/daemon-config.ts';

const base = ['--deployments', 'deployments/local.json', '--data-dir', 'data', '--http-port', '7001'];
const parse = (...extra: string[]) => {
  const r = parseDaemonArgs([...base, ...extra], '/srv/node');
  if (!('config' in r)) throw new Error('expected a config');
  return r.config;
};
const refusal = (argv: string[]) => {
  try {
    parseDaemonArgs(argv, '/srv/node');
  } catch (e) {
    assert.ok(e instanceof DaemonConfigError);
    assert.match(e.message, /Run session-node --help/);
    return e.message.split('\n')[0];
  }
  assert.fail(`accepted ${argv.join(' ')}`);
};

describe('daemon config', () => {
  it('parses options with defaults and resolves relative paths', () => {
    const c = parse();
    assert.deepEqual(c, {
      rpcUrls: [],
      deploymentsFile: '/srv/node/deployments/local.json',
      dataDir: '/srv/node/data',
      keyDir: '/srv/node/data/keys',
      httpHost: '127.0.0.1',
      publicHost: '127.0.0.1',
      httpPort: 7001,
      chunkSize: 1000,
      peerTestIntervalMs: 10_000,
      peerGraceMs: 2 * 3_600_000,
      deregisterAfterMs: 6 * 3_600_000,
      deregisterMinFailures: 20,
      extraBlsKeys: [],
      proProofTtlMs: 3_600_000,
    });
    assert.equal(parse('--pro-proof-ttl', '10m').proProofTtlMs, 600_000);
    assert.match(refusal([...base, '--pro-proof-ttl', '30s'])!, /--pro-proof-ttl must be between 1m and 24h/);
    assert.match(refusal([...base, '--pro-proof-ttl', '2d'])!, /--pro-proof-ttl/);
    const peers = parse('--peer-test-interval', '2s', '--peer-grace', '60s', '--deregister-after', '3m', '--deregister-min-failures', '10', '--extra-bls-key', 'a.key', '--extra-bls-key', '/k/b.key');
    assert.equal(peers.peerTestIntervalMs, 2_000);
    assert.deepEqual([peers.peerGraceMs, peers.deregisterAfterMs, peers.deregisterMinFailures], [60_000, 180_000, 10]);
    assert.equal(parse('--peer-fail-threshold', '5').deregisterMinFailures, 5, 'the old flag name still sets the minimum');
    assert.deepEqual([parse('--peer-grace', '0s').peerGraceMs, parse('--deregister-after', '12h').deregisterAfterMs], [0, 12 * 3_600_000]);
    assert.deepEqual(peers.extraBlsKeys, ['/srv/node/a.key', '/k/b.key']);
    const full = parse('--rpc-url', 'https://a.example/rpc,https://b.example', '--rpc-url=http://127.0.0.1:8545', '--key-dir', '/keys', '--confirmations', '12', '--poll-interval', '15s', '--chunk-size', '500', '--http-host', '0.0.0.0');
    assert.deepEqual(full.rpcUrls, ['https://a.example/rpc', 'https://b.example', 'http://127.0.0.1:8545']);
    assert.equal(full.keyDir, '/keys');
    // Where peers reach the node: announced, validated, a wildcard listen address is never announced.
    assert.equal(full.publicHost, '127.0.0.1');
    assert.equal(full.publicPort, undefined);
    const announced = parse('--public-host', 'node7.example.org', '--public-port', '443');
    assert.deepEqual([announced.publicHost, announced.publicPort], ['node7.example.org', 443]);
    assert.equal(parse('--public-host', '2001:db8::7').publicHost, '2001:db8::7');
    assert.match(refusal([...base, '--public-host', 'http://node7.example.org'])!, /--public-host: .*without scheme/);
    assert.match(refusal([...base, '--public-host', 'a.org:80'])!, /--public-host/);
    assert.match(refusal([...base, '--public-port', '0'])!, /--public-port/);
    assert.match(refusal([...base, '--nodes-file', 'nodes.json'])!, /unknown option --nodes-file/);
    assert.equal(full.confirmations, 12);
    assert.equal(full.pollIntervalMs, 15_000);
    assert.equal(parse('--poll-interval', '500ms').pollIntervalMs, 500);
    assert.equal(parse('--poll-interval', '2m').pollIntervalMs, 120_000);
    assert.equal(parse('--poll-interval', '3').pollIntervalMs, 3_000);
  });

  it('prints help', () => {
    const r = parseDaemonArgs(['--help']);
    assert.ok('help' in r && r.help === DAEMON_HELP);
    for (const o of ['--rpc-url', '--deployments', '--key-dir', '--http-port', '--data-dir', '--confirmations', '--poll-interval', '--chunk-size', '--peer-grace', '--deregister-after', '--deregister-min-failures']) assert.ok(DAEMON_HELP.includes(o), o);
  });

  it('refuses bad input with errors that say what to fix', () => {
    assert.equal(refusal(['--data-dir', 'd', '--http-port', '1']), '--deployments is required');
    assert.equal(refusal([...base, '--confirmations', '-1']), '--confirmations: expected an integer in 0..10000, got "-1"');
    assert.equal(refusal([...base, '--confirmations', 'ten']), '--confirmations: expected an integer in 0..10000, got "ten"');
    assert.equal(refusal(['--deployments', 'x', '--data-dir', 'd', '--http-port', '70000']), '--http-port: expected an integer in 0..65535, got "70000"');
    assert.equal(refusal([...base, '--poll-interval', 'often']), '--poll-interval: expected a duration like 500ms, 15s, 1m or 2h, got "often"');
    assert.equal(refusal([...base, '--poll-interval', '2h']), '--poll-interval: must be between 50ms and 1h, got "2h"');
    assert.equal(refusal([...base, '--deregister-after', '5s']), '--deregister-after: must be between 10s and 720h, got "5s"');
    assert.equal(refusal([...base, '--peer-grace', '31d']), '--peer-grace: expected a duration like 500ms, 15s, 1m or 2h, got "31d"');
    assert.equal(refusal([...base, '--deregister-min-failures', '2']), '--deregister-min-failures: expected an integer in 3..1000000, got "2"');
    assert.equal(refusal([...base, '--peer-fail-threshold', '1']), '--peer-fail-threshold: expected an integer in 3..1000000, got "1"');
    assert.match(refusal([...base, '--peer-fail-threshold', '5', '--deregister-min-failures', '5'])!, /old name of --deregister-min-failures/);
    assert.equal(refusal([...base, '--poll-interval', '10ms']), '--poll-interval: must be between 50ms and 1h, got "10ms"');
    assert.equal(refusal([...base, '--rpc-url', 'ws://x']), '--rpc-url: "ws://x" must be http:// or https://');
    assert.equal(refusal([...base, '--rpc-url', 'not a url']), '--rpc-url: "not a url" is not a URL; expected e.g. http://127.0.0.1:8545');
    assert.equal(refusal([...base, '--rpc-url', 'http://a', '--rpc-url', 'http://a']), '--rpc-url: the same URL is given twice');
    assert.equal(refusal([...base, '--chunk-size', '0']), '--chunk-size: expected an integer in 1..10000, got "0"');
    assert.equal(refusal([...base, '--verbose']), 'unknown option --verbose');
    assert.equal(refusal([...base, 'extra']), 'unexpected argument "extra"');
    assert.equal(refusal([...base, '--data-dir', 'other']), '--data-dir given twice');
    assert.equal(refusal([...base, '--key-dir']), '--key-dir needs a value');
  });

  it('resolves chain-dependent defaults from the deployments file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-cfg-'));
    try {
      const file = join(dir, 'local.json');
      writeFileSync(file, JSON.stringify({ network: 'local', chainId: 31337, rpcUrl: 'http://127.0.0.1:8545', deployBlock: 1, contracts: {} }));
      const config: DaemonConfig = { ...parse(), deploymentsFile: file };
      const local = resolveDaemonConfig(config);
      assert.deepEqual([local.rpcUrls, local.confirmations, local.pollIntervalMs], [['http://127.0.0.1:8545'], 1, 500]);
      const remote = resolveDaemonConfig({ ...config, rpcUrls: ['https://arb.example/rpc'] });
      assert.deepEqual([remote.confirmations, remote.pollIntervalMs], [20, 60_000]);
      assert.equal(resolveDaemonConfig({ ...config, confirmations: 0 }).confirmations, 0);
      assert.throws(() => resolveDaemonConfig({ ...config, deploymentsFile: join(dir, 'missing.json') }), /--deployments: no deployments file at/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
