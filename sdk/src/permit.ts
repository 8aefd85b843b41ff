/**
 * EIP-2612 permits for SESH: a signature that sets an allowance, so a user can approve and
 * stake in one transaction.
 */
import { parseSignature, type Account, type Address, type Chain, type Hex, type Transport, type WalletClient } from 'viem';

const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

export type PermitRequest = {
  token: Address;
  chainId: number;
  spender: Address;
  value: bigint;
  /** The owner's current `nonces(owner)` on the token. */
  nonce: bigint;
  /** Unix seconds after which the permit is refused. */
  deadline: bigint;
};

/** Signs a permit with the wallet's account and returns the arguments of `permit(...)`. */
export async function signPermit(
  wallet: WalletClient<Transport, Chain | undefined, Account>,
  request: PermitRequest,
): Promise<readonly [Address, Address, bigint, bigint, number, Hex, Hex]> {
  const owner = wallet.account.address;
  const signature = await wallet.signTypedData({
    // The token's EIP-712 domain: OpenZeppelin ERC20Permit("Session Token"), version "1".
    domain: { name: 'Session Token', version: '1', chainId: request.chainId, verifyingContract: request.token },
    types: PERMIT_TYPES,
    primaryType: 'Permit',
    message: { owner, spender: request.spender, value: request.value, nonce: request.nonce, deadline: request.deadline },
  });
  const { r, s, v } = parseSignature(signature);
  return [owner, request.spender, request.value, request.deadline, Number(v), r, s] as const;
}
