/**
 * The ed25519 half of a registration: the node's ed25519 key (its identity on the network:
 * the key peers test it by, and its messaging key) signs the registration it belongs to, so
 * nobody can register a node under someone else's ed25519 key (a clone that passes every
 * peer test by pointing at the honest node).
 *
 * The signed message is 32 bytes:
 *   keccak256(abi.encode(ED25519_REGISTRATION_TAG, chainId, stakingContract, operator, blsKey.x, blsKey.y))
 * signed with RFC 8032 ed25519 (pure, no prehash). It binds the chain, the SessionStaking
 * contract, the operator and the BLS key, like the anchor's registration does.
 *
 * The contract only emits the signature (verifying ed25519 on-chain costs ~670,000 gas); every
 * node verifies it from the NodeOpened event. A node whose proof fails, or whose ed25519 key a
 * live node already holds, earns nothing and is voted out from the start. Its stake is never
 * stuck: exits work as for any node.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { encodeAbiParameters, keccak256, toBytes, type Address, type Hex } from 'viem';

export const ED25519_REGISTRATION_TAG: Hex = keccak256(toBytes('SESH.ed25519.registration.v1'));

export type Ed25519RegistrationFields = {
  chainId: number | bigint;
  /** The SessionStaking address the registration is sent to. */
  contract: Address;
  operator: Address;
  /** The node's BLS key in G1, as the contract stores it. */
  blsKey: { x: bigint; y: bigint };
};

/** The 32 bytes the node's ed25519 key signs for this registration. */
export function ed25519RegistrationMessage(fields: Ed25519RegistrationFields): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }, { type: 'uint256' }],
      [ED25519_REGISTRATION_TAG, BigInt(fields.chainId), fields.contract, fields.operator, fields.blsKey.x, fields.blsKey.y],
    ),
  );
}

/** Signs the registration with the node's 32-byte ed25519 secret (seed); returns 64 bytes of hex (R ‖ S). */
export function signEd25519Registration(secretKey: Uint8Array, fields: Ed25519RegistrationFields): Hex {
  const message = hexToBytes(ed25519RegistrationMessage(fields).slice(2));
  return `0x${bytesToHex(ed25519.sign(message, secretKey))}`;
}

/** The signature as the contract's `bytes32[2]` (R, S). */
export function ed25519SignatureWords(signature: Hex): readonly [Hex, Hex] {
  if (!/^0x[0-9a-fA-F]{128}$/.test(signature)) throw new Error('an ed25519 signature is 64 bytes of hex');
  return [`0x${signature.slice(2, 66)}`, `0x${signature.slice(66)}`] as const;
}

/** True iff `signature` (64 bytes, or the contract's two words) is `ed25519Key`'s signature of this registration. Never throws. */
export function verifyEd25519Registration(
  fields: Ed25519RegistrationFields & { ed25519Key: Hex; signature: Hex | readonly [Hex, Hex] },
): boolean {
  try {
    const sig = typeof fields.signature === 'string' ? fields.signature : (`0x${fields.signature[0].slice(2)}${fields.signature[1].slice(2)}` as Hex);
    if (!/^0x[0-9a-fA-F]{128}$/.test(sig) || !/^0x[0-9a-fA-F]{64}$/.test(fields.ed25519Key)) return false;
    const message = hexToBytes(ed25519RegistrationMessage(fields).slice(2));
    return ed25519.verify(hexToBytes(sig.slice(2)), message, hexToBytes(fields.ed25519Key.slice(2)));
  } catch {
    return false;
  }
}
