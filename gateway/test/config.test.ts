import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GATEWAY_HELP, GatewayConfigError, parseGatewayArgs } from '../src/config.ts';

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
    // Bootstrap nodes besides the deployments file's seedNodes.
    assert.deepEqual(c.seeds, []);
    assert.deepEqual(parse('--seed', 'http://203.0.113.5:22020/', '--seed', 'https://node.example.org').seeds, ['http://203.0.113.5:22020', 'https://node.example.org']);
  });

  it('refuses missing and malformed options, saying which', () => {
    const refusal = (argv: string[]) => assert.throws(() => parseGatewayArgs(argv), (e: unknown) => e instanceof GatewayConfigError && /--help/.test(e.message));
    refusal(base.slice(2));
    refusal([...base, '--http-port', '99999']);
    refusal([...base, '--checkpoint-interval', 'soon']);
    refusal([...base, '--nope']);
    refusal([...base, '--nodes-file', 'nodes.json']);
    assert.throws(() => parseGatewayArgs([...base, '--seed', 'ftp://x']), /--seed: .*http/);
    assert.throws(() => parseGatewayArgs([...base, '--seed', 'nope']), /--seed: "nope" is not a URL/);
    assert.throws(() => parseGatewayArgs(base.slice(2)), /--deployments is required/);
  });
});
