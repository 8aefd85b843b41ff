/**
 * Session Pro: anyone buys for any account; extensions count from max(expiry, now);
 * processors are role-gated and their fee is capped and routed; tiers are admin-set.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { erc20Abi, keccak256, parseEventLogs, toHex, type Address, type Hex } from 'viem';
import { SessionPro } from '../../sdk/src/generated/contracts.ts';
import { parseAccountId } from '../../sdk/src/names/accountId.ts';
import { buyProCall, buyProForCall, proStatus, proTier } from '../../sdk/src/pro/calls.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const ACCOUNT = `05${'e4'.repeat(32)}`;
const MONTH = 30n * 24n * 3600n;
const YEAR = 365n * 24n * 3600n;
const PROCESSOR_ROLE = keccak256(toHex('PROCESSOR_ROLE'));

describe('Session Pro', () => {
  let sys: LocalSystem;
  let pro: Address;
  let token: Address;
  let pool: Address;
  let clean: Hex;
  const balanceOf = async (who: Address) =>
    (await sys.as(0)).publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
  const expiryOf = async (account: string) =>
    (await sys.as(0)).publicClient.readContract({ address: pro, abi: SessionPro.abi, functionName: 'expiryOf', args: [parseAccountId(account)] });
  const buy = async (who: number, account: string, tier: bigint) => {
    // Like the CLI: the tier's price, read just before sending, is the most paid.
    const { price } = await proTier((await sys.as(0)).publicClient, sys.deployments, tier);
    const c = buyProCall(sys.deployments, account, tier, price);
    return (await sys.as(who)).send(c.address, c.abi, c.functionName, c.args);
  };

  before(async () => {
    sys = await startLocalSystem();
    ({ SessionPro: pro, SESH: token, RewardRatePool: pool } = sys.deployments.contracts as Record<string, Address>);
    const admin = await sys.as(0);
    for (const i of [1, 2, 3]) {
      await admin.send(token, erc20Abi, 'transfer', [sys.accounts[i]!.address, sesh(100_000)]);
      await (await sys.as(i)).send(token, erc20Abi, 'approve', [pro, 2n ** 255n]);
    }
    clean = await sys.snapshot();
  });
  beforeEach(async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
  });
  after(() => sys.stop());

  it('anyone buys for any account; status is readable on-chain; the payment is split 90/10', async () => {
    const client = (await sys.as(0)).publicClient;
    assert.deepEqual(await proStatus(client, sys.deployments, ACCOUNT), { accountId: ACCOUNT, expiry: 0n, active: false });
    const poolBefore = await sys.poolInflow();
    const treasuryBefore = await balanceOf(sys.accounts[0]!.address);
    const hash = await buy(2, ACCOUNT, 1n);
    const now = await sys.now();
    assert.deepEqual(await proStatus(client, sys.deployments, ACCOUNT), { accountId: ACCOUNT, expiry: now + MONTH, active: true });
    assert.equal((await sys.poolInflow()) - poolBefore, (sesh(5) * 9n) / 10n);
    assert.equal((await balanceOf(sys.accounts[0]!.address)) - treasuryBefore, sesh(5) / 10n);
    const [event] = parseEventLogs({ abi: SessionPro.abi, logs: (await client.getTransactionReceipt({ hash })).logs, eventName: 'ProPurchased' });
    assert.equal(event!.args.payer, sys.accounts[2]!.address);
    assert.equal(event!.args.expiry, now + MONTH);
  });

  it('an extension counts from max(expiry, now), over random buy/wait sequences', async () => {
    const durations: Record<string, bigint> = { '1': MONTH, '2': YEAR };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ wait: fc.integer({ min: 0, max: 400 * 24 * 3600 }), tier: fc.constantFrom(1n, 2n), buyer: fc.constantFrom(1, 2, 3) }), { minLength: 1, maxLength: 5 }),
        async (steps) => {
          await sys.revert(clean);
          clean = await sys.snapshot();
          let expected = 0n;
          for (const step of steps) {
            if (step.wait > 0) await sys.increaseTime(step.wait);
            const before = await expiryOf(ACCOUNT);
            assert.equal(before, expected);
            await buy(step.buyer, ACCOUNT, step.tier);
            const now = await sys.now();
            expected = (before > now ? before : now) + durations[String(step.tier)]!;
            assert.equal(await expiryOf(ACCOUNT), expected);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('active until the exact expiry second', async () => {
    await buy(1, ACCOUNT, 1n);
    const expiry = await expiryOf(ACCOUNT);
    const isActive = async () => (await sys.as(0)).publicClient.readContract({ address: pro, abi: SessionPro.abi, functionName: 'isActive', args: [parseAccountId(ACCOUNT)] });
    await sys.setNextTimestamp(expiry - 1n);
    await sys.rpc('evm_mine');
    assert.equal(await isActive(), true);
    await sys.setNextTimestamp(expiry);
    await sys.rpc('evm_mine');
    assert.equal(await isActive(), false);
  });

  it('processors: unauthorised refused; authorised buy on behalf with a capped fee routed to them', async () => {
    const processor = sys.accounts[3]!.address;
    const c = buyProForCall(sys.deployments, ACCOUNT, 2n, sesh(2), sesh(50));
    await expectRevert((await sys.as(3)).send(c.address, c.abi, c.functionName, c.args), 'AccessControlUnauthorizedAccount');
    await expectRevert((await sys.as(1)).send(pro, SessionPro.abi, 'grantRole', [PROCESSOR_ROLE, processor]), 'AccessControlUnauthorizedAccount');
    assert.equal(await expiryOf(ACCOUNT), 0n, 'nothing bought');
    await (await sys.as(0)).send(pro, SessionPro.abi, 'grantRole', [PROCESSOR_ROLE, processor]);
    // Fee cap is 5% of the 50 SESH price = 2.5 SESH.
    const tooMuch = buyProForCall(sys.deployments, ACCOUNT, 2n, sesh(3), sesh(50));
    await expectRevert((await sys.as(3)).send(tooMuch.address, tooMuch.abi, tooMuch.functionName, tooMuch.args), 'ProcessorFeeTooHigh');
    const poolBefore = await sys.poolInflow();
    const processorBefore = await balanceOf(processor);
    const hash = await (await sys.as(3)).send(c.address, c.abi, c.functionName, c.args);
    assert.equal(processorBefore - (await balanceOf(processor)), sesh(50) - sesh(2), 'processor paid the price and kept its fee');
    assert.equal((await sys.poolInflow()) - poolBefore, sesh(48) - (sesh(48) * 10n) / 100n);
    const receipt = await (await sys.as(0)).publicClient.getTransactionReceipt({ hash });
    const [event] = parseEventLogs({ abi: SessionPro.abi, logs: receipt.logs, eventName: 'ProPurchased' });
    assert.equal(event!.args.processorFee, sesh(2));
    assert.ok((await expiryOf(ACCOUNT)) > 0n);
    await (await sys.as(0)).send(pro, SessionPro.abi, 'revokeRole', [PROCESSOR_ROLE, processor]);
    await expectRevert((await sys.as(3)).send(c.address, c.abi, c.functionName, c.args), 'AccessControlUnauthorizedAccount');
  });

  it('tiers and the fee cap are admin-set within bounds; bad purchases are refused with no state change', async () => {
    const admin = await sys.as(0);
    await expectRevert((await sys.as(1)).send(pro, SessionPro.abi, 'setTier', [3n, sesh(1), 3600n, true]), 'AccessControlUnauthorizedAccount');
    await expectRevert(admin.send(pro, SessionPro.abi, 'setTier', [3n, 0n, 3600n, true]), 'InvalidTier');
    await expectRevert(admin.send(pro, SessionPro.abi, 'setMaxProcessorFee', [2_001n]), 'FeeCapTooHigh');
    await admin.send(pro, SessionPro.abi, 'setTier', [3n, sesh(1), 3600n, true]);
    await expectRevert(buy(1, ACCOUNT, 9n), 'TierNotActive');
    await admin.send(pro, SessionPro.abi, 'setTier', [3n, sesh(1), 3600n, false]);
    await expectRevert(buy(1, ACCOUNT, 3n), 'TierNotActive');
    await expectRevert((await sys.as(1)).send(pro, SessionPro.abi, 'buy', ['0x' + '00'.repeat(32), 1n, sesh(5)]), 'InvalidAccountId');
    // Too little payment: balance, then allowance.
    const poor = sys.accounts[5]!.address;
    await admin.send(token, erc20Abi, 'transfer', [poor, sesh(4)]);
    await expectRevert(buy(5, ACCOUNT, 1n), 'InsufficientBalance');
    await admin.send(token, erc20Abi, 'transfer', [poor, sesh(1)]);
    await expectRevert(buy(5, ACCOUNT, 1n), 'InsufficientAllowance');
    assert.equal(await balanceOf(poor), sesh(5));
    assert.equal(await expiryOf(ACCOUNT), 0n);
  });
});
