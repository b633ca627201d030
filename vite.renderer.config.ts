import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')) as { version: string };

/**
 * The page's Content-Security-Policy. Injected into the built index.html only: in `electron-vite
 * dev` the React Fast Refresh preamble is an inline script, which this policy forbids, and main
 * sends its own (dev-aware) header. No 'unsafe-eval': record validation runs Ajv validators
 * precompiled by scripts/gen-validators.ts, not compiled at run time.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'self' blob:",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'tutordesk-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

/**
 * The start-up bundle in three chunks, all loaded at once (the page links each with
 * `modulepreload`): Chromium compiles each script on a background thread as it arrives, and the
 * page can run only once the last is compiled. One 3.3 MB script took about 260 ms to compile on
 * the 2-core bench machine, on one core; in three parts the cores share it (docs/speed.md).
 */
const PARALLEL_CHUNKS = [
  { name: 'validators', test: /src-renderer[\\/]src[\\/]data[\\/]generated[\\/]/ },
  { name: 'vendor', test: /node_modules/ },
];

/**
 * The product's renderer build (out/renderer), used by electron-vite (electron.vite.config.ts,
 * `npm run build`). `__TEST_HOOKS__` is false: the test hooks (src-renderer/src/testing/) are
 * not in it.
 */
export const rendererConfig: UserConfig = {
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [react(), cspMeta()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version), __TEST_HOOKS__: 'false' },
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    rollupOptions: {
      input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') },
      output: { codeSplitting: { groups: PARALLEL_CHUNKS } },
    },
    chunkSizeWarningLimit: 4000,
  },
};

/**
 * The test build (mode `e2e`, `npm run build:web`): the same UI plus the test hooks that the
 * end-to-end tests and `npm run bench` drive (`?testHooks`), served over http to Debian's
 * Chromium by `vite preview --mode e2e` (playwright.config.ts). It goes to out-e2e/renderer,
 * outside out/, which electron-builder packages whole.
 */
export const e2eRendererConfig: UserConfig = {
  ...rendererConfig,
  define: { ...rendererConfig.define, __TEST_HOOKS__: 'true' },
  build: { ...rendererConfig.build, outDir: resolve(import.meta.dirname, 'out-e2e/renderer') },
};

export default defineConfig(({ mode }) => (mode === 'e2e' ? e2eRendererConfig : rendererConfig));
