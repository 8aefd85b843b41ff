#!/usr/bin/env node
/**
 * The installed `session-node` command: compiles the contracts if needed (cached) and runs the
 * daemon (node/src/main.ts) with TypeScript loaded through tsx, in this same process, so a
 * supervisor's SIGTERM reaches the daemon directly. Every argument goes to the daemon.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
register();
// tools/run-built.ts reads [node, itself, script, …args]: compile first, then the daemon.
const runBuilt = join(root, 'tools', 'run-built.ts');
process.argv = [process.argv[0], runBuilt, join(root, 'node', 'src', 'main.ts'), ...process.argv.slice(2)];
await import(pathToFileURL(runBuilt).href);
