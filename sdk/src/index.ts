export * from './units.ts';
export * from './deployments.ts';
export * from './clients.ts';
export * as names from './names/index.ts';
export * as pro from './pro/index.ts';
