/**
 * Wiring of src-main/index.ts, run in Node against a recording fake of the `electron` module
 * (there is no Electron binary here): what the real app does at start-up, and a full IPC round
 * trip from "renderer" to a real HTTP server through the stored, encrypted credentials.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC, type HostEvent } from '../../../src-shared/bridge';
import { state } from './fake-electron';

vi.mock('../../../resources/icon.png?asset&asarUnpack', () => ({ default: '/fake/icon.png' }));
vi.mock('electron', () => import('./fake-electron'));

let userData: string;

beforeAll(async () => {
  userData = mkdtempSync(join(tmpdir(), 'td-wiring-'));
  process.env['TUTORDESK_USER_DATA_DIR'] = userData;
  Reflect.deleteProperty(process.env, 'ELECTRON_RENDERER_URL');
  await import('../../../src-main/index');
  expect(state.readyResolve).toBeDefined();
  state.readyResolve!();
  await vi.waitFor(() => expect(state.windows.length).toBeGreaterThan(0));
  await vi.waitFor(() => expect(state.windows[0]!.loaded.length).toBe(1));
});
afterAll(() => {
  delete process.env['TUTORDESK_USER_DATA_DIR'];
  rmSync(userData, { recursive: true, force: true });
});

const mainWindow = () => state.windows[0]!;
const appPageUrl = () => pathToFileURL(mainWindow().loaded[0]!).href;
const invoke = (channel: string, ...args: unknown[]) =>
  Promise.resolve(
    state.handlers.get(channel)!(
      { sender: { id: mainWindow().webContents['id'] }, senderFrame: { url: `${appPageUrl()}#/`, parent: null } },
      ...args,
    ),
  );

describe('main process wiring (fake electron)', () => {
  it('uses the userData override and takes the single-instance lock', () => {
    expect(state.userData).toBe(userData);
    expect(state.quitCalled).toBe(0);
    expect(state.appListeners.has('second-instance')).toBe(true);
    expect(state.appListeners.has('web-contents-created')).toBe(true);
    expect(state.themeSource).toBe('system');
  });

  it('creates one secure window with the preload and the built renderer page', () => {
    expect(state.windows).toHaveLength(1);
    const o = mainWindow().options as { webPreferences: Record<string, unknown>; backgroundColor: string; show: boolean; title: string };
    expect(o.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(o.webPreferences['preload']).replace(/\\/g, '/')).toMatch(/\/preload\/index\.cjs$/);
    expect(o.show).toBe(false);
    expect(o.title).toBe('TutorDesk');
    expect(o.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(mainWindow().loaded[0]!.replace(/\\/g, '/')).toMatch(/\/renderer\/index\.html$/);
  });

  it('installs the CSP, the permission policy and the PDF request filter', () => {
    let out: { responseHeaders?: Record<string, string[]> } = {};
    state.headersListener!({ url: appPageUrl(), responseHeaders: {} }, (r: typeof out) => (out = r));
    expect(out.responseHeaders?.['Content-Security-Policy']?.[0]).toMatch(/script-src 'self';/);
    let granted: boolean | undefined;
    state.permissionRequest!(null, 'media', (g: boolean) => (granted = g), { requestingUrl: appPageUrl() });
    expect(granted).toBe(false);
    let cancel: { cancel: boolean } | undefined;
    state.pdfBeforeRequest!({ url: 'https://tracker.example/' }, (r: { cancel: boolean }) => (cancel = r));
    expect(cancel).toEqual({ cancel: true });
  });

  it('registers every IPC channel; appInfo answers', async () => {
    expect([...state.handlers.keys()].sort()).toEqual(
      Object.entries(IPC)
        .filter(([k]) => k !== 'event')
        .map(([, v]) => v)
        .sort(),
    );
    expect(await invoke(IPC.appInfo)).toMatchObject({ name: 'TutorDesk', version: '0.1.0', platform: 'electron', secureStorage: true });
  });

  it('menu commands reach the renderer as HostEvents', () => {
    const template = state.menuTemplate as Array<{ submenu?: Array<{ id?: string; click?: () => void }> }>;
    const item = template.flatMap((m) => m.submenu ?? []).find((i) => i.id === 'cmd:new-student')!;
    item.click!();
    expect(mainWindow().sent.at(-1)).toEqual([IPC.event, { type: 'menu', command: 'new-student' } satisfies HostEvent]);
  });

  it('credentials via IPC are stored encrypted; sync.fetch reaches the server with them', async () => {
    const seen: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      seen.push(req);
      res.setHeader('content-type', 'application/json');
      res.end('{"couchdb":"Welcome","version":"3.3.3"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const account = await invoke(IPC.syncSaveCredentials, {
        serverUrl: `http://127.0.0.1:${port}/`,
        username: 'ana',
        password: 'top-secret-pw',
        practice: 'demo',
      });
      expect(account).toEqual({
        serverUrl: `http://127.0.0.1:${port}`,
        username: 'ana',
        practice: 'demo',
        hasPassword: true,
        passwordKept: 'stored',
      });
      const onDisk = readFileSync(join(userData, 'sync-credentials.json'), 'utf8');
      expect(onDisk).not.toContain('top-secret-pw');
      expect(await invoke(IPC.syncGetAccount)).toEqual(account);

      const res = (await invoke(IPC.syncFetch, { path: '/', method: 'GET', headers: {} })) as { status: number; body: string };
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ couchdb: 'Welcome' });
      expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ana:top-secret-pw').toString('base64')}`);

      await invoke(IPC.syncClearCredentials);
      expect(await invoke(IPC.syncGetAccount)).toBeNull();
      await expect(invoke(IPC.syncFetch, { path: '/', method: 'GET', headers: {} })).rejects.toThrow(/not set up/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('renderPdf goes through a hidden sandboxed window and returns base64', async () => {
    const b64 = (await invoke(IPC.renderPdf, { html: '<h1>x</h1>', pageSize: 'A4', landscape: false })) as string;
    expect(Buffer.from(b64, 'base64').toString()).toBe('%PDF-1.7 fake');
    const pdfWin = state.windows.at(-1)!;
    expect(pdfWin).not.toBe(mainWindow());
    expect(pdfWin.options).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true } });
  });

  it('the mail account via IPC is kept in userData with the password encrypted, never returned', async () => {
    expect(await invoke(IPC.mailAvailable)).toBe(true);
    const settings = {
      host: 'smtp.example.org',
      port: 587,
      security: 'starttls',
      username: 'office@example.org',
      password: 'mail-s3cret-pw',
      fromName: 'Ana Tutoring',
      fromAddress: 'office@example.org',
      replyTo: '',
    };
    const account = await invoke(IPC.mailSaveAccount, settings);
    expect(account).toMatchObject({ host: 'smtp.example.org', hasPassword: true, passwordKept: 'stored' });
    expect(JSON.stringify(account)).not.toContain('mail-s3cret-pw');
    expect(JSON.stringify(await invoke(IPC.mailGetAccount))).not.toContain('mail-s3cret-pw');
    const file = readFileSync(join(userData, 'mail-account.json'), 'utf8');
    expect(file).toContain('smtp.example.org');
    expect(file).not.toContain('mail-s3cret-pw');
    await invoke(IPC.mailClearAccount);
    expect(await invoke(IPC.mailGetAccount)).toBeNull();
  });

  it('a foreign frame cannot call the bridge', async () => {
    const handler = state.handlers.get(IPC.appInfo)!;
    await expect(
      Promise.resolve(
        handler({ sender: { id: mainWindow().webContents['id'] }, senderFrame: { url: 'https://evil.example/', parent: null } }),
      ),
    ).rejects.toThrow(/does not come from the TutorDesk window/);
  });
});
