/**
 * Runs a TypeScript entry point after making sure the contracts are compiled.
 *
 *   tsx tools/run-built.ts devnet/start.ts [args…]
 *
 * Why: most entry points import the generated ABIs (sdk/src/generated/contracts.ts) statically,
 * and ES modules resolve every static import before any code runs, so an entry point cannot
 * compile the contracts itself on a fresh clone. This wrapper compiles first (cached: a no-op
 * when nothing changed), then imports the real entry point with the arguments it expects.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile } from '../contracts/compile.ts';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: tsx tools/run-built.ts SCRIPT [args…]');
  process.exit(2);
}
// Quiet: entry points such as prepare-registration print JSON on stdout.
const started = Date.now();
compile({ quiet: true });
if (Date.now() - started > 1_000) process.stderr.write(`contracts compiled in ${Date.now() - started} ms\n`);
const target = resolve(script);
// The entry point reads process.argv.slice(2): give it [node, itself, …its own arguments].
process.argv = [process.argv[0]!, target, ...args];
await import(pathToFileURL(target).href);
