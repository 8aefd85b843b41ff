import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startNodeCommand } from '../src/start-command.ts';

describe('portal: the start-your-node command', () => {
  it('names the network\'s deployments file, the data dir and the public host', () => {
    assert.equal(startNodeCommand({ network: 'local' }), 'session-node --deployments deployments/local.json --data-dir /var/lib/session-node --http-host 0.0.0.0 --http-port 22021 --public-host YOUR.PUBLIC.IP');
    assert.equal(startNodeCommand({ network: 'arbitrum', dataDir: '/srv/n1', publicHost: '203.0.113.5', port: 23000 }), 'session-node --deployments deployments/arbitrum.json --data-dir /srv/n1 --http-host 0.0.0.0 --http-port 23000 --public-host 203.0.113.5');
    assert.match(startNodeCommand({ network: 'x; rm -rf /' }), /deployments\/NETWORK\.json/, 'a strange network name is never pasted into a shell line');
  });
});
