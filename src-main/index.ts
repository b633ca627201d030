/**
 * Electron main process: wires the plain modules of src-main to the real `electron` module.
 * Logic lives in those modules (unit-tested with fakes); this file only connects them.
 * See docs/main-process.md.
 */
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  net,
  Notification,
  powerMonitor,
  safeStorage,
  screen,
  session,
  shell,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
// Unpacked from the asar: Linux hands the icon path to the desktop's notification service.
import icon from '../resources/icon.png?asset&asarUnpack';
import type { HostEvent } from '../src-shared/bridge';
import { createAppUrlPolicy } from './app-url';
import { PracticeKeyStore } from './practice-keys';
import { createAutoBackups } from './auto-backups';
import { CredentialStore } from './credentials';
import { openFile, saveFile, type DialogLike } from './files';
import { createSenderCheck, registerIpcHandlers, sendHostEvent, type HostServices } from './ipc';
import { buildMenuTemplate } from './menu';
import { createMailService } from './mail/service';
import { createNotifier } from './notifications';
import { createOnlineWatcher, type OnlineWatcher } from './online';
import {
  isAllowedPdfResource,
  pdfWindowOptions,
  PDF_PARTITION,
  renderPdf,
  savePdf,
  savePdfBatch,
  serialize,
  type SavePdfDeps,
} from './pdf';
import { buildCsp, hardenWebContents, installCsp, installPermissionHandlers, isSafeExternalUrl, secureWebPreferences } from './security';
import { SyncHttpClient } from './sync-proxy';
import { backgroundColor } from './theme';
import { clampWindowState, loadWindowState, MIN_SIZE, trackWindowState } from './window-state';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const preloadPath = join(here, '../preload/index.cjs');
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const isDev = Boolean(devServerUrl);
const policy = createAppUrlPolicy({ devServerUrl, rendererIndexFile: join(here, '../renderer/index.html') });

// Tests (and power users) may point userData elsewhere; must happen before anything reads it.
const userDataOverride = process.env['TUTORDESK_USER_DATA_DIR'];
if (userDataOverride) app.setPath('userData', resolve(userDataOverride));

let mainWindow: BrowserWindow | null = null;

function focusMainWindow(): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}

const emit = (event: HostEvent): void => sendHostEvent(mainWindow?.webContents, event);

async function openExternal(url: string): Promise<void> {
  if (!isSafeExternalUrl(url)) throw new Error('This link cannot be opened.');
  await shell.openExternal(url);
}

/** Electron's dialog bound to the main window (sheet on macOS, modal elsewhere). */
const boundDialog: DialogLike = {
  showSaveDialog: (options) => {
    const o = options as SaveDialogOptions;
    return mainWindow ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o);
  },
  showOpenDialog: (options) => {
    const o = options as OpenDialogOptions;
    return mainWindow ? dialog.showOpenDialog(mainWindow, o) : dialog.showOpenDialog(o);
  },
};

async function createMainWindow(): Promise<BrowserWindow> {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = clampWindowState(await loadWindowState(stateFile), screen.getAllDisplays(), screen.getPrimaryDisplay());
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'TutorDesk',
    backgroundColor: backgroundColor(nativeTheme.shouldUseDarkColors),
    ...(process.platform === 'linux' ? { icon } : {}),
    webPreferences: secureWebPreferences(preloadPath),
  });
  mainWindow = win;
  trackWindowState(win, stateFile);
  let shown = false;
  const show = (): void => {
    if (shown || win.isDestroyed()) return;
    shown = true;
    if (state.isMaximized) win.maximize();
    win.show();
  };
  win.once('ready-to-show', show);
  setTimeout(show, 4000); // never stay invisible if the page fails to paint
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  // The window refused to unload (a form with unsaved changes, app/router.ts): Electron shows no
  // question of its own, so ask here; "Discard changes" lets the window close or reload.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Keep editing', 'Discard changes'],
      defaultId: 0,
      cancelId: 0,
      title: 'TutorDesk',
      message: 'Discard unsaved changes?',
      detail: 'A form has changes that are not saved. If you close TutorDesk now, they are lost.',
    });
    if (choice === 1) event.preventDefault();
  });
  win.webContents.on('did-fail-load', (_e, code, description, url) => {
    console.error(`TutorDesk: failed to load ${url}: ${description} (${code})`);
  });
  if (policy.entry.kind === 'url') await win.loadURL(policy.entry.url);
  else await win.loadFile(policy.entry.path);
  return win;
}

