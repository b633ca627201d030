/**
 * The preload: exposes `window.tutordesk` (TutorBridge) to the page through contextBridge and
 * nothing else (no ipcRenderer, no Node). Each method is one `ipcRenderer.invoke` on its channel;
 * main validates every payload. Built as bundled CommonJS (out/preload/index.cjs) because a
 * sandboxed preload can only `require('electron')` and a few built-ins.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC } from '../src-shared/ipc-channels';
import type { HostEvent, TutorBridge } from '../src-shared/bridge';

const invoke = <T>(channel: string, ...args: unknown[]): Promise<T> => ipcRenderer.invoke(channel, ...args) as Promise<T>;

const bridge: TutorBridge = {
  appInfo: () => invoke(IPC.appInfo),
  saveFile: (req) => invoke(IPC.saveFile, req),
  openFile: (req) => invoke(IPC.openFile, req),
  renderPdf: (req) => invoke(IPC.renderPdf, req),
  savePdf: (req) => invoke(IPC.savePdf, req),
  savePdfBatch: (req) => invoke(IPC.savePdfBatch, req),
  notify: (req) => invoke(IPC.notify, req),
  openExternal: (url) => invoke(IPC.openExternal, url),
  isOnline: () => invoke(IPC.isOnline),
  sync: {
    getAccount: () => invoke(IPC.syncGetAccount),
    saveCredentials: (creds) => invoke(IPC.syncSaveCredentials, creds),
    clearCredentials: () => invoke(IPC.syncClearCredentials),
    fetch: (req) => invoke(IPC.syncFetch, req),
    keepPracticeKey: (key) => invoke(IPC.syncKeepPracticeKey, key),
    loadPracticeKey: (practice) => invoke(IPC.syncLoadPracticeKey, practice),
    forgetPracticeKey: (practice) => invoke(IPC.syncForgetPracticeKey, practice),
  },
  backups: {
    saveAutomatic: (req) => invoke(IPC.backupsSaveAutomatic, req),
    listAutomatic: () => invoke(IPC.backupsListAutomatic),
    readAutomatic: (name) => invoke(IPC.backupsReadAutomatic, name),
  },
  mail: {
    available: () => invoke(IPC.mailAvailable),
    getAccount: () => invoke(IPC.mailGetAccount),
    saveAccount: (settings) => invoke(IPC.mailSaveAccount, settings),
    clearAccount: () => invoke(IPC.mailClearAccount),
    sendTest: (req) => invoke(IPC.mailSendTest, req),
    send: (mail) => invoke(IPC.mailSend, mail),
  },
  onEvent(listener) {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const handler = (_event: IpcRendererEvent, hostEvent: HostEvent): void => listener(hostEvent);
    ipcRenderer.on(IPC.event, handler);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(IPC.event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('tutordesk', bridge);
