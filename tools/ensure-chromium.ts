/**
 * Makes sure Debian's Chromium is installed for the browser tests (CI starts on a fresh
 * machine): installs the `chromium` package with apt-get when /usr/bin/chromium is missing.
 * Usage: tsx tools/ensure-chromium.ts   (or import { ensureChromium })
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

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

/** Returns the Chromium path, installing the Debian package first if needed (needs root). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new ChromiumMissingError(`${CHROMIUM_PATH} is missing and installing it needs root: run \`sudo apt-get install -y chromium\``);
  }
  console.log(`${CHROMIUM_PATH} is missing: installing Debian's chromium package (apt-get)…`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM_PATH)) throw new ChromiumMissingError(`apt-get finished but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
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
