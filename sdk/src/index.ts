export * from './units.ts';
export * from './deployments.ts';
export * from './clients.ts';
export * from './errors.ts';
export * from './generated/contracts.ts';
