/**
 * Commit–reveal: the commitment binds the registrar, the normalised name, the owner, the
 * account ID and a secret, exactly as SessionNameRegistrar.makeCommitment.
 */
import { bytesToHex, encodeAbiParameters, keccak256, stringToHex, type Address, type Hex } from 'viem';
import { normaliseName } from './rules.ts';

export const MIN_COMMITMENT_AGE = 60;
export const MAX_COMMITMENT_AGE = 24 * 3600;

export type CommitmentInput = { registrar: Address; name: string; owner: Address; accountId: Hex; secret: Hex };

export function makeCommitment({ registrar, name, owner, accountId, secret }: CommitmentInput): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'address' }, { type: 'bytes' }, { type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [registrar, stringToHex(normaliseName(name)), owner, accountId, secret],
    ),
  );
}

/** A fresh random 32-byte secret; keep it until the reveal. */
export function randomSecret(): Hex {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}
