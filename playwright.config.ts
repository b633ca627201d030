import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests run the built renderer (out/renderer, `npm run build:web`) served over http
 * by `vite preview`, in Debian's Chromium. Playwright never downloads a browser of its own.
 */
const PORT = Number(process.env.E2E_PORT ?? 4173);
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    viewport: { width: 1400, height: 880 },
    acceptDownloads: true,
    trace: 'off',
  },
  webServer: {
    command: `npx vite preview --config vite.renderer.config.ts --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