function start(): void {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, policy, openExternal));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(async () => {
    nativeTheme.themeSource = 'system';
    nativeTheme.on('updated', () => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.setBackgroundColor(backgroundColor(nativeTheme.shouldUseDarkColors));
    });

    const ses = session.defaultSession;
    installCsp(ses.webRequest, policy, buildCsp({ devServerOrigin: policy.devServerOrigin }));
    installPermissionHandlers(ses, policy);

    // PDF windows: their own in-memory session that can load nothing but our temp files.
    const pdfTmpRoot = tmpdir();
    const pdfSes = session.fromPartition(PDF_PARTITION);
    pdfSes.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedPdfResource(details.url, pdfTmpRoot) }));
    pdfSes.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    const pdfDeps = (): SavePdfDeps => ({
      createWindow: () => new BrowserWindow(pdfWindowOptions()),
      tmpRoot: pdfTmpRoot,
      dialog: boundDialog,
      defaultDir: app.getPath('documents'),
    });
    const fileDeps = () => ({ dialog: boundDialog, defaultDir: app.getPath('documents') });
    const oneAtATime = serialize();

    const store = new CredentialStore({ file: join(app.getPath('userData'), 'sync-credentials.json'), safeStorage });
    const http = new SyncHttpClient(() => store.getCredentials());
    const notifier = createNotifier({
      factory: {
        isSupported: () => Notification.isSupported(),
        create: (options) => {
          const n = new Notification({ ...options, ...(process.platform === 'linux' ? { icon } : {}) });
          return {
            on: (event, listener) => n.on(event as 'click', listener),
            show: () => n.show(),
          };
        },
      },
      onClick: (route) => {
        focusMainWindow();
        if (route) emit({ type: 'navigate', route });
      },
    });
    const online: OnlineWatcher = createOnlineWatcher({
      isOnline: () => net.isOnline(),
      onChange: (isOnline) => emit({ type: 'online-changed', online: isOnline }),
    });
    powerMonitor.on('resume', () => online.check());

    const practiceKeys = new PracticeKeyStore({ file: join(app.getPath('userData'), 'practice-keys.json'), safeStorage });

    const backups = createAutoBackups({
      dir: join(app.getPath('userData'), 'backups'),
      fs: { mkdir, writeFile, rename, readdir, stat, readFile, unlink },
    });

    // E-mail: the account and the journal in userData; PDF attachments rendered like renderPdf,
    // one at a time with the other PDF jobs.
    const mail = createMailService({
      dir: app.getPath('userData'),
      safeStorage,
      platform: process.platform,
      renderPdf: (html, pageSize) => oneAtATime(() => renderPdf({ html, pageSize, landscape: false }, pdfDeps())),
    });

    const services: HostServices = {
      appInfo: async () => ({
        name: app.getName(),
        version: app.getVersion(),
        platform: 'electron',
        os: `${process.platform} ${release()}`,
        secureStorage: store.protection() === 'os-keychain',
        passwordStorage: store.protection(),
      }),
      saveFile: (req) => saveFile(req, fileDeps()),
      openFile: (req) => openFile(req, fileDeps()),
      renderPdf: (req) => oneAtATime(async () => (await renderPdf(req, pdfDeps())).toString('base64')),
      savePdf: (req) => oneAtATime(() => savePdf(req, pdfDeps())),
      savePdfBatch: (req) => oneAtATime(() => savePdfBatch(req, pdfDeps())),
      notify: (req) => notifier.notify(req),
      openExternal,
      isOnline: async () => online.check(),
      sync: {
        getAccount: () => store.getAccount(),
        saveCredentials: async (creds) => {
          http.abortAll();
          return store.save(creds);
        },
        clearCredentials: async () => {
          http.abortAll();
          await store.clear();
        },
        fetch: (req) => http.fetch(req),
        keepPracticeKey: (key) => practiceKeys.keep(key),
        loadPracticeKey: (practice) => practiceKeys.load(practice),
        forgetPracticeKey: (practice) => practiceKeys.forget(practice),
      },
      backups,
      mail,
    };
    registerIpcHandlers(
      ipcMain,
      services,
      createSenderCheck(policy, (id) => mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.webContents.id === id),
    );

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform: process.platform,
          isDev,
          appName: app.getName(),
          send: (command) => {
            if (!mainWindow || mainWindow.isDestroyed()) {
              // macOS: the app can run without a window; open it (the command itself is dropped).
              void createMainWindow();
              return;
            }
            focusMainWindow();
            emit({ type: 'menu', command });
          },
        }),
      ),
    );

    app.on('before-quit', () => {
      http.abortAll();
      mail.close();
      online.stop();
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createMainWindow();
      else focusMainWindow();
    });

    await createMainWindow();
  });
}

// One TutorDesk per user: a second launch focuses the running one and exits.
if (app.requestSingleInstanceLock()) start();
else app.quit();
