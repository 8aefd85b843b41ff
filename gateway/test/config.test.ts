import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_HELP, GatewayConfigError, gatewayArgv, parseGatewayArgs } from '../src/config.ts';

const base = ['--deployments', 'd.json', '--data-dir', 'data', '--submitter-key-file', 'k.key'];
const parse = (...extra: string[]) => {
  const r = parseGatewayArgs([...base, ...extra], '/srv/gw');
  if (!('config' in r)) throw new Error('expected a config');
  return r.config;
};

describe('gateway config', () => {
  it('parses defaults, durations, "off" and repeated RPC URLs', () => {
    const c = parse();
    assert.equal(c.deploymentsFile, '/srv/gw/d.json');
    assert.equal(c.httpPort, 8600);
    assert.equal(c.checkpointIntervalMs, 600_000);
    assert.equal(c.roundTimeoutMs, 10_000);
    assert.equal(c.corsOrigin, '*');
    const d = parse('--checkpoint-interval', 'off', '--deregistration-interval', '5s', '--rpc-url', 'http://a', '--rpc-url', 'http://b,http://c', '--http-port', '0', '--cooldown', '2m');
    assert.equal(d.checkpointIntervalMs, null);
    assert.equal(d.deregistrationIntervalMs, 5_000);
    assert.deepEqual(d.rpcUrls, ['http://a', 'http://b', 'http://c']);
    assert.equal(d.httpPort, 0);
    assert.equal(d.cooldownMs, 120_000);
    assert.deepEqual(parseGatewayArgs(['--help']), { help: GATEWAY_HELP });
    // Commission rounds: unset = the membership rules' test period (resolved in main), "off", or a duration.
    assert.equal(c.commissionIntervalMs, undefined);
    assert.equal(parse('--commission-interval', 'off').commissionIntervalMs, null);
    assert.equal(parse('--commission-interval', '20s').commissionIntervalMs, 20_000);
    assert.match(GATEWAY_HELP, /--commission-interval/);
    // Bootstrap nodes besides the deployments file's seedNodes.
    assert.deepEqual(c.seeds, []);
    assert.deepEqual(parse('--seed', 'http://203.0.113.5:22020/', '--seed', 'https://node.example.org').seeds, ['http://203.0.113.5:22020', 'https://node.example.org']);
  });

  it('refuses missing and malformed options, saying which', () => {
    const refusal = (argv: string[]) => assert.throws(() => parseGatewayArgs(argv), (e: unknown) => e instanceof GatewayConfigError && /--help/.test(e.message));
    refusal(base.slice(2));
    refusal([...base, '--http-port', '99999']);
    refusal([...base, '--checkpoint-interval', 'soon']);
    refusal([...base, '--commission-interval', 'sometimes']);
    refusal([...base, '--nope']);
    refusal([...base, '--nodes-file', 'nodes.json']);
    assert.throws(() => parseGatewayArgs([...base, '--seed', 'ftp://x']), /--seed: .*http/);
    assert.throws(() => parseGatewayArgs([...base, '--seed', 'nope']), /--seed: "nope" is not a URL/);
    assert.throws(() => parseGatewayArgs(base.slice(2)), /--deployments is required/);
  });
});

describe('gateway config file', () => {
  it('reads --config FILE (paths relative to it, flags win) and refuses unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesh-gwcfg-'));
    try {
      const file = join(dir, 'gateway.json');
      writeFileSync(file, JSON.stringify({ deployments: 'd.json', 'data-dir': '/var/lib/gw', 'submitter-key-file': 'submitter.key', 'checkpoint-interval': 'off', 'http-port': 8700 }));
      const r = parseGatewayArgs(gatewayArgv(['--config', file, '--http-port', '9000'], {}), '/elsewhere');
      assert.ok('config' in r);
      assert.deepEqual([r.config.deploymentsFile, r.config.dataDir, r.config.submitterKeyFile], [join(dir, 'd.json'), '/var/lib/gw', join(dir, 'submitter.key')]);
      assert.equal(r.config.httpPort, 9000);
      assert.equal(r.config.checkpointIntervalMs, null);
      writeFileSync(file, JSON.stringify({ 'checkpoint-every': '1m' }));
      assert.throws(() => gatewayArgv([], { GATEWAY_CONFIG: file }), (e: unknown) => e instanceof GatewayConfigError && e.message.includes(`config file ${file}: unknown key "checkpoint-every"`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
