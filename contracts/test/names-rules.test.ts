/**
 * The sdk's name rule and the contract's NameRules agree on random strings: same verdict,
 * same reason and position when refused, and the same token id (blake2b) when accepted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Address } from 'viem';
import { SessionNameRegistry } from '../../sdk/src/generated/contracts.ts';
import { checkName, nameId } from '../../sdk/src/names/index.ts';
import { revertName, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { decodeRevert } from '../../sdk/src/errors.ts';

describe('names: sdk and contract apply the same name rule', () => {
  let sys: LocalSystem;
  let registry: Address;
  before(async () => {
    sys = await startLocalSystem();
    registry = sys.deployments.contracts.SessionNameRegistry!;
  });
  after(() => sys.stop());

  const onChain = async (name: string): Promise<{ ok: true; id: bigint } | { ok: false; reason: number; position: number }> => {
    try {
      const id = await (await sys.as(0)).publicClient.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'idOf', args: [name] });
      return { ok: true, id };
    } catch (error) {
      const decoded = decodeRevert(error);
      if (decoded?.name !== 'InvalidName') throw new Error(`unexpected revert ${revertName(error)}: ${(error as Error).message}`);
      return { ok: false, reason: Number(decoded.args[0]), position: Number(decoded.args[1]) };
    }
  };

  const agree = async (name: string) => {
    const off = checkName(name);
    const on = await onChain(name);
    if (off.ok) {
      assert.ok(on.ok, `sdk accepts ${JSON.stringify(name)}, contract refuses: ${JSON.stringify(on, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
      assert.equal(on.id, nameId(name));
    } else {
      assert.deepEqual(on, { ok: false, reason: off.reason, position: off.position }, JSON.stringify(name));
    }
  };

  it('agrees on hand-picked edge cases', async () => {
    for (const name of ['a', 'A', '_', '-', 'a-', '-a', 'a-b', 'a_b', '_a_', 'Alice', 'x'.repeat(64), 'x'.repeat(65), '', 'ab c', 'é', 'a.b', 'a--b', '9', 'Z-9', 'a\u0000b']) {
      await agree(name);
    }
  });

  it('agrees on random strings (mostly name-like, some unicode)', async () => {
    const nameChar = fc.constantFrom(...'abcxyzABCXYZ0189_-'.split(''), '.', ' ', 'é', '😀', '\u0000');
    const nameLike = fc.array(nameChar, { minLength: 0, maxLength: 70 }).map((chars) => chars.join(''));
    await fc.assert(fc.asyncProperty(fc.oneof(nameLike, fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ maxLength: 66 })), agree), {
      numRuns: 150,
    });
  });
});
