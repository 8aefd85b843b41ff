import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAddress, type Address } from 'viem';
import { SeshL1, SeshL2 } from '../../sdk/src/generated/contracts.ts';
import { expectRevert } from '../../devnet/testkit.ts';
import { arbitrum } from '../bridge/artifacts.ts';
import { startBridgeChain, type BridgeChain } from '../bridge/chain.ts';

describe("SeshL1 registers with Arbitrum's real L1 custom gateway and router", () => {
  let l1: BridgeChain;
  let l2: BridgeChain;
  let gateway: Address;
  let router: Address;
  let l1Token: Address;
  let l2Token: Address;

  before(async () => {
    [l1, l2] = await Promise.all([startBridgeChain(31_337), startBridgeChain(412_346)]);
    const inbox = await l1.deploy(0, arbitrum.InboxMock);
    gateway = await l1.deploy(0, arbitrum.L1CustomGateway);
    router = await l1.deploy(0, arbitrum.L1GatewayRouter);
    const l2Gateway = await l2.deploy(0, arbitrum.L2CustomGateway);
    const l2Router = await l2.deploy(0, arbitrum.L2GatewayRouter);
    const owner = l1.address(0);
    await l1.send(0, gateway, arbitrum.L1CustomGateway.abi, 'initialize', [l2Gateway, router, inbox, owner]);
    await l1.send(0, router, arbitrum.L1GatewayRouter.abi, 'initialize', [owner, '0x0000000000000000000000000000000000000000', '0x0000000000000000000000000000000000000000', l2Router, inbox]);
    l1Token = await l1.deploy(0, SeshL1, [l1.address(1), gateway, router, owner]);
    l2Token = await l2.deploy(0, SeshL2, [l2Gateway, l1Token]);
  });
  after(async () => Promise.all([l1?.stop(), l2?.stop()]));

  it('registers once, as on mainnet; a second registration is refused', async () => {
    const args = [l2Token, 1000n, 1000n, 100_000n, 100_000n, 1n, 201_000n, 201_000n, l1.address(0)];
    await l1.send(0, l1Token, SeshL1.abi, 'registerTokenOnL2', args, 402_000n);
    assert.equal(getAddress(await l1.read<Address>(gateway, arbitrum.L1CustomGateway.abi, 'l1ToL2Token', [l1Token])), getAddress(l2Token));
    assert.equal(getAddress(await l1.read<Address>(router, arbitrum.L1GatewayRouter.abi, 'l1TokenToGateway', [l1Token])), getAddress(gateway));
    assert.equal(await l1.read(l1Token, SeshL1.abi, 'isArbitrumEnabled'), 0);
    await expectRevert(l1.send(0, l1Token, SeshL1.abi, 'registerTokenOnL2', args, 402_000n), 'AlreadyRegistered');
  });
});
