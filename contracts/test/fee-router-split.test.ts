/**
 * FeeRouter: the split is exact for any amount and processor fee — processor fee to the
 * processor, 10% of the rest (rounded down) to liquidity, the rest (90% + dust) to the
 * reward pool — checked by balances on the real contracts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { erc20Abi, parseEventLogs, zeroAddress, type Address } from 'viem';
import { FeeRouter } from '../../sdk/src/generated/contracts.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

describe('fee router', () => {
  let sys: LocalSystem;
  let router: Address;
  let token: Address;
  let pool: Address;
  let liquidity: Address;
  const processor: Address = '0x000000000000000000000000000000000000dEaD';

  const balanceOf = async (who: Address) =>
    (await sys.as(0)).publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });

  before(async () => {
    sys = await startLocalSystem();
    router = sys.deployments.contracts.FeeRouter!;
    token = sys.deployments.contracts.SESH!;
    pool = sys.deployments.contracts.RewardRatePool!;
    const admin = await sys.as(0);
    liquidity = (await admin.publicClient.readContract({ address: router, abi: FeeRouter.abi, functionName: 'liquidity' })) as Address;
    // Payer is account 1, funded by the treasury; liquidity is the treasury (account 0), so
    // measure it on a payer that is not the liquidity address.
    await admin.send(token, erc20Abi, 'transfer', [sys.accounts[1]!.address, sesh(150_000_000)]);
    await (await sys.as(1)).send(token, erc20Abi, 'approve', [router, 2n ** 255n]);
  });
  after(() => sys.stop());

  it('splits every amount exactly: fee + pool + liquidity = amount, liquidity = ⌊10% of the rest⌋', async () => {
    const payer = await sys.as(1);
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: sesh(1_000_000) }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.boolean(),
        async (amount, feeBps, withProcessor) => {
          const fee = withProcessor ? (amount * feeBps) / 10_000n : 0n;
          const who = withProcessor ? processor : zeroAddress;
          const before = await Promise.all([balanceOf(pool), balanceOf(liquidity), balanceOf(processor), balanceOf(payer.account.address)]);
          const hash = await payer.send(router, FeeRouter.abi, 'route', [amount, who, fee]);
          const after = await Promise.all([balanceOf(pool), balanceOf(liquidity), balanceOf(processor), balanceOf(payer.account.address)]);
          const toPool = after[0] - before[0];
          const toLiquidity = after[1] - before[1];
          const toProcessor = after[2] - before[2];
          assert.equal(before[3] - after[3], amount, 'the payer paid exactly the amount');
          assert.equal(toProcessor, fee);
          assert.equal(toLiquidity, ((amount - fee) * 10n) / 100n);
          assert.equal(toPool + toLiquidity + toProcessor, amount, 'nothing lost or created');
          assert.ok(toPool * 10n >= toLiquidity * 90n, 'the pool gets at least 90% of the rest');
          assert.equal(await balanceOf(router), 0n, 'the router keeps nothing');
          const receipt = await payer.publicClient.getTransactionReceipt({ hash });
          const [event] = parseEventLogs({ abi: FeeRouter.abi, logs: receipt.logs, eventName: 'FeeRouted' });
          assert.deepEqual(
            [event!.args.amount, event!.args.processorFee, event!.args.toPool, event!.args.toLiquidity],
            [amount, fee, toPool, toLiquidity],
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the pure split agrees with the rule for huge amounts too', async () => {
    const admin = await sys.as(0);
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 200n }), fc.bigInt({ min: 0n, max: 2n ** 200n }), async (a, b) => {
        const [amount, fee] = a >= b ? [a, b] : [b, a];
        const [toPool, toLiquidity] = (await admin.publicClient.readContract({ address: router, abi: FeeRouter.abi, functionName: 'split', args: [amount, fee] })) as [bigint, bigint];
        assert.equal(toLiquidity, ((amount - fee) * 10n) / 100n);
        assert.equal(toPool + toLiquidity + fee, amount);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses zero amounts, fees above the amount, and fees without a processor — changing nothing', async () => {
    const payer = await sys.as(1);
    const before = await balanceOf(payer.account.address);
    await expectRevert(payer.send(router, FeeRouter.abi, 'route', [0n, zeroAddress, 0n]), 'ZeroAmount');
    await expectRevert(payer.send(router, FeeRouter.abi, 'route', [100n, processor, 101n]), 'FeeExceedsAmount');
    await expectRevert(payer.send(router, FeeRouter.abi, 'route', [100n, zeroAddress, 1n]), 'FeeWithoutProcessor');
    assert.equal(await balanceOf(payer.account.address), before);
  });
});
