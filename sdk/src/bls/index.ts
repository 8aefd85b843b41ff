/** BN254 BLS for network-authorised signatures (signatures in G1, keys in G1 and G2). */
export * from './errors.ts';
export { FIELD_MODULUS, GROUP_ORDER, type G1Point, type G2Point } from './curve.ts';
export * from './keys.ts';
export * from './hash-to-curve.ts';
export { messagePoint, signDigest, verificationGamma, verifyMessagePoint, verifySignature } from './sign.ts';
export * from './shares.ts';
export * from './aggregate.ts';
export * from './encoding.ts';
export * from './messages.ts';
export * from './network-signature.ts';
