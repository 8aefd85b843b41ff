/** Gas of the foundation operations: token transfer, permit, pool payout. */
import { erc20Abi, type Hex } from 'viem';
import { signPermit } from '../../sdk/src/permit.ts';
import { RewardRatePool, SESH } from '../../sdk/src/generated/contracts.ts';
import { sesh } from '../../sdk/src/units.ts';
import { gasUsed, type GasSuite } from './types.ts';

export const foundationGas: GasSuite = {
  name: 'foundation',
  async measure(sys) {
    const token = sys.deployments.contracts.SESH!;
    const pool = sys.deployments.contracts.RewardRatePool!;
    const admin = await sys.as(0);
    const user = await sys.as(1);
    const gasOf = (hash: Hex) => gasUsed(admin.publicClient, hash);

    // A transfer to an address that already holds SESH: the steady-state cost.
    await admin.send(token, erc20Abi, 'transfer', [user.account.address, sesh(10)]);
    const transfer = await gasOf(await admin.send(token, erc20Abi, 'transfer', [user.account.address, sesh(10)]));

    const spender = sys.accounts[2]!.address;
    const deadline = (await sys.now()) + 3600n;
    const permitArgs = await signPermit(user.walletClient, { token, chainId: sys.anvil.chainId, spender, value: sesh(5), nonce: 0n, deadline });
    const permit = await gasOf(await admin.send(token, SESH.abi, 'permit', permitArgs));

    const started = (await admin.publicClient.readContract({ address: pool, abi: RewardRatePool.abi, functionName: 'lastReleaseTime' })) !== 0n;
    if (!started) await admin.send(pool, RewardRatePool.abi, 'start', [sys.accounts[9]!.address]);
    await sys.increaseTime(24 * 3600);
    await admin.send(pool, RewardRatePool.abi, 'release');
    await sys.increaseTime(24 * 3600);
    const payout = await gasOf(await admin.send(pool, RewardRatePool.abi, 'release'));

    return [
      { operation: 'tokenTransfer', gas: transfer },
      { operation: 'permit', gas: permit },
      { operation: 'poolPayout', gas: payout },
    ];
  },
};
