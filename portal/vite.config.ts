/**
 * Vite config of the staking portal. The browser never deploys a contract, so the generated
 * artifacts are loaded with their bytecode stripped (keeps the bundle small).
 */
import { defineConfig, type Plugin } from 'vite';

const stripBytecode: Plugin = {
  name: 'sesh-strip-bytecode',
  enforce: 'pre',
  transform(code, id) {
    if (!id.replace(/\\/g, '/').endsWith('sdk/src/generated/contracts.ts')) return null;
    return { code: code.replace(/^ {2}bytecode: '0x[0-9a-fA-F]*'/gm, "  bytecode: '0x'"), map: null };
  },
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [stripBytecode],
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 1500 },
});
