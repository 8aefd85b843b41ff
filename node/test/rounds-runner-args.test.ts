import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractRunnerArgs } from '../src/rounds-runner.ts';

const abs = (p: string) => `/abs/${p}`;

describe('session-node --run-rounds options', () => {
  it('are taken out of argv, leaving the daemon options alone', () => {
    const { rest, runner } = extractRunnerArgs(['--deployments', 'd.json', '--run-rounds', '--submitter-key-file=k.json', '--rounds-step', '5s', '--http-port', '0'], abs);
    assert.deepEqual(rest, ['--deployments', 'd.json', '--http-port', '0']);
    assert.deepEqual(runner, { submitterKeyFile: '/abs/k.json', checkpointIntervalMs: 600_000, stepMs: 5_000 });
  });
  it('off by default; a runner option without --run-rounds or a missing key is a clear error', () => {
    assert.deepEqual(extractRunnerArgs(['--http-port', '0'], abs), { rest: ['--http-port', '0'] });
    assert.throws(() => extractRunnerArgs(['--submitter-key-file', 'k'], abs), /only make sense with --run-rounds/);
    assert.throws(() => extractRunnerArgs(['--run-rounds'], abs), /needs --submitter-key-file/);
    assert.throws(() => extractRunnerArgs(['--run-rounds', '--submitter-key-file'], abs), /needs a value/);
    assert.throws(() => extractRunnerArgs(['--run-rounds', '--submitter-key-file', 'k', '--checkpoint-interval', 'soon'], abs), /checkpoint-interval/);
  });
});
