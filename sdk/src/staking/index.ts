/** Node staking: call builders, signed-payload hashes, the registration payload, the rewards tree. */
export * from './constants.ts';
export * from './payloads.ts';
export * from './registration.ts';
export * from './ed25519-proof.ts';
export * from './calls.ts';
export * from './rewards-tree.ts';
export * from './node-record.ts';
export * from './errors.ts';
