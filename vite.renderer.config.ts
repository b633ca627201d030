import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import type { Plugin, UserConfig } from 'vite';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')) as { version: string };

/**
 * The renderer build, shared by electron-vite (electron.vite.config.ts) and the browser build
 * that the end-to-end tests serve over http (`npm run build:web`): the very same UI.
 */
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

export const rendererConfig: UserConfig = {
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [react(), cspMeta()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    chunkSizeWarningLimit: 4000,
  },
};

export default rendererConfig;
