/** BLS key pairs: a secret scalar with its public key in G1 (stored on-chain) and G2 (for pairings). */
import { BlsEncodingError } from './errors.ts';
import { G1, G2, GROUP_ORDER, type G1Point, type G2Point } from './curve.ts';

export type BlsKeyPair = {
  secretKey: bigint;
  publicKeyG1: G1Point;
  publicKeyG2: G2Point;
};

/** The key pair of `secret` (1 ≤ secret < R). */
export function blsKeyPairFromSecret(secret: bigint): BlsKeyPair {
  if (typeof secret !== 'bigint' || secret <= 0n || secret >= GROUP_ORDER) {
    throw new BlsEncodingError('BLS secret key must be an integer with 1 ≤ key < the BN254 group order');
  }
  return { secretKey: secret, publicKeyG1: G1.BASE.multiply(secret), publicKeyG2: G2.BASE.multiply(secret) };
}

/** A fresh random key pair (48 random bytes reduced mod R − 1, plus 1: bias < 2^-128). */
export function generateBlsKeyPair(): BlsKeyPair {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return blsKeyPairFromSecret((value % (GROUP_ORDER - 1n)) + 1n);
}

/**
 * `count` key pairs with consecutive secrets from one random start: each public key is the last
 * plus the base point (a point addition, not a scalar multiplication). For bulk test fixtures
 * only (a devnet seeded with thousands of nodes): consecutive secrets are related, so never use
 * them for keys that guard anything.
 */
export function consecutiveBlsKeyPairs(count: number): BlsKeyPair[] {
  let pair = generateBlsKeyPair();
  if (pair.secretKey + BigInt(count) >= GROUP_ORDER) pair = blsKeyPairFromSecret(1n + (pair.secretKey % (GROUP_ORDER / 2n)));
  const pairs: BlsKeyPair[] = [];
  for (let i = 0; i < count; i++) {
    pairs.push(pair);
    pair = { secretKey: pair.secretKey + 1n, publicKeyG1: pair.publicKeyG1.add(G1.BASE), publicKeyG2: pair.publicKeyG2.add(G2.BASE) };
  }
  return pairs;
}

