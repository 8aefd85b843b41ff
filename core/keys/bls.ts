/**
 * The node's BLS key (BN254): `<keyDir>/bls.key`, the generic key file format
 * (`{ type: "bls-bn254", secret, publicKey: G1 ‖ G2 }`), 0600, never overwritten.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  blsKeyPairFromSecret,
  blsPublicKeyToHex,
  blsSecretKeyFromHex,
  blsSecretKeyToHex,
  generateBlsKeyPair,
  type BlsKeyPair,
} from '../../sdk/src/bls/index.ts';
import { KeyFileError, readKeyFile, writeKeyFile } from './key-file.ts';

export const BLS_KEY_TYPE = 'bls-bn254';
export const BLS_KEY_FILE = 'bls.key';

export function createBlsKeyFile(path: string, keyPair: BlsKeyPair = generateBlsKeyPair()): BlsKeyPair {
  writeKeyFile(path, { type: BLS_KEY_TYPE, secret: blsSecretKeyToHex(keyPair.secretKey), publicKey: blsPublicKeyToHex(keyPair).toLowerCase() as `0x${string}` });
  return keyPair;
}

export function loadBlsKeyFile(path: string): BlsKeyPair {
  const file = readKeyFile(path, BLS_KEY_TYPE);
  const keyPair = blsKeyPairFromSecret(blsSecretKeyFromHex(file.secret));
  if (file.publicKey && file.publicKey !== blsPublicKeyToHex(keyPair).toLowerCase()) {
    throw new KeyFileError(`${path}: the stored public key does not match the secret; the file is damaged`);
  }
  return keyPair;
}

/** Loads `<keyDir>/bls.key`, creating it on first start. */
export function loadOrCreateBlsKey(keyDir: string): { keyPair: BlsKeyPair; created: boolean; path: string } {
  const path = join(keyDir, BLS_KEY_FILE);
  if (existsSync(path)) return { keyPair: loadBlsKeyFile(path), created: false, path };
  return { keyPair: createBlsKeyFile(path), created: true, path };
}
