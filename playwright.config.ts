import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests run the test build of the renderer (out-e2e/renderer: the product's UI plus the
 * test hooks, vite.renderer.config.ts) served over http by `vite preview`, in Debian's Chromium.
 * The web server builds it first (a few seconds), so the tests always run the current source.
 * Playwright never downloads a browser of its own.
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
    command: `npm run --silent build:web -- --logLevel warn && npx vite preview --config vite.renderer.config.ts --mode e2e --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
