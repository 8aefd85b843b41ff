/**
 * Vite config of the staking portal. The browser never deploys a contract, so the generated
 * artifacts are loaded with their bytecode stripped (keeps the bundle small).
 */
import { defineConfig, type Plugin } from 'vite';

const GENERATED = 'sdk/src/generated/contracts.ts';

const stripBytecode: Plugin = {
  name: 'sesh-strip-bytecode',
  enforce: 'pre',
  // sdk/src/errors.ts reads every contract's ABI (import * as): give it its own copy of the
  // module, so that copy lands in its lazy chunk and the main bundle keeps only the ABIs it uses.
  // Likewise the names and Pro sdk (the lazy names page) get their own copy.
  async resolveId(source, importer) {
    if (!importer || !source.endsWith('generated/contracts.ts')) return null;
    const from = importer.replace(/\\/g, '/');
    const copy = from.endsWith('sdk/src/errors.ts') ? 'all-errors' : /sdk\/src\/(names|pro)\//.test(from) ? 'names' : undefined;
    if (!copy) return null;
    const resolved = await this.resolve(source, importer, { skipSelf: true });
    return resolved ? `${resolved.id}?${copy}` : null;
  },
  transform(code, id) {
    if (!id.replace(/\\/g, '/').replace(/\?(all-errors|names)$/, '').endsWith(GENERATED)) return null;
    return { code: code.replace(/^ {2}bytecode: '0x[0-9a-fA-F]*'/gm, "  bytecode: '0x'"), map: null };
  },
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [stripBytecode],
  resolve: { alias: { 'node:fs': `${import.meta.dirname}/src/shims/node.ts`, 'node:path': `${import.meta.dirname}/src/shims/node.ts` } },
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 1500 },
});
