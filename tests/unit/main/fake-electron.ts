/**
 * A recording fake of the parts of the `electron` module that src-main/index.ts uses, for wiring
 * tests in Node (there is no Electron binary here):
 *   vi.mock('electron', () => import('./fake-electron'));
 * then read `state`.
 */
import { join } from 'node:path';
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;
interface WindowRecord {
  options: Record<string, unknown>;
  loaded: string[];
  sent: Array<[string, unknown]>;
  webContents: Record<string, unknown>;
}

export const state = {
  userData: '',
  lock: true,
  quitCalled: 0,
  appListeners: new Map<string, Listener[]>(),
  readyResolve: undefined as undefined | (() => void),
  windows: [] as WindowRecord[],
  handlers: new Map<string, Listener>(),
  menuTemplate: undefined as unknown,
  headersListener: undefined as undefined | Listener,
  permissionRequest: undefined as undefined | Listener,
  pdfBeforeRequest: undefined as undefined | Listener,
  themeSource: '',
};

const on = (map: Map<string, Listener[]>) => (event: string, l: Listener) => {
  map.set(event, [...(map.get(event) ?? []), l]);
};

let nextId = 1;
export class BrowserWindow {
  static all: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all;
  }
  webContents: Record<string, unknown>;
  private listeners = new Map<string, Listener[]>();
  private rec: WindowRecord;
  constructor(options: Record<string, unknown>) {
    const sent: Array<[string, unknown]> = [];
    const wcListeners = new Map<string, Listener[]>();
    this.webContents = {
      id: nextId++,
      send: (channel: string, payload: unknown) => sent.push([channel, payload]),
      isDestroyed: () => false,
      on: on(wcListeners),
      printToPDF: async () => Buffer.from('%PDF-1.7 fake'),
    };
    this.rec = { options, loaded: [], sent, webContents: this.webContents };
    state.windows.push(this.rec);
    BrowserWindow.all.push(this);
  }
  on = (e: string, l: Listener) => on(this.listeners)(e, l);
  once = (e: string, l: Listener) => on(this.listeners)(e, l);
  async loadFile(p: string): Promise<void> {
    this.rec.loaded.push(p);
  }
  async loadURL(u: string): Promise<void> {
    this.rec.loaded.push(u);
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  isMaximized = () => false;
  isFullScreen = () => false;
  isVisible = () => true;
  getNormalBounds = () => ({ x: 0, y: 0, width: 1200, height: 800 });
  show(): void {}
  focus(): void {}
  restore(): void {}
  maximize(): void {}
  destroy(): void {}
  setBackgroundColor(): void {}
}

/** Reversible, but never the plaintext: enough to check that main stores only what safeStorage returns. */
export const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).reverse().toString('hex')}`),
  decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'hex').reverse().toString(),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};

export const app = {
  isPackaged: false,
  setPath: (name: string, p: string) => {
    if (name === 'userData') state.userData = p;
  },
  getPath: (name: string) => (name === 'userData' ? state.userData : join(state.userData, name)),
  requestSingleInstanceLock: () => state.lock,
  quit: () => {
    state.quitCalled++;
  },
  on: on(state.appListeners),
  whenReady: () => new Promise<void>((resolve) => (state.readyResolve = resolve)),
  getName: () => 'TutorDesk',
  getVersion: () => '0.1.0',
};

const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
const fakeSession = (isPdf: boolean) => ({
  webRequest: {
    onHeadersReceived: (l: Listener) => (state.headersListener = l),
    onBeforeRequest: (l: Listener) => {
      if (isPdf) state.pdfBeforeRequest = l;
    },
  },
  setPermissionRequestHandler: (l: Listener) => {
    if (!isPdf) state.permissionRequest = l;
  },
  setPermissionCheckHandler: () => undefined,
});

export const dialog = {
  showSaveDialog: async () => ({ canceled: true }),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
};
export const ipcMain = {
  handle: (c: string, l: Listener) => state.handlers.set(c, l),
  removeHandler: (c: string) => state.handlers.delete(c),
};
export const Menu = {
  buildFromTemplate: (t: unknown) => ({ t }),
  setApplicationMenu: (m: { t: unknown }) => (state.menuTemplate = m.t),
};
export const nativeTheme = {
  shouldUseDarkColors: true,
  on: () => undefined,
  set themeSource(v: string) {
    state.themeSource = v;
  },
};
export const net = { isOnline: () => true };
export class Notification {
  static isSupported = () => true;
  on(): void {}
  show(): void {}
}
export const powerMonitor = { on: () => undefined };
export const screen = { getAllDisplays: () => [display], getPrimaryDisplay: () => display };
export const session = { defaultSession: fakeSession(false), fromPartition: () => fakeSession(true) };
export const shell = { openExternal: vi.fn(async () => undefined) };
