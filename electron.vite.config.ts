import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config';

/**
 * One build for the three parts. The renderer bundle (out/renderer) is the same UI as the test
 * build that the Playwright tests serve over http to Debian's Chromium (vite.renderer.config.ts),
 * without the test hooks: it picks the Electron bridge when the preload exposed one, and the
 * browser bridge otherwise.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Bundle zod and src-shared into main: the packaged app ships no node_modules
      // (electron.builder.yml excludes them; scripts/check-builder-config.ts checks the bundle).
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot `require` node_modules: bundle everything, emit CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
