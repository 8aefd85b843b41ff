/**
 * Swarm-size rules in the deployments file: the anchor's numbers by default, the devnet's
 * written by withMembership, and every bad override refused with the key to fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeploymentsError, validateDeployments } from '../src/deployments.ts';
import { DEVNET_STORAGE_RULES, STORAGE_RULES, storageRules } from '../src/storage/rules.ts';
import { withMembership } from '../../devnet/network.ts';

const base = { network: 'test', chainId: 31337, rpcUrl: 'http://127.0.0.1:8545', deployBlock: 0, contracts: {} };

describe('sdk storage: swarm rules', () => {
  it("defaults to the anchor's sizes and takes valid overrides", () => {
    assert.deepEqual(storageRules({}), { idealSwarmSize: 7, minSwarmSize: 5 });
    assert.deepEqual(storageRules(validateDeployments({ ...base, storage: { idealSwarmSize: 9 } })), { idealSwarmSize: 9, minSwarmSize: 5 });
    assert.deepEqual(storageRules({ storage: { ...DEVNET_STORAGE_RULES } }), DEVNET_STORAGE_RULES);
  });

  it('refuses bad overrides, naming the key', () => {
    const bad: [unknown, RegExp][] = [
      [[5], /expected an object/],
      [{ idealSwarmsize: 5 }, /storage\.idealSwarmsize: unknown rule/],
      [{ minSwarmSize: 0 }, /minSwarmSize: must be an integer from 1 to 1000/],
      [{ minSwarmSize: 2.5 }, /minSwarmSize: must be an integer/],
      [{ idealSwarmSize: '7' }, /idealSwarmSize: must be an integer/],
      [{ idealSwarmSize: 5000 }, /from 1 to 1000/],
      [{ minSwarmSize: 8 }, /minSwarmSize \(8\) can not exceed idealSwarmSize \(7\)/],
    ];
    for (const [storage, reason] of bad) {
      assert.throws(() => validateDeployments({ ...base, storage }), (e: unknown) => e instanceof DeploymentsError && reason.test(e.message), JSON.stringify(storage));
    }
  });

  it("the devnet's deployments carry its swarm sizes (10 nodes → 2 swarms), and a caller's own", () => {
    const nodes = [{ url: 'http://127.0.0.1:1' }];
    const d = withMembership(validateDeployments(base), nodes);
    assert.deepEqual(d.storage, DEVNET_STORAGE_RULES);
    assert.deepEqual(storageRules(validateDeployments(JSON.parse(JSON.stringify(d)))), DEVNET_STORAGE_RULES);
    assert.deepEqual(withMembership(validateDeployments(base), nodes, undefined, STORAGE_RULES).storage, STORAGE_RULES);
  });
});
