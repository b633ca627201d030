import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import type { UserConfig } from 'vite';

const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { version: string };

/**
 * The renderer build, shared by electron-vite (electron.vite.config.ts) and the browser build
 * that the end-to-end tests serve over http (`npm run build:web`): the very same UI.
 */
export const rendererConfig: UserConfig = {
  root: resolve(__dirname, 'src-renderer'),
  base: './',
  plugins: [react()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: resolve(__dirname, 'out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    chunkSizeWarningLimit: 4000,
  },
};

export default rendererConfig;
