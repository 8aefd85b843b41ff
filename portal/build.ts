/**
 * Builds the portal (Vite) into portal/dist, unless the build is newer than every source.
 * Usage: tsx portal/build.ts [--force]
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { releaseDirLock, tryDirLock } from '../tools/dir-lock.ts';

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

const LOCK = join(PORTAL_DIR, '.build-lock');

/** One build at a time across processes (parallel test files); a lock older than 5 min is stale. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  while (!tryDirLock(LOCK, 5 * 60_000)) await sleep(200);
  try {
    return await fn();
  } finally {
    releaseDirLock(LOCK);
  }
}

/**
 * Builds the app if needed (or always with `force`); returns the dist folder. The build goes to a
 * temporary folder that then replaces dist, so a server never sees half a build.
 */
export async function buildPortal(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  if (!options.force && !portalBuildStale()) return PORTAL_DIST;
  return withBuildLock(async () => {
    if (!options.force && !portalBuildStale()) return PORTAL_DIST; // another process just built it
    const log = options.log ?? console.log;
    const started = Date.now();
    log('building the portal (vite)…');
    const { build } = await import('vite');
    const temp = `${PORTAL_DIST}.tmp-${process.pid}`;
    try {
      await build({ configFile: join(PORTAL_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir: temp, emptyOutDir: true } });
      const old = `${PORTAL_DIST}.old-${process.pid}`;
      if (existsSync(PORTAL_DIST)) renameSync(PORTAL_DIST, old);
      renameSync(temp, PORTAL_DIST);
      rmSync(old, { recursive: true, force: true });
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    log(`portal built in ${Date.now() - started} ms`);
    return PORTAL_DIST;
  });
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
