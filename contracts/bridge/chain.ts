/** One local chain for the bridge tests: an anvil process with viem clients for a dev account. */
import { createPublicClient, createWalletClient, http, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { demoAccount } from '../../devnet/accounts.ts';
import { startAnvil, type Anvil } from '../../devnet/anvil.ts';

export type BridgeChain = Awaited<ReturnType<typeof startBridgeChain>>;

export async function startBridgeChain(chainId: number) {
  const anvil: Anvil = await startAnvil({ chainId });
  const chain = { id: chainId, name: `chain-${chainId}`, nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [anvil.rpcUrl] } } } as const;
  const publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
  const wallet = (index: number) =>
    createWalletClient({ chain, transport: http(anvil.rpcUrl), account: privateKeyToAccount(demoAccount(index).privateKey) });

  /** Deploys and returns the address; throws (with the revert) when the constructor fails. */
  async function deploy(index: number, artifact: { abi: Abi | readonly unknown[]; bytecode: Hex }, args: readonly unknown[] = []): Promise<Address> {
    const hash = await wallet(index).deployContract({ abi: artifact.abi as Abi, bytecode: artifact.bytecode, args } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploy failed: ${hash}`);
    return receipt.contractAddress;
  }

  /** Simulates first so a refusal surfaces as the contract's custom error, then sends. */
  async function send(index: number, address: Address, abi: Abi | readonly unknown[], functionName: string, args: readonly unknown[] = [], value = 0n) {
    const { request } = await publicClient.simulateContract({ address, abi: abi as Abi, functionName, args, value, account: wallet(index).account } as never);
    const hash = await wallet(index).writeContract(request as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${functionName} reverted: ${hash}`);
    return receipt;
  }

  const read = async <T>(address: Address, abi: Abi | readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    (await publicClient.readContract({ address, abi: abi as Abi, functionName, args } as never)) as T;

  return { anvil, chainId, publicClient, wallet, address: (index: number) => demoAccount(index).address, deploy, send, read, stop: () => anvil.stop() };
}
