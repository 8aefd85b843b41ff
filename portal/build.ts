/**
 * Builds the portal (Vite) into portal/dist, unless the build is newer than every source.
 * Usage: tsx portal/build.ts [--force]
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PORTAL_DIR = import.meta.dirname;
export const PORTAL_DIST = join(PORTAL_DIR, 'dist');
const SOURCES = [join(PORTAL_DIR, 'src'), join(PORTAL_DIR, 'index.html'), join(PORTAL_DIR, 'vite.config.ts'), join(PORTAL_DIR, '..', 'sdk', 'src')];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

/** True when portal/dist is missing or older than a source file. */
export function portalBuildStale(): boolean {
  const built = join(PORTAL_DIST, 'index.html');
  if (!existsSync(built)) return true;
  return Math.max(...SOURCES.map(newest)) > statSync(built).mtimeMs;
}

/** Builds the app if needed (or always with `force`); returns the dist folder. */
export async function buildPortal(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  if (!options.force && !portalBuildStale()) return PORTAL_DIST;
  const log = options.log ?? console.log;
  const started = Date.now();
  log('building the portal (vite)…');
  const { build } = await import('vite');
  await build({ configFile: join(PORTAL_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`portal built in ${Date.now() - started} ms`);
  return PORTAL_DIST;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--help')) {
    console.log('Usage: tsx portal/build.ts [--force]\n\nBuilds the staking portal into portal/dist (skipped when up to date unless --force).');
  } else {
    buildPortal({ force: process.argv.includes('--force') }).catch((error) => {
      console.error(`portal build failed: ${(error as Error).message}`);
      process.exit(1);
    });
  }
}
