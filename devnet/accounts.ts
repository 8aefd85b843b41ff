/**
 * The devnet's demo accounts: anvil's well-known test mnemonic. Never use these keys on a
 * real network; everyone knows them.
 */
import { toHex, type Address, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';

export const DEVNET_MNEMONIC = 'test test test test test test test test test test test junk';

export type DemoAccount = { index: number; address: Address; privateKey: Hex };

export function demoAccount(index: number): DemoAccount {
  const account = mnemonicToAccount(DEVNET_MNEMONIC, { addressIndex: index });
  return { index, address: account.address, privateKey: toHex(account.getHdKey().privateKey!) };
}

/** Account 0 deploys; the rest are demo users. */
export function demoAccounts(count: number): DemoAccount[] {
  return Array.from({ length: count }, (_, i) => demoAccount(i));
}
