export * from './units.ts';
export * from './deployments.ts';
export * from './clients.ts';
