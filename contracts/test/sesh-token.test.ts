import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { erc20Abi, type Address } from 'viem';
import { signPermit } from '../../sdk/src/permit.ts';
import { SESH } from '../../sdk/src/generated/contracts.ts';
import { INITIAL_REWARD_POOL, TOTAL_SUPPLY, sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

describe('SESH token', () => {
  let sys: LocalSystem;
  let token: Address;
  const read = async <T>(functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address: token, abi: SESH.abi, functionName, args } as never)) as T;

  before(async () => {
    sys = await startLocalSystem();
    token = sys.deployments.contracts.SESH!;
  });
  after(() => sys.stop());

  it('is "Session Token" (SESH) with 9 decimals and a fixed 240M supply', async () => {
    assert.equal(await read('name'), 'Session Token');
    assert.equal(await read('symbol'), 'SESH');
    assert.equal(await read('decimals'), 9);
    assert.equal(await read('totalSupply'), 240_000_000n * 10n ** 9n);
    assert.equal(await read('balanceOf', [sys.deployments.contracts.RewardRatePool]), INITIAL_REWARD_POOL);
    assert.equal(await read('balanceOf', [sys.accounts[0]!.address]), TOTAL_SUPPLY - INITIAL_REWARD_POOL);
  });

  it('has no function that could mint after genesis', () => {
    const names = SESH.abi.filter((item) => item.type === 'function').map((item) => (item as { name: string }).name);
    assert.ok(!names.some((name) => /mint/i.test(name)), `unexpected functions: ${names.join(', ')}`);
  });

  it('refuses a genesis allocation that does not add up to exactly 240M', async () => {
    const admin = await sys.as(0);
    const holder = sys.accounts[1]!.address;
    await expectRevert(admin.deploy('SESH', [[holder], [TOTAL_SUPPLY - 1n]]), 'AllocationTotalMismatch');
    await expectRevert(admin.deploy('SESH', [[holder, holder], [TOTAL_SUPPLY]]), 'AllocationLengthMismatch');
  });

  it('accepts an EIP-2612 permit, and refuses a replayed one', async () => {
    const owner = await sys.as(1);
    const spender = sys.accounts[2]!.address;
    const value = sesh(25_000);
    const deadline = (await sys.now()) + 3600n;
    const nonce = await read<bigint>('nonces', [owner.account.address]);
    const args = await signPermit(owner.walletClient, { token, chainId: sys.anvil.chainId, spender, value, nonce, deadline });
    await (await sys.as(3)).send(token, SESH.abi, 'permit', args);
    assert.equal(await read('allowance', [owner.account.address, spender]), value);
    await expectRevert((await sys.as(3)).send(token, SESH.abi, 'permit', args), 'ERC2612InvalidSigner');
  });

  it('transfers move exact base units', async () => {
    const from = await sys.as(0);
    const to = sys.accounts[4]!.address;
    const before = await read<bigint>('balanceOf', [to]);
    await from.send(token, erc20Abi, 'transfer', [to, 1n]);
    assert.equal(await read('balanceOf', [to]), before + 1n);
  });
});
