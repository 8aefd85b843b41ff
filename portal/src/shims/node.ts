/**
 * Browser stand-ins for the node:fs / node:path imports of sdk/src/deployments.ts (its file
 * helpers; the portal only uses its pure functions). Calling one is a bug, so they throw.
 */
const browserOnly = (name: string) => () => {
  throw new Error(`${name} is not available in the browser`);
};
export const existsSync = browserOnly('existsSync');
export const mkdirSync = browserOnly('mkdirSync');
export const readFileSync = browserOnly('readFileSync');
export const renameSync = browserOnly('renameSync');
export const writeFileSync = browserOnly('writeFileSync');
export const dirname = browserOnly('dirname');
