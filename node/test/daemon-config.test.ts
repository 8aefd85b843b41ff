import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DAEMON_HELP, DaemonConfigError, daemonArgv, parseDaemonArgs, resolveDaemonConfig, type DaemonConfig } from '../src/daemon-config.ts';

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
      extraBlsKeys: [],
      proProofTtlMs: 3_600_000,
      storageMaxBytes: 3584 * 1024 * 1024,
      storageAccountMaxBytes: 100 * 1024 * 1024,
      storageSync: 'NORMAL',
    });
    assert.equal(parse('--pro-proof-ttl', '10m').proProofTtlMs, 600_000);
    assert.match(refusal([...base, '--pro-proof-ttl', '30s'])!, /--pro-proof-ttl must be between 1m and 24h/);
    assert.match(refusal([...base, '--pro-proof-ttl', '2d'])!, /--pro-proof-ttl/);
    const storage = parse('--storage-max-mb', '200', '--storage-account-max-mb', '5');
    assert.deepEqual([storage.storageMaxBytes, storage.storageAccountMaxBytes], [200 * 1024 * 1024, 5 * 1024 * 1024]);
    assert.equal(parse('--storage-max-mb', '50').storageAccountMaxBytes, 50 * 1024 * 1024, 'the account default never exceeds the node limit');
    assert.match(refusal([...base, '--storage-max-mb', '10', '--storage-account-max-mb', '20'])!, /--storage-account-max-mb 20 is larger than the node's --storage-max-mb 10/);
    assert.match(refusal([...base, '--storage-max-mb', '0'])!, /--storage-max-mb/);
    assert.equal(parse('--storage-sync', 'full').storageSync, 'FULL');
    assert.match(refusal([...base, '--storage-sync', 'off'])!, /--storage-sync must be normal or full, got "off"/);
    const peers = parse('--extra-bls-key', 'a.key', '--extra-bls-key', '/k/b.key');
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
    for (const o of ['--rpc-url', '--deployments', '--key-dir', '--http-port', '--data-dir', '--confirmations', '--poll-interval', '--chunk-size', '--public-host', '--public-port']) assert.ok(DAEMON_HELP.includes(o), o);
  });

  it('refuses bad input with errors that say what to fix', () => {
    assert.equal(refusal(['--data-dir', 'd', '--http-port', '1']), '--deployments is required');
    assert.equal(refusal([...base, '--confirmations', '-1']), '--confirmations: expected an integer in 0..10000, got "-1"');
    assert.equal(refusal([...base, '--confirmations', 'ten']), '--confirmations: expected an integer in 0..10000, got "ten"');
    assert.equal(refusal(['--deployments', 'x', '--data-dir', 'd', '--http-port', '70000']), '--http-port: expected an integer in 0..65535, got "70000"');
    assert.equal(refusal([...base, '--poll-interval', 'often']), '--poll-interval: expected a duration like 500ms, 15s, 1m or 2h, got "often"');
    assert.equal(refusal([...base, '--poll-interval', '2h']), '--poll-interval: must be between 50ms and 1h, got "2h"');
    // The old failure-streak policy is gone: its flags say where the timings live now.
    for (const old of ['--peer-test-interval', '--peer-grace', '--deregister-after', '--deregister-min-failures', '--peer-fail-threshold']) {
      assert.match(refusal([...base, old, '10'])!, new RegExp(`^${old} was removed: .*membership rules`), old);
    }
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

describe('daemon config file (--config / SESSION_NODE_CONFIG)', () => {
  const withDir = (body: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-cfgfile-'));
    try {
      body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const configOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = parseDaemonArgs(daemonArgv(argv, env), '/elsewhere');
    if (!('config' in r)) throw new Error('expected a config');
    return r.config;
  };
  const refusedWith = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      configOf(argv, env);
    } catch (e) {
      assert.ok(e instanceof DaemonConfigError, String(e));
      return e.message.split('\n')[0]!;
    }
    return assert.fail('accepted');
  };

  it('reads the options from the file, paths relative to the file, the command line winning', () =>
    withDir((dir) => {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ deployments: 'deployments/x.json', 'data-dir': '/var/lib/session-node', 'http-port': 22021, 'rpc-url': ['https://a.example', 'https://b.example'], 'extra-bls-key': ['k/second.key'], 'poll-interval': '15s' }));
      const c = configOf(['--config', file]);
      assert.equal(c.deploymentsFile, join(dir, 'deployments/x.json'));
      assert.equal(c.dataDir, '/var/lib/session-node');
      assert.equal(c.keyDir, '/var/lib/session-node/keys');
      assert.equal(c.httpPort, 22021);
      assert.deepEqual(c.rpcUrls, ['https://a.example', 'https://b.example']);
      assert.deepEqual(c.extraBlsKeys, [join(dir, 'k/second.key')]);
      assert.equal(c.pollIntervalMs, 15_000);
      const over = configOf([`--config=${file}`, '--http-port', '7000', '--rpc-url', 'http://127.0.0.1:8545', '--data-dir', 'here']);
      assert.equal(over.httpPort, 7000);
      assert.deepEqual(over.rpcUrls, ['http://127.0.0.1:8545'], 'a repeatable option on the command line replaces the file\'s list');
      assert.equal(over.dataDir, '/elsewhere/here', 'command-line paths stay relative to the working directory');
      assert.equal(configOf([], { SESSION_NODE_CONFIG: file }).httpPort, 22021, 'the environment variable names the file too');
      assert.equal(configOf(['--config', file], { SESSION_NODE_CONFIG: join(dir, 'missing.json') }).httpPort, 22021, '--config beats the environment');
    }));

  it('refuses unknown keys, bad values and unreadable files, naming the key and the file', () =>
    withDir((dir) => {
      const write = (name: string, body: string) => {
        writeFileSync(join(dir, name), body);
        return join(dir, name);
      };
      const typo = write('typo.json', JSON.stringify({ deployments: 'd.json', 'data-dir': 'd', 'http-port': 1, 'data_dir': 'x' }));
      assert.equal(refusedWith(['--config', typo]), `config file ${typo}: unknown key "data_dir" (keys are the long option names without dashes, e.g. "data-dir"; see session-node --help)`);
      const help = write('help.json', JSON.stringify({ help: true }));
      assert.match(refusedWith(['--config', help]), /unknown key "help"/);
      const badType = write('bad.json', JSON.stringify({ 'http-port': { port: 1 } }));
      assert.equal(refusedWith(['--config', badType]), `config file ${badType}: "http-port" must be a non-empty string or a whole number`);
      const list = write('list.json', JSON.stringify({ 'data-dir': ['a', 'b'] }));
      assert.match(refusedWith(['--config', list]), /"data-dir" must be a non-empty string or a whole number/);
      const badPort = write('port.json', JSON.stringify({ deployments: 'd.json', 'data-dir': 'd', 'http-port': 70000 }));
      assert.equal(refusedWith(['--config', badPort]), '--http-port: expected an integer in 0..65535, got "70000"', 'values go through the same checks as flags');
      const notJson = write('broken.json', '{ "data-dir": ');
      assert.match(refusedWith(['--config', notJson]), new RegExp(`config file ${notJson}: not valid JSON`));
      assert.match(refusedWith(['--config', write('array.json', '[]')]), /expected a JSON object of option names/);
      assert.match(refusedWith(['--config', join(dir, 'nope.json')]), /config file .*nope\.json: cannot read it \(ENOENT\)/);
      assert.equal(refusedWith(['--config']), '--config needs a file name');
      assert.equal(refusedWith(['--config', typo, '--config', typo]), '--config given twice');
      assert.ok('help' in parseDaemonArgs(daemonArgv(['--help', '--config', join(dir, 'nope.json')], {})), '--help never reads the file');
    }));
});
