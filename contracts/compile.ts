/**
 * Compiles every contract under contracts/src with the pinned solc-js build and writes
 * typed artifacts for viem to sdk/src/generated/contracts.ts.
 *
 * Output is cached: when no source, setting or compiler changed, nothing is recompiled.
 * Compile errors are printed as `file:line:col: message` so editors can jump to them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'contracts', 'src');
const outDir = join(root, 'contracts', 'out');
const generatedDir = join(root, 'sdk', 'src', 'generated');
const generatedFile = join(generatedDir, 'contracts.ts');
const cacheKeyFile = join(outDir, 'cache-key');

/** Compiler settings. Cancun is the newest fork every target chain (anvil, Arbitrum) runs. */
const settings = {
  optimizer: { enabled: true, runs: 10_000 },
  evmVersion: 'cancun',
  viaIR: false,
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return name.endsWith('.sol') ? [path] : [];
  });
}

/** Resolves `@openzeppelin/...` and `solady/...` imports from node_modules. */
function findImport(path: string): { contents: string } | { error: string } {
  const candidates = [join(root, 'node_modules', path), join(root, path)];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return { contents: readFileSync(candidate, 'utf8') };
  }
  return { error: `import not found: ${path} (is it installed? run npm ci)` };
}

function cacheKey(files: string[]): string {
  const hash = createHash('sha256');
  hash.update(solc.version());
  hash.update(JSON.stringify(settings));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of files.sort()) {
    hash.update(relative(root, file));
    hash.update(readFileSync(file));
  }
  // Library versions: an upgraded dependency must trigger a rebuild.
  for (const lib of ['@openzeppelin/contracts', 'solady']) {
    hash.update(readFileSync(join(root, 'node_modules', lib, 'package.json')));
  }
  return hash.digest('hex');
}

type SolcError = {
  severity: 'error' | 'warning' | 'info';
  message: string;
  formattedMessage: string;
  sourceLocation?: { file: string; start: number; end: number };
};

function lineAndColumn(file: string, offset: number): string {
  const text = existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : '';
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

function formatError(error: SolcError): string {
  if (!error.sourceLocation) return `${error.severity}: ${error.message}`;
  const { file, start } = error.sourceLocation;
  return `${file}:${lineAndColumn(file, start)}: ${error.severity}: ${error.message}`;
}

export function compile({ force = false, quiet = false } = {}): void {
  const files = listSources(srcDir);
  const key = cacheKey(files);
  if (!force && existsSync(cacheKeyFile) && existsSync(generatedFile) && readFileSync(cacheKeyFile, 'utf8') === key) {
    if (!quiet) console.log(`contracts: up to date (${files.length} sources, solc ${solc.version().split('+')[0]})`);
    return;
  }
  const started = Date.now();
  const sources = Object.fromEntries(
    files.map((file) => [relative(root, file), { content: readFileSync(file, 'utf8') }]),
  );
  const input = { language: 'Solidity', sources, settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors: SolcError[] = output.errors ?? [];
  const fatal = errors.filter((e) => e.severity === 'error');
  for (const warning of errors.filter((e) => e.severity === 'warning')) {
    // Warnings from our own sources are shown; library warnings are not ours to fix.
    if (warning.sourceLocation?.file.startsWith('contracts/')) console.warn(formatError(warning));
  }
  if (fatal.length > 0) {
    for (const error of fatal) console.error(formatError(error));
    throw new Error(`contracts: ${fatal.length} compile error(s); see the file:line list above`);
  }

  mkdirSync(outDir, { recursive: true });
  mkdirSync(generatedDir, { recursive: true });
  const artifacts: string[] = [];
  for (const [file, contracts] of Object.entries<Record<string, any>>(output.contracts)) {
    if (!file.startsWith('contracts/')) continue;
    for (const [name, artifact] of Object.entries<any>(contracts)) {
      const bytecode = artifact.evm.bytecode.object as string;
      if (bytecode.length === 0) continue; // interfaces and abstract contracts
      const json = { contractName: name, sourceName: file, abi: artifact.abi, bytecode: `0x${bytecode}` };
      writeFileSync(join(outDir, `${name}.json`), JSON.stringify(json, null, 2));
      const size = artifact.evm.deployedBytecode.object.length / 2;
      if (size > 24_576) throw new Error(`contracts: ${name} is ${size} bytes, over the 24,576-byte EIP-170 limit`);
      artifacts.push(
        `/** ${file} (runtime ${size} bytes) */\nexport const ${name} = {\n  abi: ${JSON.stringify(artifact.abi)},\n  bytecode: '0x${bytecode}',\n} as const;\n`,
      );
    }
  }
  writeFileSync(
    generatedFile,
    `// Generated by contracts/compile.ts from contracts/src. Do not edit.\n\n${artifacts.join('\n')}`,
  );
  writeFileSync(cacheKeyFile, key);
  if (!quiet) {
    console.log(`contracts: compiled ${files.length} sources into ${artifacts.length} artifacts in ${Date.now() - started} ms`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--help')) {
    console.log('Usage: npm run build [-- --force]\n\nCompiles contracts/src with solc-js and writes sdk/src/generated/contracts.ts.');
    process.exit(0);
  }
  try {
    compile({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
