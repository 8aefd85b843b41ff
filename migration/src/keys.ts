/**
 * Node keys for the rehearsal. Real nodes hand in their `prepare-registration` payload
 * (BLS key + proof of possession bound to the operator); the simulated network has no
 * daemons, so each node's BLS secret is derived from its Oxen pubkey and the payload is built
 * through the same sdk path (prepareRegistration → parseRegistrationPayload → nodeKeysArgs).
 * These keys are public knowledge: rehearsal only.
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem';
import { blsKeyPairFromSecret, GROUP_ORDER } from '../../sdk/src/bls/index.ts';
import { nodeKeysArgs, parseRegistrationPayload, prepareRegistration, type NodeKeysArgs } from '../../sdk/src/staking/index.ts';

export function rehearsalNodeKeys(nodeId: string, operator: Address, chainId: number, staking: Address): NodeKeysArgs {
  const seed = BigInt(keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'bytes32' }], ['sesh-migration-rehearsal-node', `0x${nodeId}` as Hex])));
  const keyPair = blsKeyPairFromSecret((seed % (GROUP_ORDER - 1n)) + 1n);
  const payload = prepareRegistration({ keyPair, operator, ed25519PublicKey: `0x${nodeId}`, chainId, contract: staking });
  return nodeKeysArgs(parseRegistrationPayload(JSON.stringify(payload)));
}
