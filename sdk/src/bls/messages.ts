/**
 * The two messages BLS keys sign, with the exact digests of NetworkAuthority.sol:
 *   proof of possession: keccak256(abi.encode(POP_TAG, chainId, contract, operator, pk.x, pk.y))
 *   network message:     keccak256(abi.encode(NETWORK_TAG, chainId, contract, purpose, payloadHash))
 * Binding the PoP to operator, chain and contract stops key theft/reuse and rogue keys.
 */
import { encodeAbiParameters, keccak256, toBytes, type Address, type Hex } from 'viem';
import { BlsEncodingError } from './errors.ts';
import type { G1Point } from './curve.ts';
import { g1ToSolidity } from './encoding.ts';
import { blsKeyPairFromSecret } from './keys.ts';
import { signDigest } from './sign.ts';

export const POP_TAG: Hex = keccak256(toBytes('SESH.BLS.proofOfPossession.v1'));
export const NETWORK_TAG: Hex = keccak256(toBytes('SESH.BLS.networkSignature.v1'));

/** A purpose constant as contracts define it: keccak256 of its name, e.g. blsPurpose('SESH.rewards.v1'). */
export function blsPurpose(name: string): Hex {
  return keccak256(toBytes(name));
}

function checkBytes32(value: Hex, what: string): void {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) throw new BlsEncodingError(`${what} must be 32 bytes of hex`);
}

export type PopContext = { chainId: number | bigint; contract: Address; operator: Address };

export function proofOfPossessionDigest(args: PopContext & { publicKey: G1Point }): Hex {
  const { x, y } = g1ToSolidity(args.publicKey);
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }, { type: 'uint256' }],
      [POP_TAG, BigInt(args.chainId), args.contract, args.operator, x, y],
    ),
  );
}

/**
 * The proof of possession of `secretKey`'s key pair for `operator` on (chainId, contract).
 * `publicKey` (its G1 key) is derived from the secret when not given.
 */
export function signProofOfPossession(args: PopContext & { secretKey: bigint; publicKey?: G1Point }): G1Point {
  const publicKey = args.publicKey ?? blsKeyPairFromSecret(args.secretKey).publicKeyG1;
  return signDigest(args.secretKey, proofOfPossessionDigest({ ...args, publicKey }));
}

export type NetworkMessage = { chainId: number | bigint; contract: Address; purpose: Hex; payloadHash: Hex };

export function networkDigest(args: NetworkMessage): Hex {
  checkBytes32(args.purpose, 'purpose');
  checkBytes32(args.payloadHash, 'payloadHash');
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [NETWORK_TAG, BigInt(args.chainId), args.contract, args.purpose, args.payloadHash],
    ),
  );
}

/** One node's signature of a network message (aggregate them with aggregateG1). */
export function signNetworkMessage(args: NetworkMessage & { secretKey: bigint }): G1Point {
  return signDigest(args.secretKey, networkDigest(args));
}
