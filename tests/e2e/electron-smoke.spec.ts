/**
 * Smoke test of the real Electron app (the built out/main/index.js, launched through package.json
 * "main"), with Playwright's `_electron`. Where no Electron binary is installed (these machines
 * cannot download it) the test is skipped with the reason. Self-contained: it needs only
 * `npm run build` and an Electron binary, not the web server of the other e2e tests.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The Electron executable, found the way node_modules/electron/index.js does, but without
 * requiring it: in Electron 45 that require() tries to download a missing binary.
 */
function electronExecutable(): string | null {
  const pkgDir = join(root, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(pkgDir, 'dist');
  const exe = join(distDir, relative);
  return existsSync(exe) ? exe : null;
}

const exe = electronExecutable();
const noDisplay = process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'];

test.describe('Electron app', () => {
  test.skip(
    exe === null,
    'Electron binary not installed (node_modules/electron/dist missing): run `npx install-electron` on a machine with internet',
  );
  test.skip(!exe ? false : noDisplay, 'No display for Electron on this Linux machine: run the e2e tests under `xvfb-run`');

  let app: ElectronApplication | undefined;
  let userData = '';

  test.beforeAll(async () => {
    expect(existsSync(join(root, 'out/main/index.js')), 'out/main/index.js is missing: run `npm run build` first').toBe(true);
    expect(existsSync(join(root, 'out/preload/index.cjs')), 'out/preload/index.cjs is missing: run `npm run build` first').toBe(true);
    userData = mkdtempSync(join(tmpdir(), 'tutordesk-smoke-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && k !== 'ELECTRON_RENDERER_URL' && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    env['TUTORDESK_USER_DATA_DIR'] = userData;
    const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    app = await electron.launch({
      executablePath: exe!,
      // The project folder: Electron reads package.json "main" → out/main/index.js.
      args: [root, ...(runningAsRoot ? ['--no-sandbox'] : [])],
      cwd: root,
      env,
      timeout: 60_000,
    });
  });

  test.afterAll(async () => {
    await app?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('opens the TutorDesk window with the preload bridge and nothing more', async () => {
    const window = await app!.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    await expect(window).toHaveTitle(/TutorDesk/);

    const shape = await window.evaluate(() => {
      const w = window as unknown as { tutordesk?: Record<string, unknown> & { sync?: Record<string, unknown> } };
      return {
        bridge: typeof w.tutordesk,
        methods: Object.keys(w.tutordesk ?? {}).sort(),
        sync: Object.keys(w.tutordesk?.sync ?? {}).sort(),
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      };
    });
    expect(shape).toEqual({
      bridge: 'object',
      methods: [
        'appInfo',
        'isOnline',
        'notify',
        'onEvent',
        'openExternal',
        'openFile',
        'renderPdf',
        'saveFile',
        'savePdf',
        'savePdfBatch',
        'sync',
      ],
      sync: ['clearCredentials', 'fetch', 'getAccount', 'saveCredentials'],
      require: 'undefined',
      process: 'undefined',
    });

    const info = await window.evaluate(() =>
      (window as unknown as { tutordesk: { appInfo(): Promise<{ name: string; platform: string }> } }).tutordesk.appInfo(),
    );
    expect(info).toMatchObject({ name: 'TutorDesk', platform: 'electron' });
  });

  test('the window is locked down', async () => {
    const window = await app!.firstWindow();
    // No Node in the page (nodeIntegration off, context isolation, sandbox): only the bridge.
    const nodeGlobals = await window.evaluate(() =>
      ['require', 'process', 'module', 'Buffer', 'global', 'ipcRenderer'].filter((name) => name in window),
    );
    expect(nodeGlobals).toEqual([]);

    // The CSP forbids eval.
    const evalResult = await window.evaluate(() => {
      try {
        return String((0, eval)('1 + 1'));
      } catch {
        return 'blocked';
      }
    });
    expect(evalResult).toBe('blocked');

    // Main validates payloads.
    const refused = await window.evaluate(() =>
      (window as unknown as { tutordesk: { openExternal(u: string): Promise<void> } }).tutordesk.openExternal('file:///etc/passwd').then(
        () => 'accepted',
        (e: unknown) => String(e),
      ),
    );
    expect(refused).toMatch(/Invalid request/);

    // The native menu is there.
    const menus = await app!.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((i) => i.label.replace('&', '')) ?? []);
    expect(menus).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Window', 'Help']));
  });

  test('renders a PDF in the main process', async () => {
    const window = await app!.firstWindow();
    const b64 = await window.evaluate(() =>
      (window as unknown as { tutordesk: { renderPdf(r: object): Promise<string> } }).tutordesk.renderPdf({
        html: '<!doctype html><title>Invoice</title><h1>Invoice INV-1</h1>',
        pageSize: 'A4',
        landscape: false,
      }),
    );
    expect(Buffer.from(b64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
