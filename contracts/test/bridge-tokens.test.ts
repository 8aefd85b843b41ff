import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAddress, type Address } from 'viem';
import { SeshL1, SeshL2 } from '../../sdk/src/generated/contracts.ts';
import { expectRevert } from '../../devnet/testkit.ts';
import { startBridgeChain, type BridgeChain } from '../bridge/chain.ts';

const TOTAL = 240_000_000n * 10n ** 9n;
const ZERO: Address = '0x0000000000000000000000000000000000000000';

describe('SESH bridge tokens (SeshL1 on an L1 chain, SeshL2 on an L2 chain)', () => {
  let l1: BridgeChain;
  let l2: BridgeChain;
  let l1Token: Address;
  let l2Token: Address;
  // Stand-ins for the gateway/router addresses: accounts, so token-level rules are tested alone.
  const gatewayIndex = 5;

  before(async () => {
    [l1, l2] = await Promise.all([startBridgeChain(31_337), startBridgeChain(412_346)]);
    l1Token = await l1.deploy(0, SeshL1, [l1.address(1), l1.address(6), l1.address(7), l1.address(0)]);
    l2Token = await l2.deploy(0, SeshL2, [l2.address(gatewayIndex), l1Token]);
  });
  after(async () => Promise.all([l1?.stop(), l2?.stop()]));

  it('SeshL1 mints the whole 240M once, to the holder, with 9 decimals', async () => {
    assert.notEqual(l1.chainId, l2.chainId);
    assert.equal(await l1.read(l1Token, SeshL1.abi, 'totalSupply'), TOTAL);
    assert.equal(await l1.read(l1Token, SeshL1.abi, 'balanceOf', [l1.address(1)]), TOTAL);
    assert.equal(await l1.read(l1Token, SeshL1.abi, 'decimals'), 9);
    assert.equal(await l1.read(l1Token, SeshL1.abi, 'symbol'), 'SESH');
    const names = SeshL1.abi.filter((item) => item.type === 'function').map((item) => (item as { name: string }).name);
    assert.ok(!names.some((name) => /mint|burn/i.test(name)), `unexpected functions: ${names.join(', ')}`);
  });

  it('SeshL1 reports Arbitrum-enabled (0xb1) only during its own registration', async () => {
    assert.equal(await l1.read(l1Token, SeshL1.abi, 'isArbitrumEnabled'), 0);
  });

  it('SeshL1 refuses registration from anyone but the registrar, and a zero address', async () => {
    const args = [l2Token, 0n, 0n, 0n, 0n, 0n, 0n, 0n, l1.address(0)];
    await expectRevert(l1.send(2, l1Token, SeshL1.abi, 'registerTokenOnL2', args), 'NotRegistrar');
    await expectRevert(l1.send(0, l1Token, SeshL1.abi, 'registerTokenOnL2', [ZERO, ...args.slice(1)]), 'ZeroAddress');
    await expectRevert(l1.send(0, l1Token, SeshL1.abi, 'registerTokenOnL2', args, 1n), 'ValueMismatch');
    assert.equal(await l1.read(l1Token, SeshL1.abi, 'registered'), false);
  });


  it('SeshL2 names its L1 token and lets only the gateway mint and burn', async () => {
    assert.equal(getAddress(await l2.read<Address>(l2Token, SeshL2.abi, 'l1Address')), getAddress(l1Token));
    assert.equal(await l2.read(l2Token, SeshL2.abi, 'decimals'), 9);
    assert.equal(await l2.read(l2Token, SeshL2.abi, 'totalSupply'), 0n);
    const user = l2.address(3);
    await expectRevert(l2.send(3, l2Token, SeshL2.abi, 'bridgeMint', [user, 10n]), 'NotGateway');
    assert.equal(await l2.read(l2Token, SeshL2.abi, 'totalSupply'), 0n);
    await l2.send(gatewayIndex, l2Token, SeshL2.abi, 'bridgeMint', [user, 10n]);
    await expectRevert(l2.send(3, l2Token, SeshL2.abi, 'bridgeBurn', [user, 4n]), 'NotGateway');
    assert.equal(await l2.read(l2Token, SeshL2.abi, 'balanceOf', [user]), 10n);
    await l2.send(gatewayIndex, l2Token, SeshL2.abi, 'bridgeBurn', [user, 4n]);
    assert.equal(await l2.read(l2Token, SeshL2.abi, 'totalSupply'), 6n);
  });
});
