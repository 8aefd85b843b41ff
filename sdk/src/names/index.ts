export * from './rules.ts';
export * from './accountId.ts';
export * from './hash.ts';
export * from './commitment.ts';
export * from './calls.ts';
export * from './read.ts';
export * from './oxen.ts';
export * from './primary.ts';
