/**
 * Makes sure Debian's Chromium is installed for the browser tests (CI starts on a fresh
 * machine): installs the `chromium` package with apt-get when /usr/bin/chromium is missing.
 * Usage: tsx tools/ensure-chromium.ts   (or import { ensureChromium })
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { releaseDirLock, tryDirLock } from './dir-lock.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    throw new ChromiumMissingError(
      `\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}); install Chromium yourself (apt-get install chromium) and rerun`,
    );
  }
}

const LOCK = join(tmpdir(), 'sesh-ensure-chromium.lock');
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `fn` holding a machine-wide lock, so parallel test files do not run apt-get together. */
function withInstallLock<T>(fn: () => T): T {
  const deadline = Date.now() + 15 * 60_000;
  // Another process may be installing; a lock older than 15 min is left over from a crash.
  while (!tryDirLock(LOCK, 15 * 60_000)) {
    if (Date.now() > deadline) throw new ChromiumMissingError(`waited 15 min for ${LOCK}; remove it if no install is running`);
    sleep(500);
  }
  try {
    return fn();
  } finally {
    releaseDirLock(LOCK);
  }
}

/** Returns the Chromium path, installing the Debian package first if needed (needs root). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new ChromiumMissingError(`${CHROMIUM_PATH} is missing and installing it needs root: run \`sudo apt-get install -y chromium\``);
  }
  return withInstallLock(() => {
    if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH; // installed while we waited
    console.log(`${CHROMIUM_PATH} is missing: installing Debian's chromium package (apt-get)…`);
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
    if (!existsSync(CHROMIUM_PATH)) throw new ChromiumMissingError(`apt-get finished but ${CHROMIUM_PATH} is still missing`);
    return CHROMIUM_PATH;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--help')) {
    console.log('Usage: tsx tools/ensure-chromium.ts\n\nInstalls Debian\'s chromium package (apt-get, as root) when /usr/bin/chromium is missing.');
  } else {
    try {
      console.log(ensureChromium());
    } catch (error) {
      console.error((error as Error).message);
      process.exit(1);
    }
  }
}
