import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { createAppUrlPolicy } from '../../../src-main/app-url';
import {
  ALLOWED_PERMISSIONS,
  buildCsp,
  createNavigationGuard,
  createWindowOpenHandler,
  hardenWebContents,
  installCsp,
  installPermissionHandlers,
  isSafeExternalUrl,
  secureWebPreferences,
  type HeadersReceivedDetails,
} from '../../../src-main/security';

const rendererIndex = join('/opt/TutorDesk/resources/app.asar/out/renderer/index.html');
const prod = createAppUrlPolicy({ rendererIndexFile: rendererIndex, platform: 'linux' });
const dev = createAppUrlPolicy({ devServerUrl: 'http://localhost:5173/', rendererIndexFile: rendererIndex, platform: 'linux' });
const appPage = pathToFileURL(rendererIndex).href;

const directives = (csp: string): Map<string, string[]> =>
  new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name ?? '', values];
    }),
  );

describe('app URL policy', () => {
  it('production: only the built index.html is the app page, with any hash or query', () => {
    expect(prod.entry).toEqual({ kind: 'file', path: rendererIndex });
    expect(prod.isAppPage(appPage)).toBe(true);
    expect(prod.isAppPage(`${appPage}#/students?status=active`)).toBe(true);
    expect(prod.isAppPage(pathToFileURL('/opt/TutorDesk/resources/app.asar/out/renderer/other.html').href)).toBe(false);
    expect(prod.isAppPage('file:///etc/passwd')).toBe(false);
    expect(prod.isAppPage('https://example.com/')).toBe(false);
    expect(prod.isAppPage('not a url')).toBe(false);
    // ../ tricks resolve outside the renderer folder
    expect(prod.isAppResource(pathToFileURL('/opt/TutorDesk/resources/app.asar/out/renderer/assets/index.js').href)).toBe(true);
    expect(prod.isAppResource('file:///opt/TutorDesk/resources/app.asar/out/renderer/../main/index.js')).toBe(false);
    expect(prod.isAppResource('file:///opt/TutorDesk/resources/app.asar/out/renderer-evil/index.html')).toBe(false);
  });

  it('development: the dev server origin', () => {
    expect(dev.entry).toEqual({ kind: 'url', url: 'http://localhost:5173/' });
    expect(dev.isAppPage('http://localhost:5173/#/families')).toBe(true);
    expect(dev.isAppPage('http://localhost:5173/index.html')).toBe(true);
    expect(dev.isAppPage('http://localhost:5174/')).toBe(false);
    expect(dev.isAppResource('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev.isAppPage(appPage)).toBe(false);
  });

  it('ignores a non-http dev server URL', () => {
    const p = createAppUrlPolicy({ devServerUrl: 'javascript:alert(1)', rendererIndexFile: rendererIndex, platform: 'linux' });
    expect(p.entry.kind).toBe('file');
  });

  it('compares paths case-insensitively on Windows and macOS only', () => {
    const mac = createAppUrlPolicy({ rendererIndexFile: rendererIndex, platform: 'darwin' });
    const upper = pathToFileURL(rendererIndex.replace('TutorDesk', 'TUTORDESK')).href;
    expect(mac.isAppPage(upper)).toBe(true);
    expect(prod.isAppPage(upper)).toBe(false);
  });
});

describe('secure window options', () => {
  it('isolates the page from Node', () => {
    const p = secureWebPreferences('/app/out/preload/index.cjs');
    expect(p).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('Content-Security-Policy', () => {
  it('production policy is strict', () => {
    const d = directives(buildCsp({ devServerOrigin: null }));
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'data:']));
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    const all = buildCsp({ devServerOrigin: null });
    expect(all).not.toContain('unsafe-eval');
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
    expect(all).not.toMatch(/\*/);
  });

  it('development adds only the dev server (and its HMR websocket)', () => {
    const d = directives(buildCsp({ devServerOrigin: 'http://localhost:5173' }));
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(d.get('script-src')).toContain('http://localhost:5173');
    expect(buildCsp({ devServerOrigin: 'http://localhost:5173' })).not.toContain('unsafe-eval');
  });

  it('is added to app responses only, replacing any CSP the server sent', () => {
    let listener:
      ((d: HeadersReceivedDetails, cb: (r: { responseHeaders?: Record<string, string[] | string> }) => void) => void) | undefined;
    installCsp({ onHeadersReceived: (l) => (listener = l) }, prod, "default-src 'self'");
    expect(listener).toBeDefined();
    const run = (details: HeadersReceivedDetails) => {
      let out: { responseHeaders?: Record<string, string[] | string> } | undefined;
      listener!(details, (r) => (out = r));
      return out;
    };
    const app = run({ url: appPage, responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } });
    expect(app?.responseHeaders?.['Content-Security-Policy']).toEqual(["default-src 'self'"]);
    expect(app?.responseHeaders?.['content-security-policy']).toBeUndefined();
    expect(app?.responseHeaders?.['X-Other']).toEqual(['1']);
    expect(run({ url: 'https://couch.example.org/db/_changes', responseHeaders: {} })).toEqual({});
  });
});

describe('navigation and new windows', () => {
  it('blocks navigation away from the app page and routes safe links to the OS browser', async () => {
    const opened: string[] = [];
    const guard = createNavigationGuard(prod, (u) => void opened.push(u));
    const ev = () => ({ preventDefault: vi.fn() });

    const inApp = ev();
    guard(inApp, `${appPage}#/students`);
    expect(inApp.preventDefault).not.toHaveBeenCalled();

    const external = ev();
    guard(external, 'https://www.example.org/help');
    expect(external.preventDefault).toHaveBeenCalled();

    const file = ev();
    guard(file, 'file:///etc/passwd');
    expect(file.preventDefault).toHaveBeenCalled();

    const js = ev();
    guard(js, 'javascript:alert(1)');
    expect(js.preventDefault).toHaveBeenCalled();

    await new Promise((r) => setTimeout(r, 0));
    expect(opened).toEqual(['https://www.example.org/help']);
  });

  it('denies every new window; opens only http(s)/mailto/tel links externally', async () => {
    const opened: string[] = [];
    const handler = createWindowOpenHandler((u) => void opened.push(u));
    for (const url of [
      'https://example.org/a',
      'mailto:parent@example.org',
      'file:///etc/passwd',
      'javascript:void(0)',
      appPage,
      'https://user:pw@evil.example/',
    ]) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    await new Promise((r) => setTimeout(r, 0));
    expect(opened).toEqual(['https://example.org/a', 'mailto:parent@example.org']);
  });

  it('validates external URLs', () => {
    expect(isSafeExternalUrl('https://example.org')).toBe(true);
    expect(isSafeExternalUrl('tel:+441234567890')).toBe(true);
    expect(isSafeExternalUrl('smb://server/share')).toBe(false);
    expect(isSafeExternalUrl('https://user:pass@example.org')).toBe(false);
    expect(isSafeExternalUrl('')).toBe(false);
  });

  it('hardens a webContents: navigation, redirects, webviews and window.open', () => {
    const listeners = new Map<string, (e: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    hardenWebContents(
      {
        on: (event: string, l: (e: { preventDefault(): void }, url?: string) => void) => listeners.set(event, l),
        setWindowOpenHandler: (h: (d: { url: string }) => { action: 'deny' }) => (openHandler = h),
      } as never,
      prod,
      () => undefined,
    );
    expect([...listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    const webview = { preventDefault: vi.fn() };
    listeners.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    const redirect = { preventDefault: vi.fn() };
    listeners.get('will-redirect')!(redirect, 'https://evil.example/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    expect(openHandler?.({ url: 'https://example.org' })).toEqual({ action: 'deny' });
  });
});

describe('permissions', () => {
  it('grants only notifications (and sanitized clipboard writes) to the app page', () => {
    let request: ((wc: unknown, p: string, cb: (g: boolean) => void, d: { requestingUrl?: string }) => void) | undefined;
    let check: ((wc: unknown, p: string, o: string, d: { requestingUrl?: string }) => boolean) | undefined;
    installPermissionHandlers({ setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) }, prod);
    const ask = (permission: string, url: string): boolean => {
      let granted: boolean | undefined;
      request!(null, permission, (g) => (granted = g), { requestingUrl: url });
      return granted!;
    };
    expect(ask('notifications', appPage)).toBe(true);
    expect(ask('clipboard-sanitized-write', appPage)).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'usb', 'serial'])
      expect(ask(p, appPage)).toBe(false);
    expect(ask('notifications', 'https://evil.example/')).toBe(false);
    expect(check!(null, 'notifications', 'file:///', { requestingUrl: appPage })).toBe(true);
    expect(check!(null, 'media', 'file:///', { requestingUrl: appPage })).toBe(false);
    expect(check!(null, 'notifications', 'file:///', {})).toBe(false);
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['clipboard-sanitized-write', 'notifications']);
  });
});
