import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC, type HostEvent, type SyncCredentials } from '../../../src-shared/bridge';
import { createAppUrlPolicy } from '../../../src-main/app-url';
import { createSenderCheck, registerIpcHandlers, ROUTES, sendHostEvent, type HostServices, type IpcEventLike } from '../../../src-main/ipc';

const rendererIndex = join('/app/out/renderer/index.html');
const policy = createAppUrlPolicy({ rendererIndexFile: rendererIndex, platform: 'linux' });
const appUrl = `${pathToFileURL(rendererIndex).href}#/students`;
const MAIN_WC = 7;

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, h: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  };
}

function fakeServices() {
  const calls: Array<[string, unknown[]]> = [];
  const rec =
    (name: string, result: unknown = undefined) =>
    async (...args: unknown[]) => {
      calls.push([name, args]);
      return result;
    };
  const services: HostServices = {
    appInfo: rec('appInfo', {
      name: 'TutorDesk',
      version: '0.1.0',
      platform: 'electron',
      os: 'linux',
      secureStorage: true,
    }) as HostServices['appInfo'],
    saveFile: rec('saveFile', { saved: false }) as HostServices['saveFile'],
    openFile: rec('openFile', { opened: false }) as HostServices['openFile'],
    renderPdf: rec('renderPdf', 'JVBERi0=') as HostServices['renderPdf'],
    savePdf: rec('savePdf', { saved: false }) as HostServices['savePdf'],
    savePdfBatch: rec('savePdfBatch', { saved: false }) as HostServices['savePdfBatch'],
    notify: rec('notify') as HostServices['notify'],
    openExternal: rec('openExternal') as HostServices['openExternal'],
    isOnline: rec('isOnline', true) as HostServices['isOnline'],
    sync: {
      getAccount: rec('sync.getAccount', null) as HostServices['sync']['getAccount'],
      saveCredentials: rec('sync.saveCredentials', {}) as HostServices['sync']['saveCredentials'],
      clearCredentials: rec('sync.clearCredentials') as HostServices['sync']['clearCredentials'],
      fetch: rec('sync.fetch', { status: 200, statusText: 'OK', headers: {}, body: '{}' }) as HostServices['sync']['fetch'],
      keepPracticeKey: rec('sync.keepPracticeKey', 'stored') as HostServices['sync']['keepPracticeKey'],
      loadPracticeKey: rec('sync.loadPracticeKey', null) as HostServices['sync']['loadPracticeKey'],
      forgetPracticeKey: rec('sync.forgetPracticeKey') as HostServices['sync']['forgetPracticeKey'],
    },
    backups: {
      saveAutomatic: rec('backups.saveAutomatic', { saved: {}, removed: [] }) as HostServices['backups']['saveAutomatic'],
      listAutomatic: rec('backups.listAutomatic', []) as HostServices['backups']['listAutomatic'],
      readAutomatic: rec('backups.readAutomatic', '{}') as HostServices['backups']['readAutomatic'],
    },
    mail: {
      available: rec('mail.available', true) as HostServices['mail']['available'],
      getAccount: rec('mail.getAccount', null) as HostServices['mail']['getAccount'],
      saveAccount: rec('mail.saveAccount', {}) as HostServices['mail']['saveAccount'],
      clearAccount: rec('mail.clearAccount') as HostServices['mail']['clearAccount'],
      sendTest: rec('mail.sendTest', { ok: true, detail: '250 OK' }) as HostServices['mail']['sendTest'],
      send: rec('mail.send', { status: 'failed', kind: 'not-configured', reason: '', retryable: true }) as HostServices['mail']['send'],
    },
  };
  return { services, calls };
}

const fromApp: IpcEventLike = { sender: { id: MAIN_WC }, senderFrame: { url: appUrl, parent: null } };

