export * from './units.ts';
export * from './deployments.ts';
export * from './network/rules.ts';
export * from './clients.ts';
export * from './errors.ts';
export * from './generated/contracts.ts';
export * as names from './names/index.ts';
export * as pro from './pro/index.ts';
export * from './permit.ts';
