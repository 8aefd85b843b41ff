/**
 * npm test: builds the contracts (cached), then runs every *.test.ts under the part folders
 * with Node's test runner. Extra arguments filter test files by substring.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compile } from '../contracts/compile.ts';

const PARTS = ['contracts', 'sdk', 'core', 'node', 'gateway', 'portal', 'programs', 'cli', 'devnet', 'bench', 'tools', 'migration'];
const root = process.cwd();

function findTests(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--help')) {
  console.log('Usage: npm test [-- FILTER…]\n\nBuilds the contracts, type-checks (full runs only) and runs every test (or those whose path contains a FILTER),\nthree files at a time (SESH_TEST_CONCURRENCY=N to change it).');
  process.exit(0);
}
// Three files at a time on two cores: the long files are multi-process network tests that mostly
// wait on chain time and test periods, so a third slot shortens the run without starving them.
// SESH_TEST_CONCURRENCY overrides it (e.g. 1 to debug a flaky interaction).
const CONCURRENCY = Number(process.env.SESH_TEST_CONCURRENCY ?? 3);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error(`SESH_TEST_CONCURRENCY must be a whole number ≥ 1 (got "${process.env.SESH_TEST_CONCURRENCY}"); unset it for the default of 3`);
  process.exit(2);
}
compile();
if (filters.length === 0) {
  // The whole suite also type-checks every part: a type error fails the run like a test would.
  const started = Date.now();
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', root], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('type check failed (see the errors above)');
    process.exit(1);
  }
  console.log(`type check passed in ${Date.now() - started} ms`);
}
// The longest files start first (minutes each, measured in a full run), so a long file started
// last is not a tail the whole run waits for.
const LONGEST_FIRST = [
  'portal/test/request-budget',
  'core/test/network-state-model',
  'node/test/storage-network-decommission',
  'node/test/network-signing-peers',
  'node/test/storage-network.test',
  'node/test/network-decommission',
  'portal/test/journey',
  'gateway/test/network-faults',
];
const rank = (file: string) => {
  const i = LONGEST_FIRST.findIndex((prefix) => file.includes(prefix));
  return i === -1 ? LONGEST_FIRST.length : i;
};
const files = PARTS.flatMap((part) => findTests(join(root, part)))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
console.log(`running ${files.length} test files`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${CONCURRENCY}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
