/**
 * A buyer's maxPrice on name registration and renewal: a buyer who approved a large
 * allowance sends at the price it read; the owner raises the price in front of it (same
 * block, higher tip). The buyer's transaction reverts PriceAboveMax(price, maxPrice) and
 * nothing changes: balance, commitment, ownership, expiry. At or under the max it is paid.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { erc20Abi, type Abi, type Address, type Hex } from 'viem';
import { SessionNameRegistrar, SessionNameRegistry } from '../../sdk/src/generated/contracts.ts';
import { commitCall, InvalidMaxPriceError, nameId, randomSecret, registerCall, registrationPrice, renewalPrice, renewCall, type RegistrationRequest } from '../../sdk/src/names/index.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { frontRun } from './front-run.ts';

const ACCOUNT = `05${'7a'.repeat(32)}`;
const YEAR = 365n * 24n * 3600n;
const GRACE = 90n * 24n * 3600n;
const FIVE_PLUS = 4n; // price bucket of names with 5 or more characters

describe('names: maxPrice on register and renew', () => {
  let sys: LocalSystem;
  let registrar: Address;
  let registry: Address;
  let token: Address;
  let clean: Hex;
  const buyer = 1;

  const client = async () => (await sys.as(0)).publicClient;
  const balanceOf = async (who: Address) => (await client()).readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
  const exec = async (who: number, c: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) =>
    (await sys.as(who)).send(c.address, c.abi, c.functionName, c.args);
  const setPriceCall = (yearly: bigint) => ({ address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [FIVE_PLUS, yearly] });
  /** Everything a refused purchase must leave alone. */
  const snapshotState = async (name: string, commitment?: Hex) => {
    const c = await client();
    const [[entry], available, commitmentTime] = await Promise.all([
      c.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId(name)] }),
      c.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'available', args: [nameId(name)] }),
      commitment ? c.readContract({ address: registrar, abi: SessionNameRegistrar.abi, functionName: 'commitments', args: [commitment] }) : 0n,
    ]);
    const owner = available ? undefined : await c.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'ownerOf', args: [nameId(name)] });
    return { balance: await balanceOf(sys.accounts[buyer]!.address), pool: await sys.poolInflow(), entry, available, owner, commitmentTime };
  };
  const committed = async (name: string): Promise<{ request: RegistrationRequest; commitment: Hex }> => {
    const request = { name, owner: sys.accounts[buyer]!.address, accountId: ACCOUNT, secret: randomSecret(), years: 1 };
    const { call, commitment } = commitCall(sys.deployments, request);
    await exec(buyer, call);
    await sys.increaseTime(60);
    return { request, commitment };
  };

  before(async () => {
    sys = await startLocalSystem();
    ({ SessionNameRegistrar: registrar, SessionNameRegistry: registry, SESH: token } = sys.deployments.contracts as Record<string, Address>);
    await (await sys.as(0)).send(token, erc20Abi, 'transfer', [sys.accounts[buyer]!.address, sesh(100_000)]);
    // The buyer approved far more than one purchase: only maxPrice stands between it and a raised price.
    await (await sys.as(buyer)).send(token, erc20Abi, 'approve', [registrar, 2n ** 255n]);
    clean = await sys.snapshot();
  });
  beforeEach(async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
  });
  after(() => sys.stop());

  it('register: the owner raises the price in front of the buyer; refused PriceAboveMax, nothing changes', async () => {
    const { request, commitment } = await committed('frontrun');
    const quoted = await registrationPrice(await client(), sys.deployments, 'frontrun', 1);
    assert.equal(quoted, sesh(10));
    const before = await snapshotState('frontrun', commitment);
    const { victim, attacker, victimRevert } = await frontRun(
      sys,
      { who: buyer, call: registerCall(sys.deployments, request, quoted) },
      { who: 0, call: setPriceCall(sesh(40)) },
    );
    assert.equal(attacker.status, 'success');
    assert.equal(victim.status, 'reverted');
    assert.deepEqual(victimRevert, { name: 'PriceAboveMax', args: [sesh(40), sesh(10)] });
    assert.deepEqual(await snapshotState('frontrun', commitment), before, 'balance, commitment, ownership and expiry unchanged');
    assert.equal(before.available, true);
    // The commitment survived: the buyer, seeing the new price, may still accept it.
    await exec(buyer, registerCall(sys.deployments, request, sesh(40)));
    assert.equal(before.balance - (await balanceOf(sys.accounts[buyer]!.address)), sesh(40));
  });

  it('register: maxPrice covers the whole purchase, premium included', async () => {
    // A released name carries a decaying premium on top of the base price.
    const { request: first } = await committed('premium');
    await exec(buyer, registerCall(sys.deployments, first, sesh(10)));
    const [entry] = await (await client()).readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId('premium')] });
    await sys.setNextTimestamp(BigInt(entry.expiry) + GRACE + 3600n);
    await sys.rpc('evm_mine');
    const { request, commitment } = await committed('premium');
    const base = await renewalPrice(await client(), sys.deployments, 'premium', 1);
    const total = await registrationPrice(await client(), sys.deployments, 'premium', 1);
    assert.ok(total > base, 'a premium is due');
    const before = await snapshotState('premium', commitment);
    await expectRevert(exec(buyer, registerCall(sys.deployments, request, base)), 'PriceAboveMax');
    assert.deepEqual(await snapshotState('premium', commitment), before);
    // The premium only decays: a max of the total read a moment earlier covers it.
    await exec(buyer, registerCall(sys.deployments, request, total));
    const paid = before.balance - (await balanceOf(sys.accounts[buyer]!.address));
    assert.ok(paid <= total && paid > base, `paid ${paid}, at most ${total}`);
  });

  it('register: one base unit under the price is refused, the exact price is paid', async () => {
    const { request, commitment } = await committed('exactly');
    const before = await snapshotState('exactly', commitment);
    await expectRevert(exec(buyer, registerCall(sys.deployments, request, sesh(10) - 1n)), 'PriceAboveMax');
    assert.deepEqual(await snapshotState('exactly', commitment), before);
    await exec(buyer, registerCall(sys.deployments, request, sesh(10)));
    assert.equal(before.balance - (await balanceOf(sys.accounts[buyer]!.address)), sesh(10));
  });

  it('renew: the owner raises the price in front of the renewer; refused PriceAboveMax, expiry and balance unchanged', async () => {
    const { request } = await committed('renewme');
    await exec(buyer, registerCall(sys.deployments, request, sesh(10)));
    const quoted = await renewalPrice(await client(), sys.deployments, 'renewme', 2);
    assert.equal(quoted, sesh(20));
    const before = await snapshotState('renewme');
    const { victim, victimRevert } = await frontRun(
      sys,
      { who: buyer, call: renewCall(sys.deployments, 'renewme', 2, quoted) },
      { who: 0, call: setPriceCall(sesh(50)) },
    );
    assert.equal(victim.status, 'reverted');
    assert.deepEqual(victimRevert, { name: 'PriceAboveMax', args: [sesh(100), sesh(20)] });
    assert.deepEqual(await snapshotState('renewme'), before, 'expiry, owner and balance unchanged');
    await exec(buyer, renewCall(sys.deployments, 'renewme', 2, sesh(100)));
    const [entry] = await (await client()).readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId('renewme')] });
    assert.equal(BigInt(entry.expiry), BigInt(before.entry.expiry) + 2n * YEAR);
  });

  it('the sdk refuses a maxPrice that is not a uint256 before anything is sent', () => {
    const request = { name: 'whatever', owner: sys.accounts[buyer]!.address, accountId: ACCOUNT, secret: randomSecret() };
    assert.throws(() => registerCall(sys.deployments, request, -1n), InvalidMaxPriceError);
    assert.throws(() => renewCall(sys.deployments, 'whatever', 1, 2n ** 256n), InvalidMaxPriceError);
    assert.throws(() => renewCall(sys.deployments, 'whatever', 1, 10 as unknown as bigint), InvalidMaxPriceError);
  });
});
