import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeployError, deploySystem } from '../deploy/deploy.ts';
import { startAnvil, freePort, type Anvil } from '../../devnet/anvil.ts';
import { demoAccount } from '../../devnet/accounts.ts';

describe('deploy script refusals', () => {
  let anvil: Anvil;
  const dir = mkdtempSync(join(tmpdir(), 'sesh-deploy-'));
  const key = demoAccount(0).privateKey;
  before(async () => (anvil = await startAnvil()));
  after(() => anvil.stop());

  const refuses = async (options: Partial<Parameters<typeof deploySystem>[0]>, pattern: RegExp) => {
    await assert.rejects(
      deploySystem({ rpcUrl: anvil.rpcUrl, deployerKey: key, network: 'refusal', outFile: join(dir, 'x.json'), ...options }),
      (error: Error) => error instanceof DeployError && pattern.test(error.message),
    );
  };

  it('says what to fix for a missing, malformed or unreachable RPC URL', async () => {
    await refuses({ rpcUrl: '' }, /no RPC URL given/);
    await refuses({ rpcUrl: 'not a url' }, /is not a URL/);
    await refuses({ rpcUrl: `http://127.0.0.1:${await freePort()}` }, /unreachable/);
  });

  it('says what is wrong with a bad deployer key, or one with no gas money', async () => {
    await refuses({ deployerKey: '0x1234' }, /64 hex digits/);
    await refuses({ deployerKey: `0x${'11'.repeat(32)}` }, /has no ETH/);
  });

  it('never overwrites a deployments file of another chain, nor the same chain without --replace', async () => {
    const other = join(dir, 'other.json');
    const content = JSON.stringify({ network: 'x', chainId: 421614, rpcUrl: 'http://x', deployBlock: 1, contracts: {} });
    writeFileSync(other, content);
    await refuses({ outFile: other }, /belongs to chain 421614/);
    assert.equal(readFileSync(other, 'utf8'), content);

    const same = join(dir, 'same.json');
    await deploySystem({ rpcUrl: anvil.rpcUrl, deployerKey: key, network: 'same', outFile: same });
    const first = readFileSync(same, 'utf8');
    await refuses({ outFile: same }, /pass --replace/);
    assert.equal(readFileSync(same, 'utf8'), first);
    await deploySystem({ rpcUrl: anvil.rpcUrl, deployerKey: key, network: 'same', outFile: same, replace: true });
    assert.notEqual(readFileSync(same, 'utf8'), first);
  });
});
