import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { getAddress, type Address } from 'viem';
import { MerkleTreeInputError, buildAccountAmountTree } from '../src/merkle/account-amount-tree.ts';

const entryArb = fc
  .uniqueArray(fc.uint8Array({ minLength: 20, maxLength: 20 }), { minLength: 1, maxLength: 40, selector: (b) => Buffer.from(b).toString('hex') })
  .chain((accounts) =>
    fc.tuple(fc.constant(accounts), fc.array(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { minLength: accounts.length, maxLength: accounts.length })),
  )
  .map(([accounts, amounts]) =>
    accounts.map((bytes, i) => ({ account: getAddress(`0x${Buffer.from(bytes).toString('hex')}`) as Address, amount: amounts[i]! })),
  );

describe('account/amount Merkle tree', () => {
  it('matches OpenZeppelin StandardMerkleTree roots and proofs exactly', () => {
    fc.assert(
      fc.property(entryArb, (entries) => {
        const ours = buildAccountAmountTree(entries);
        const oz = StandardMerkleTree.of(entries.map((e) => [e.account, e.amount.toString()]), ['address', 'uint256']);
        assert.equal(ours.root, oz.root);
        for (const [i, entry] of entries.entries()) {
          const proof = ours.proof(entry.account)!;
          assert.deepEqual(proof, oz.getProof(i));
          assert.ok(StandardMerkleTree.verify(oz.root, ['address', 'uint256'], [entry.account, entry.amount.toString()], proof));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an empty tree, duplicate accounts and bad amounts', () => {
    const a = getAddress('0x00000000000000000000000000000000000000aa');
    assert.throws(() => buildAccountAmountTree([]), MerkleTreeInputError);
    assert.throws(() => buildAccountAmountTree([{ account: a, amount: 1n }, { account: a, amount: 2n }]), /already has a leaf/);
    assert.throws(() => buildAccountAmountTree([{ account: a, amount: -1n }]), /not a uint256/);
    assert.throws(() => buildAccountAmountTree([{ account: '0x12' as Address, amount: 1n }]), /not an address/);
  });

  it('has no proof for an account without a leaf', () => {
    const tree = buildAccountAmountTree([{ account: getAddress('0x00000000000000000000000000000000000000aa'), amount: 5n }]);
    assert.equal(tree.proof(getAddress('0x00000000000000000000000000000000000000bb')), undefined);
    assert.deepEqual(tree.proof(getAddress('0x00000000000000000000000000000000000000aa')), []);
  });
});
