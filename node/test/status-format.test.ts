/** `session-node status` in words, from /status JSON fixtures (pure), and where it finds the node. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatSeconds, formatStatus } from '../src/status/format.ts';
import { statusUrl } from '../src/status/command.ts';
import type { NodeStatusJson } from '../src/status/types.ts';

const NOW = 1_800_000_000;
const healthy: NodeStatusJson = {
  version: 1,
  software: 'session-node',
  ed25519PublicKey: `0x${'ab'.repeat(32)}`,
  now: NOW,
  node: { nodeId: '7', status: 'running', operator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', feeBps: 1000, stake: '25000000000000', activatedAt: NOW - 86_400, identityProblem: null },
  announcement: { available: true, own: { url: 'http://203.0.113.5:22021', timestamp: NOW - 120, software: 'session-node/1' }, knownBy: 12, directorySize: 40 },
  tests: { available: true, testers: ['3', '9'], results: [{ tester: '3', passed: true, at: NOW - 30 }, { tester: '9', passed: false, at: NOW - 65, reason: 'timed out' }], verdict: 'passing' },
  commission: { available: true, decommissioned: false, decommissionedAt: null, missedCheckpoints: 0 },
  credit: { available: true, secondsLeft: '7260' },
  rewards: { nodeEarned: '1500000000000', lastCheckpointEpoch: '4', accounts: [{ account: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', role: 'operator', earned: '1500000000000', claimed: '500000000000' }] },
  chain: { ok: true, reason: null, height: 1200, head: 1201, behind: 1, syncing: false, chainId: 42161 },
};

describe('session-node status printout', () => {
  it('says in words: registered, announced, tested, healthy, credit, rewards and sync', () => {
    const text = formatStatus(healthy);
    for (const line of [
      'registered: node 7, active',
      'operator 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, fee 10%, stake 25000 SESH',
      'announced at http://203.0.113.5:22021 (session-node/1), 2m ago; known by 12 peers; 40 in the directory',
      'tested by 2: 3, 9',
      'passed by 3, 30s ago',
      'FAILED by 9, 1m 5s ago: timed out',
      'verdict: passing',
      'healthy: commissioned',
      'downtime credit left: 2h 1m',
      'the node has earned 1500 SESH in the ledger (last checkpoint: epoch 4)',
      'operator 0x70997970c51812dc3a010c7d01b50e0d17dc79c8: 1500 SESH earned, 500 claimed',
      'following chain 42161: at block 1200, head 1201, behind by 1 block',
    ]) assert.ok(text.includes(line), `missing "${line}" in:\n${text}`);
    assert.doesNotMatch(text, /not available/);
  });

  it('says "not available in this version" for what the node does not have, and names problems', () => {
    const text = formatStatus({
      ...healthy,
      announcement: { available: false },
      tests: { available: false },
      credit: { available: false },
      commission: { available: true, decommissioned: true, decommissionedAt: '1799990000', missedCheckpoints: 3 },
      node: { ...healthy.node!, identityProblem: 'its ed25519 key is node 2\'s' },
      chain: { ...healthy.chain, ok: false, reason: 'the last chain poll failed: ECONNREFUSED', head: null, behind: null },
    });
    assert.match(text, /Announcement\n {2}not available in this version/);
    assert.match(text, /Tests\n {2}not available in this version/);
    assert.match(text, /downtime credit: not available in this version/);
    assert.match(text, /DECOMMISSIONED since chain time 1799990000/);
    assert.match(text, /IDENTITY PROBLEM: its ed25519 key is node 2's/);
    assert.match(text, /NOT following chain 42161: at block 1200, head not known yet/);
    assert.match(text, /problem: the last chain poll failed: ECONNREFUSED/);
    assert.match(formatStatus({ ...healthy, commission: { ...healthy.commission, missedCheckpoints: 1 } as NodeStatusJson['commission'] }), /healthy: commissioned, but missed the last 1 checkpoint signature\n/);
  });

  it('an unregistered node says how to register and prints no rewards', () => {
    const text = formatStatus({ ...healthy, node: null, rewards: null, commission: { available: false }, credit: { available: false }, announcement: { available: true, own: null, knownBy: null, directorySize: 0 } });
    assert.match(text, /not registered: no registration with this node's ed25519 key/);
    assert.match(text, new RegExp(`ed25519 0x${'ab'.repeat(32)}`));
    assert.match(text, /not announced yet \(0 nodes in this node's directory\)/);
    assert.match(text, /Health\n {2}not applicable/);
    assert.match(text, /Rewards\n {2}none \(not registered\)/);
    assert.match(formatStatus({ ...healthy, node: { ...healthy.node!, status: 'exited' } }), /no longer registered: node 7, exited/);
  });

  it('formats durations', () => {
    assert.deepEqual([0, 59, 60, 3_661, 93_784, 86_400].map(formatSeconds), ['0s', '59s', '1m', '1h 1m 1s', '1d 2h 3m', '1d']);
  });

  it('finds the node from --url, or from its config file (http-host/http-port), or refuses saying what to give', () => {
    assert.equal(statusUrl(['--url', 'http://127.0.0.1:22021/'], {}), 'http://127.0.0.1:22021');
    assert.throws(() => statusUrl([], {}), /give --url http:\/\/127\.0\.0\.1:PORT/);
    assert.throws(() => statusUrl(['--url', 'ftp://x'], {}), /must be http/);
    assert.throws(() => statusUrl(['--url', 'nope'], {}), /is not a URL/);
    assert.throws(() => statusUrl(['--verbose'], {}), /unexpected argument "--verbose"/);
    const dir = mkdtempSync(join(tmpdir(), 'sesh-status-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ deployments: 'd.json', 'data-dir': 'data', 'http-port': 22021, 'http-host': '0.0.0.0' }));
      assert.equal(statusUrl(['--config', file], {}), 'http://127.0.0.1:22021', 'a node on every address answers on loopback');
      assert.equal(statusUrl([], { SESSION_NODE_CONFIG: file }), 'http://127.0.0.1:22021');
      assert.throws(() => statusUrl(['--config', file, '--url', 'http://a'], {}), /either --url or --config/);
      writeFileSync(file, JSON.stringify({ deployments: 'd.json', 'data-dir': 'data', 'http-port': 0 }));
      assert.throws(() => statusUrl(['--config', file], {}), /http-port 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