describe('IPC handlers', () => {
  let ipc: ReturnType<typeof fakeIpcMain>;
  let svc: ReturnType<typeof fakeServices>;
  const call = (channel: string, event: IpcEventLike, ...args: unknown[]) => Promise.resolve(ipc.handlers.get(channel)!(event, ...args));

  beforeEach(() => {
    ipc = fakeIpcMain();
    svc = fakeServices();
    registerIpcHandlers(
      ipc,
      svc.services,
      createSenderCheck(policy, (id) => id === MAIN_WC),
    );
  });

  it('registers exactly one handler per bridge channel (the event channel is main → renderer only)', () => {
    const expected = Object.entries(IPC)
      .filter(([k]) => k !== 'event')
      .map(([, v]) => v)
      .sort();
    expect([...ipc.handlers.keys()].sort()).toEqual(expected);
    expect(Object.keys(ROUTES).sort()).toEqual(
      Object.keys(IPC)
        .filter((k) => k !== 'event')
        .sort(),
    );
  });

  it('accepts valid payloads and passes the parsed values to the service', async () => {
    expect(await call(IPC.appInfo, fromApp)).toMatchObject({ name: 'TutorDesk' });
    const save = {
      suggestedName: 'students.csv',
      filters: [{ name: 'CSV', extensions: ['csv'] }],
      content: 'a,b',
      encoding: 'utf8',
      mimeType: 'text/csv',
    };
    await call(IPC.saveFile, fromApp, save);
    await call(IPC.renderPdf, fromApp, { html: '<p>x</p>', pageSize: 'A4', landscape: false });
    await call(IPC.notify, fromApp, { title: 'Lesson in 15 minutes', body: 'Maths with Ada', route: '/schedule' });
    await call(IPC.openExternal, fromApp, 'https://example.org/');
    const creds: SyncCredentials = { serverUrl: 'https://couch.example.org', username: 'ana', password: 's3cret', practice: 'demo' };
    await call(IPC.syncSaveCredentials, fromApp, creds);
    await call(IPC.syncFetch, fromApp, { path: '/tutordesk-demo-students/_all_docs', method: 'GET', headers: {} });
    await call(IPC.backupsSaveAutomatic, fromApp, { content: '{"manifest":{}}', createdAt: '2026-12-06T07:41:00.123Z' });
    await call(IPC.backupsReadAutomatic, fromApp, 'auto-2026-12-06T07-41-00-123Z.tutordesk-backup');
    expect(svc.calls.map(([n]) => n)).toEqual([
      'appInfo',
      'saveFile',
      'renderPdf',
      'notify',
      'openExternal',
      'sync.saveCredentials',
      'sync.fetch',
      'backups.saveAutomatic',
      'backups.readAutomatic',
    ]);
    expect(svc.calls[1]![1]).toEqual([save]);
    expect(svc.calls[5]![1]).toEqual([creds]);
  });

  it('passes an http:// address to another computer only with the confirmation, and loopback without', async () => {
    const lan: SyncCredentials = {
      serverUrl: 'http://couch.centre.lan:5984',
      username: 'ana',
      password: 's3cret',
      practice: 'demo',
      plaintextConfirmed: true,
    };
    await call(IPC.syncSaveCredentials, fromApp, lan);
    const local: SyncCredentials = { serverUrl: 'http://127.0.0.1:5984', username: 'ana', password: 's3cret', practice: 'demo' };
    await call(IPC.syncSaveCredentials, fromApp, local);
    expect(svc.calls.map(([, args]) => args)).toEqual([[lan], [local]]);
  });

  const goodMail = {
    id: 'msg_0123456789',
    to: [{ name: 'Ana "Nan" O\'Brien <& Co>', address: 'ana@example.org' }],
    subject: 'Invoice INV-0042',
    text: 'Dear Ana',
    html: '<p>Dear Ana</p>',
    attachments: [{ filename: 'INV-0042.pdf', pdfHtml: '<p>x</p>', pageSize: 'A4' }],
  };
  const goodSmtp = {
    host: 'smtp.example.org',
    port: 587,
    security: 'starttls',
    username: 'office@example.org',
    fromName: 'Ana Tutoring',
    fromAddress: 'office@example.org',
    replyTo: '',
  };

  it('passes valid mail calls to the mail service', async () => {
    await call(IPC.mailAvailable, fromApp);
    await call(IPC.mailSaveAccount, fromApp, goodSmtp);
    await call(IPC.mailSendTest, fromApp, { to: 'me@example.org' });
    await call(IPC.mailSend, fromApp, goodMail);
    expect(svc.calls).toEqual([
      ['mail.available', []],
      ['mail.saveAccount', [goodSmtp]],
      ['mail.sendTest', [{ to: 'me@example.org' }]],
      ['mail.send', [goodMail]],
    ]);
  });

  it.each([
    ['a recipient without @', { ...goodMail, to: [{ name: 'Ana', address: 'ana.example.org' }] }, /e-mail address/],
    ['a recipient with a display name in the address', { ...goodMail, to: [{ name: '', address: 'Ana <ana@example.org>' }] }, /to/],
    ['an id with /', { ...goodMail, id: '../../sync-credentials' }, /message id/],
    ['an id too short', { ...goodMail, id: 'abc' }, /message id/],
    ['no recipient', { ...goodMail, to: [] }, /to/],
    ['an attachment name with /', { ...goodMail, attachments: [{ filename: '../x.pdf', pdfHtml: '<p/>', pageSize: 'A4' }] }, /file name/],
    [
      'an attachment that is not base64',
      { ...goodMail, attachments: [{ filename: 'a.csv', contentType: 'text/csv', base64: 'a b' }] },
      /attachments/,
    ],
    [
      'an attachment type not allowed',
      { ...goodMail, attachments: [{ filename: 'a.exe', contentType: 'application/x-msdownload', base64: '' }] },
      /attachments/,
    ],
  ])('refuses a mail with %s at the boundary', async (_label, mail, message) => {
    await expect(call(IPC.mailSend, fromApp, mail)).rejects.toThrow(message);
    await expect(call(IPC.mailSend, fromApp, mail)).rejects.toThrow(new RegExp(`Invalid request for ${IPC.mailSend}`));
    expect(svc.calls).toEqual([]);
  });

  it.each([
    [IPC.mailSendTest, [{ to: 'not an address' }], /e-mail address/],
    [IPC.mailSaveAccount, [{ ...goodSmtp, host: 'smtp.example.org; rm -rf' }], /host name/],
    [IPC.mailSaveAccount, [{ ...goodSmtp, port: 0 }], /port/],
    [IPC.mailSaveAccount, [{ ...goodSmtp, security: 'ssl' }], /security/],
    [IPC.mailSaveAccount, [{ ...goodSmtp, fromAddress: 'office' }], /e-mail address/],
  ])('refuses invalid mail settings on %s', async (channel, args, message) => {
    await expect(call(channel, fromApp, ...args)).rejects.toThrow(message);
    expect(svc.calls).toEqual([]);
  });

  it('strips unknown fields from payloads', async () => {
    await call(IPC.renderPdf, fromApp, { html: '<p>x</p>', pageSize: 'Letter', landscape: true, __proto_hack: 1 });
    expect(svc.calls[0]![1]).toEqual([{ html: '<p>x</p>', pageSize: 'Letter', landscape: true }]);
  });

  it.each([
    [
      IPC.saveFile,
      [{ suggestedName: '../../.bashrc', filters: [], content: '', encoding: 'utf8', mimeType: 'text/plain' }],
      /suggestedName/,
    ],
    [IPC.saveFile, [{ suggestedName: 'a.csv', filters: [], content: '', encoding: 'latin1', mimeType: 'text/csv' }], /encoding/],
    [IPC.openFile, [{ filters: [], maxBytes: -1 }], /maxBytes/],
    [IPC.openFile, [], /Invalid request/],
    [IPC.renderPdf, [{ html: '', pageSize: 'A4', landscape: false }], /html/],
    [IPC.renderPdf, [{ html: '<p/>', pageSize: 'A3', landscape: false }], /pageSize/],
    [IPC.savePdfBatch, [{ pageSize: 'A4', files: [] }], /files/],
    [IPC.notify, [{ title: 'x', body: 'y', route: 'https://evil.example' }], /route/],
    [IPC.openExternal, ['file:///etc/passwd'], /http\(s\)/],
    [IPC.openExternal, ['javascript:alert(1)'], /Invalid request/],
    [IPC.openExternal, [42], /Invalid request/],
    [IPC.syncSaveCredentials, [{ serverUrl: 'ftp://x', username: 'a', password: 'b', practice: 'demo' }], /serverUrl/],
    [IPC.syncSaveCredentials, [{ serverUrl: 'https://x', username: 'a', password: '', practice: 'demo' }], /password/],
    [
      IPC.syncSaveCredentials,
      [{ serverUrl: 'http://couch.centre.lan:5984', username: 'a', password: 'b', practice: 'demo' }],
      /unencrypted/,
    ],
    [
      IPC.syncSaveCredentials,
      [{ serverUrl: 'http://10.0.0.5', username: 'a', password: 'b', practice: 'demo', plaintextConfirmed: false }],
      /Send my password unencrypted/,
    ],
    [IPC.syncFetch, [{ path: 'http://evil.example/', method: 'GET', headers: {} }], /path/],
    [IPC.syncFetch, [{ path: '/db', method: 'PATCH', headers: {} }], /method/],
    [IPC.appInfo, ['unexpected'], /Invalid request/],
    [IPC.backupsReadAutomatic, ['../sync-credentials.json'], /Not the name of an automatic backup/],
    [IPC.backupsReadAutomatic, ['auto-2026-12-06T07-41-00-123Z.tutordesk-backup/../../x'], /Not the name of an automatic backup/],
    [IPC.backupsSaveAutomatic, [{ content: '', createdAt: '2026-12-06T07:41:00Z' }], /content/],
    [IPC.backupsSaveAutomatic, [{ content: 'x', createdAt: 'yesterday' }], /createdAt/],
  ])('rejects an invalid payload on %s', async (channel, args, message) => {
    await expect(call(channel, fromApp, ...args)).rejects.toThrow(message);
    await expect(call(channel, fromApp, ...args)).rejects.toThrow(new RegExp(`Invalid request for ${channel}`));
    expect(svc.calls).toEqual([]);
  });

  it.each([
    ['another webContents', { sender: { id: 99 }, senderFrame: { url: appUrl, parent: null } }],
    ['an iframe of the app', { sender: { id: MAIN_WC }, senderFrame: { url: appUrl, parent: {} } }],
    ['a foreign page in our window', { sender: { id: MAIN_WC }, senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['another local file', { sender: { id: MAIN_WC }, senderFrame: { url: 'file:///tmp/evil.html', parent: null } }],
    ['a destroyed frame', { sender: { id: MAIN_WC }, senderFrame: null }],
  ])('refuses calls from %s', async (_label, event) => {
    for (const channel of [IPC.appInfo, IPC.syncGetAccount, IPC.syncFetch]) {
      await expect(call(channel, event as IpcEventLike, { path: '/', method: 'GET', headers: {} })).rejects.toThrow(
        /does not come from the TutorDesk window/,
      );
    }
    expect(svc.calls).toEqual([]);
  });

  it('the unregister function removes every handler', () => {
    const ipc2 = fakeIpcMain();
    const off = registerIpcHandlers(ipc2, svc.services, () => true);
    expect(ipc2.handlers.size).toBe(Object.keys(IPC).length - 1); // every channel but the event one
    off();
    expect(ipc2.handlers.size).toBe(0);
  });
});

describe('sendHostEvent', () => {
  it('sends on the event channel, not to a destroyed window', () => {
    const send = vi.fn();
    const ev: HostEvent = { type: 'online-changed', online: false };
    sendHostEvent({ isDestroyed: () => false, send }, ev);
    expect(send).toHaveBeenCalledWith(IPC.event, ev);
    sendHostEvent({ isDestroyed: () => true, send }, ev);
    sendHostEvent(null, ev);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
