/**
 * A buyer's maxPrice on Session Pro: the admin raises a tier's price in front of a buyer
 * (or processor) who approved a large allowance; the purchase reverts
 * PriceAboveMax(price, maxPrice) and nothing changes (balances, expiry).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { erc20Abi, keccak256, toHex, type Abi, type Address, type Hex } from 'viem';
import { SessionPro } from '../../sdk/src/generated/contracts.ts';
import { parseAccountId } from '../../sdk/src/names/accountId.ts';
import { buyProCall, buyProForCall, proTier } from '../../sdk/src/pro/calls.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { frontRun } from './front-run.ts';

const ACCOUNT = `05${'4d'.repeat(32)}`;
const MONTH = 30n * 24n * 3600n;
const PROCESSOR_ROLE = keccak256(toHex('PROCESSOR_ROLE'));
/** 0.25 SESH: within the 5% processor fee cap of tier 1 at 5 SESH (and at 6). */
const FEE = 250_000_000n;

describe('Session Pro: maxPrice on buy and buyFor', () => {
  let sys: LocalSystem;
  let pro: Address;
  let token: Address;
  let clean: Hex;

  const client = async () => (await sys.as(0)).publicClient;
  const balanceOf = async (who: number) => (await client()).readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [sys.accounts[who]!.address] });
  const state = async (payer: number) => ({
    payer: await balanceOf(payer),
    pool: await sys.poolInflow(),
    expiry: await (await client()).readContract({ address: pro, abi: SessionPro.abi, functionName: 'expiryOf', args: [parseAccountId(ACCOUNT)] }),
  });
  const setTierCall = (price: bigint) => ({ address: pro, abi: SessionPro.abi as Abi, functionName: 'setTier', args: [1n, price, MONTH, true] });
  const exec = async (who: number, c: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) =>
    (await sys.as(who)).send(c.address, c.abi, c.functionName, c.args);

  before(async () => {
    sys = await startLocalSystem();
    ({ SessionPro: pro, SESH: token } = sys.deployments.contracts as Record<string, Address>);
    const admin = await sys.as(0);
    for (const i of [1, 3]) {
      await admin.send(token, erc20Abi, 'transfer', [sys.accounts[i]!.address, sesh(10_000)]);
      await (await sys.as(i)).send(token, erc20Abi, 'approve', [pro, 2n ** 255n]);
    }
    await admin.send(pro, SessionPro.abi, 'grantRole', [PROCESSOR_ROLE, sys.accounts[3]!.address]);
    clean = await sys.snapshot();
  });
  beforeEach(async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
  });
  after(() => sys.stop());

  it('buy: the admin raises the price in front of the buyer; refused PriceAboveMax, nothing changes', async () => {
    // An existing subscription, so "expiry unchanged" means more than "still zero".
    await exec(1, buyProCall(sys.deployments, ACCOUNT, 1n, sesh(5)));
    const { price } = await proTier(await client(), sys.deployments, 1n);
    assert.equal(price, sesh(5));
    const before = await state(1);
    const { victim, attacker, victimRevert } = await frontRun(
      sys,
      { who: 1, call: buyProCall(sys.deployments, ACCOUNT, 1n, price) },
      { who: 0, call: setTierCall(sesh(500)) },
    );
    assert.equal(attacker.status, 'success');
    assert.equal(victim.status, 'reverted');
    assert.deepEqual(victimRevert, { name: 'PriceAboveMax', args: [sesh(500), sesh(5)] });
    assert.deepEqual(await state(1), before, 'balance, pool and expiry unchanged');
    // Exactly the new price is accepted once the buyer agrees to it.
    await expectRevert(exec(1, buyProCall(sys.deployments, ACCOUNT, 1n, sesh(500) - 1n)), 'PriceAboveMax');
    await exec(1, buyProCall(sys.deployments, ACCOUNT, 1n, sesh(500)));
    assert.equal(before.payer - (await balanceOf(1)), sesh(500));
  });

  it('buyFor: maxPrice bounds the whole price a processor pays, its fee included', async () => {
    const before = await state(3);
    const { victim, victimRevert } = await frontRun(
      sys,
      { who: 3, call: buyProForCall(sys.deployments, ACCOUNT, 1n, FEE, sesh(5)) },
      { who: 0, call: setTierCall(sesh(6)) },
    );
    assert.equal(victim.status, 'reverted');
    assert.deepEqual(victimRevert, { name: 'PriceAboveMax', args: [sesh(6), sesh(5)] });
    assert.deepEqual(await state(3), before, 'processor balance, pool and expiry unchanged');
    await exec(3, buyProForCall(sys.deployments, ACCOUNT, 1n, FEE, sesh(6)));
    assert.equal(before.payer - (await balanceOf(3)), sesh(6) - FEE, 'paid the price, kept the fee');
  });
});
