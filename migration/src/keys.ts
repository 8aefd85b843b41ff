/**
 * Node keys for the rehearsal. Real nodes hand in their `prepare-registration` payload
 * (BLS key + proof of possession + the ed25519 key's signature of the registration, all bound
 * to the operator); the simulated network has no daemons, so each node's BLS secret and
 * ed25519 secret are derived from its Oxen pubkey and the payload is built through the same
 * sdk path (prepareRegistration → parseRegistrationPayload → nodeKeysArgs). The
 * rehearsal's ed25519 key is therefore a derived one, not the Oxen key (whose secret only the
 * real node holds). These keys are public knowledge: rehearsal only.
 */
import { encodeAbiParameters, keccak256, toBytes, type Address, type Hex } from 'viem';
import { blsKeyPairFromSecret, GROUP_ORDER } from '../../sdk/src/bls/index.ts';
import { nodeKeysArgs, parseRegistrationPayload, prepareRegistration, type NodeKeysArgs } from '../../sdk/src/staking/index.ts';

export function rehearsalNodeKeys(nodeId: string, operator: Address, chainId: number, staking: Address): NodeKeysArgs {
  const derive = (tag: string) => keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'bytes32' }], [tag, `0x${nodeId}` as Hex]));
  const keyPair = blsKeyPairFromSecret((BigInt(derive('sesh-migration-rehearsal-node')) % (GROUP_ORDER - 1n)) + 1n);
  const ed25519SecretKey = toBytes(derive('sesh-migration-rehearsal-ed25519'));
  const payload = prepareRegistration({ keyPair, operator, ed25519SecretKey, chainId, contract: staking });
  return nodeKeysArgs(parseRegistrationPayload(JSON.stringify(payload)));
}
