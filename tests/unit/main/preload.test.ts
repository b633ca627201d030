import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC, type HostEvent, type TutorBridge } from '../../../src-shared/bridge';

// The preload runs in Electron's sandbox; here `electron` is replaced by recording fakes.
const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (..._args: unknown[]) => 'result');
const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed[key] = api;
    },
  },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (channel: string, l: (...a: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: (...a: unknown[]) => void) => listeners.get(channel)?.delete(l),
  },
}));

describe('preload bridge', () => {
  let bridge: TutorBridge;
  beforeEach(async () => {
    await import('../../../src-main/preload');
    bridge = exposed['tutordesk'] as TutorBridge;
    invoke.mockClear();
  });

  it('exposes window.tutordesk and nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['tutordesk']);
    expect(Object.keys(bridge).sort()).toEqual(
      [
        'appInfo',
        'backups',
        'isOnline',
        'mail',
        'notify',
        'onEvent',
        'openExternal',
        'openFile',
        'renderPdf',
        'saveFile',
        'savePdf',
        'savePdfBatch',
        'sync',
      ].sort(),
    );
    expect(Object.keys(bridge.sync).sort()).toEqual([
      'clearCredentials',
      'fetch',
      'forgetPracticeKey',
      'getAccount',
      'keepPracticeKey',
      'loadPracticeKey',
      'saveCredentials',
    ]);
    expect(Object.keys(bridge.backups).sort()).toEqual(['listAutomatic', 'readAutomatic', 'saveAutomatic']);
    expect(Object.keys(bridge.mail).sort()).toEqual(['available', 'clearAccount', 'getAccount', 'saveAccount', 'send', 'sendTest']);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|invoke|send/i);
  });

  it('each method invokes its own channel with its argument', async () => {
    const req = { any: 'payload' } as never;
    const cases: Array<[Promise<unknown>, string, unknown[]]> = [
      [bridge.appInfo(), IPC.appInfo, []],
      [bridge.saveFile(req), IPC.saveFile, [req]],
      [bridge.openFile(req), IPC.openFile, [req]],
      [bridge.renderPdf(req), IPC.renderPdf, [req]],
      [bridge.savePdf(req), IPC.savePdf, [req]],
      [bridge.savePdfBatch(req), IPC.savePdfBatch, [req]],
      [bridge.notify(req), IPC.notify, [req]],
      [bridge.openExternal('https://example.org'), IPC.openExternal, ['https://example.org']],
      [bridge.isOnline(), IPC.isOnline, []],
      [bridge.sync.getAccount(), IPC.syncGetAccount, []],
      [bridge.sync.saveCredentials(req), IPC.syncSaveCredentials, [req]],
      [bridge.sync.clearCredentials(), IPC.syncClearCredentials, []],
      [bridge.sync.fetch(req), IPC.syncFetch, [req]],
      [bridge.sync.keepPracticeKey(req), IPC.syncKeepPracticeKey, [req]],
      [bridge.sync.loadPracticeKey('p'), IPC.syncLoadPracticeKey, ['p']],
      [bridge.sync.forgetPracticeKey('p'), IPC.syncForgetPracticeKey, ['p']],
      [bridge.backups.saveAutomatic(req), IPC.backupsSaveAutomatic, [req]],
      [bridge.backups.listAutomatic(), IPC.backupsListAutomatic, []],
      [bridge.backups.readAutomatic('n'), IPC.backupsReadAutomatic, ['n']],
      [bridge.mail.available(), IPC.mailAvailable, []],
      [bridge.mail.getAccount(), IPC.mailGetAccount, []],
      [bridge.mail.saveAccount(req), IPC.mailSaveAccount, [req]],
      [bridge.mail.clearAccount(), IPC.mailClearAccount, []],
      [bridge.mail.sendTest(req), IPC.mailSendTest, [req]],
      [bridge.mail.send(req), IPC.mailSend, [req]],
    ];
    for (const [promise] of cases) expect(await promise).toBe('result');
    expect(invoke.mock.calls).toEqual(cases.map(([, channel, args]) => [channel, ...args]));
  });

  it('onEvent delivers host events and unsubscribes', () => {
    const got: HostEvent[] = [];
    const off = bridge.onEvent((e) => got.push(e));
    const emit = (e: HostEvent) => listeners.get(IPC.event)?.forEach((l) => l({ sender: 'ipc' }, e));
    emit({ type: 'menu', command: 'new-student' });
    emit({ type: 'navigate', route: '/schedule' });
    expect(got).toEqual([
      { type: 'menu', command: 'new-student' },
      { type: 'navigate', route: '/schedule' },
    ]);
    off();
    off(); // idempotent
    emit({ type: 'online-changed', online: false });
    expect(got).toHaveLength(2);
    expect(listeners.get(IPC.event)?.size).toBe(0);
  });
});
