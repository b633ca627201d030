/**
 * The product holds only the product: the renderer that `npm run build` ships (electron-vite uses
 * `rendererConfig`) contains none of the test and benchmark hooks of src-renderer/src/testing/,
 * while the test build (`npm run build:web`) does. Both are built here into temporary folders and
 * their emitted JavaScript searched for the hooks' names.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type UserConfig } from 'vite';
import { e2eRendererConfig, rendererConfig } from '../../../vite.renderer.config';

/** Names only the hooks use: the window globals and the hooks' own methods. */
const HOOK_NAMES = [
  '__tutordeskTest',
  '__tutordeskNotesTest',
  '__tutordeskSyncTest',
  'testHooks',
  'seedSchedule',
  'scheduleExpansion',
  'duplicateFromOtherLaptop',
  'simulateConcurrentEdit',
  'benchPull',
  'benchPush',
  'seedNotes',
];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Builds the renderer with `config` into a temporary folder; returns all emitted JavaScript. */
async function emittedJs(config: UserConfig): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'tutordesk-bundle-'));
  dirs.push(outDir);
  // Not minified, as electron-vite builds the renderer: names survive, so the search is strict.
  await build({ ...config, configFile: false, logLevel: 'silent', build: { ...config.build, outDir, emptyOutDir: true, minify: false } });
  const files = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
  expect(files.length).toBeGreaterThan(0);
  return files.map((f) => readFileSync(join(outDir, 'assets', f), 'utf8')).join('\n');
}

describe('the product bundle', () => {
  it('contains none of the test and benchmark hooks; the test build contains them all', async () => {
    const product = await emittedJs(rendererConfig);
    expect(HOOK_NAMES.filter((name) => product.includes(name))).toEqual([]);
    // The same search finds every name in the test build: the list is not stale.
    const testBuild = await emittedJs(e2eRendererConfig);
    expect(HOOK_NAMES.filter((name) => !testBuild.includes(name))).toEqual([]);
  }, 120_000);
});
