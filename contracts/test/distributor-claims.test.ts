import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { erc20Abi, getAddress, type Address, type Hex } from 'viem';
import { MerkleDistributor } from '../../sdk/src/generated/contracts.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { claimsFrom, distributionFile, type DistributionFile } from '../../programs/lib/merkle.ts';

const abi = MerkleDistributor.abi;
const WINDOW = 30n * 24n * 3600n;

describe('MerkleDistributor', () => {
  let sys: LocalSystem;
  let token: Address;
  let pool: Address;
  let clean: Hex;

  const balanceOf = async (who: Address) =>
    (await sys.as(0)).publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
  const read = async <T>(address: Address, functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address, abi, functionName, args } as never)) as T;

  /** Deploys a distributor for `file`; funds it with `fund` (default: the total). */
  async function deploy(file: DistributionFile, fund: bigint | null = BigInt(file.total)): Promise<Address> {
    const admin = await sys.as(0);
    const distributor = await admin.deploy('MerkleDistributor', [token, pool, file.root, BigInt(file.total), WINDOW]);
    if (fund !== null && fund > 0n) await admin.send(token, erc20Abi, 'transfer', [distributor, fund]);
    return distributor;
  }
  const claimArgs = (file: DistributionFile, account: Address) => {
    const c = file.claims[account]!;
    return [BigInt(c.index), account, BigInt(c.amount), c.proof] as const;
  };

  // Accounts 1..8 are the recipients in the fixed examples.
  let file: DistributionFile;
  before(async () => {
    sys = await startLocalSystem({ accounts: 12 });
    token = sys.deployments.contracts.SESH!;
    pool = sys.deployments.contracts.RewardRatePool!;
    file = distributionFile(
      'test',
      claimsFrom(sys.accounts.slice(1, 9).map((a, i) => ({ address: a.address, amount: sesh(1000 + i) })).sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1))),
    );
    clean = await sys.snapshot();
  });
  after(() => sys.stop());

  it('refuses to open unless funded with the whole total, and refuses claims before opening', async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
    const distributor = await deploy(file, BigInt(file.total) - 1n);
    const user = await sys.as(1);
    await expectRevert(user.send(distributor, abi, 'open'), 'Underfunded');
    assert.equal(await read(distributor, 'claimEnd'), 0n);
    await expectRevert(user.send(distributor, abi, 'claim', claimArgs(file, user.account.address)), 'NotOpen');
    await expectRevert(user.send(distributor, abi, 'sweep'), 'NotOpen');
    await (await sys.as(0)).send(token, erc20Abi, 'transfer', [distributor, 1n]);
    await user.send(distributor, abi, 'open');
    await expectRevert(user.send(distributor, abi, 'open'), 'AlreadyOpen');
  });

  it('pays any caller-submitted claim to the account, once; refuses wrong proofs with no state change', async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
    const distributor = await deploy(file);
    const relayer = await sys.as(10);
    await relayer.send(distributor, abi, 'open');
    const account = sys.accounts[3]!.address;
    const [index, , amount, proof] = claimArgs(file, account);
    const other = claimArgs(file, sys.accounts[4]!.address);

    const before = await balanceOf(account);
    await expectRevert(relayer.send(distributor, abi, 'claim', [index, account, amount + 1n, proof]), 'InvalidProof');
    await expectRevert(relayer.send(distributor, abi, 'claim', [index, sys.accounts[10]!.address, amount, proof]), 'InvalidProof');
    await expectRevert(relayer.send(distributor, abi, 'claim', [index, account, amount, other[3]]), 'InvalidProof');
    await expectRevert(relayer.send(distributor, abi, 'claim', [other[0], account, amount, proof]), 'InvalidProof');
    assert.equal(await read(distributor, 'isClaimed', [index]), false);
    assert.equal(await balanceOf(account), before);
    assert.equal(await read(distributor, 'totalClaimed'), 0n);

    await relayer.send(distributor, abi, 'claim', [index, account, amount, proof]);
    assert.equal(await balanceOf(account), before + amount);
    assert.equal(await read(distributor, 'isClaimed', [index]), true);
    await expectRevert(relayer.send(distributor, abi, 'claim', [index, account, amount, proof]), 'AlreadyClaimed');
    assert.equal(await balanceOf(account), before + amount);
    assert.equal(await read(distributor, 'totalClaimed'), amount);
  });

  it('refuses claims after the window and sweeps before its end; sweeps the rest into the pool by deposit after it', async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
    const distributor = await deploy(file);
    const anyone = await sys.as(11);
    await anyone.send(distributor, abi, 'open');
    const first = sys.accounts[1]!.address;
    await anyone.send(distributor, abi, 'claim', claimArgs(file, first));
    const heldBefore = await balanceOf(distributor);
    await expectRevert(anyone.send(distributor, abi, 'sweep'), 'ClaimWindowStillOpen');
    assert.equal(await balanceOf(distributor), heldBefore);
    const end = await read<bigint>(distributor, 'claimEnd');
    await sys.setNextTimestamp(end);
    const late = claimArgs(file, sys.accounts[2]!.address);
    const lateBalance = await balanceOf(late[1]);
    await expectRevert(anyone.send(distributor, abi, 'claim', late), 'ClaimWindowClosed');
    assert.equal(await read(distributor, 'isClaimed', [late[0]]), false);
    assert.equal(await balanceOf(late[1]), lateBalance);
    const left = await balanceOf(distributor);
    assert.equal(left, BigInt(file.total) - BigInt(file.claims[first]!.amount));
    const poolBefore = await balanceOf(pool);
    const hash = await anyone.send(distributor, abi, 'sweep');
    const receipt = await anyone.publicClient.getTransactionReceipt({ hash });
    assert.equal(await balanceOf(distributor), 0n);
    // The pool is not started in the fresh system, so nothing is released: the deposit is all there.
    assert.equal(await balanceOf(pool), poolBefore + left);
    const deposited = receipt.logs.filter((l) => getAddress(l.address) === pool);
    assert.equal(deposited.length, 1, 'the sweep went through RewardRatePool.deposit (a Deposited event)');
    await expectRevert(anyone.send(distributor, abi, 'sweep'), 'NothingToSweep');
  });

  it('accepts every proof produced by @openzeppelin/merkle-tree, for random allocations, in any claim order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 11 }), { minLength: 1, maxLength: 11 }),
        fc.array(fc.bigInt({ min: 1n, max: sesh(1_000_000) }), { minLength: 11, maxLength: 11 }),
        fc.integer({ min: 1, max: 11 }),
        async (recipients, amounts, caller) => {
          await sys.revert(clean);
          clean = await sys.snapshot();
          const allocations = recipients
            .map((i, k) => ({ address: sys.accounts[i]!.address, amount: amounts[k]! }))
            .sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
          const f = distributionFile('prop', claimsFrom(allocations));
          const distributor = await deploy(f);
          const relayer = await sys.as(caller);
          await relayer.send(distributor, abi, 'open');
          for (const { address, amount } of [...allocations].reverse()) {
            const before = await balanceOf(address);
            await relayer.send(distributor, abi, 'claim', claimArgs(f, address));
            assert.equal(await balanceOf(address), before + amount);
          }
          assert.equal(await read(distributor, 'totalClaimed'), BigInt(f.total));
          assert.equal(await balanceOf(distributor), 0n);
        },
      ),
      { numRuns: 6 },
    );
  });
});
