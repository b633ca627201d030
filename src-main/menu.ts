/**
 * The native application menu as a pure template (Menu.buildFromTemplate(template) in index.ts).
 * App commands are delivered to the renderer as HostEvent {type:'menu', command}.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../src-shared/bridge';

export interface MenuOptions {
  platform: NodeJS.Platform;
  isDev: boolean;
  appName: string;
  /** Sends a command to the renderer (HostEvent {type:'menu', command}). */
  send(command: MenuCommand): void;
}

/** Keyboard shortcuts of the app commands (CmdOrCtrl = ⌘ on macOS, Ctrl elsewhere). */
export const COMMAND_ACCELERATORS: Record<MenuCommand, string> = {
  'new-student': 'CmdOrCtrl+N',
  'new-family': 'CmdOrCtrl+Shift+N',
  'new-lesson': 'CmdOrCtrl+L',
  find: 'CmdOrCtrl+F',
  settings: 'CmdOrCtrl+,',
  'sync-now': 'CmdOrCtrl+Shift+S',
  'go-today': 'CmdOrCtrl+T',
};

export function buildMenuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = opts.platform === 'darwin';
  const command = (id: MenuCommand, label: string): MenuItemConstructorOptions => ({
    id: `cmd:${id}`,
    label,
    accelerator: COMMAND_ACCELERATORS[id],
    click: () => opts.send(id),
  });
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: opts.appName,
          submenu: [
            { role: 'about' },
            sep,
            command('settings', 'Settings…'),
            sep,
            { role: 'services' },
            sep,
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            sep,
            { role: 'quit' },
          ],
        },
      ]
    : [];

  const fileMenu: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      command('new-student', 'New Student'),
      command('new-family', 'New Family'),
      command('new-lesson', 'New Lesson'),
      sep,
      command('sync-now', 'Sync Now'),
      ...(isMac
        ? [sep, { role: 'close' } as MenuItemConstructorOptions]
        : [sep, command('settings', 'Settings…'), sep, { role: 'quit', accelerator: 'Ctrl+Q' } as MenuItemConstructorOptions]),
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(isMac ? [{ role: 'pasteAndMatchStyle' } as MenuItemConstructorOptions] : []),
      { role: 'delete' },
      { role: 'selectAll' },
      sep,
      command('find', 'Find…'),
    ],
  };

  const viewMenu: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      command('go-today', 'Go to Today'),
      sep,
      { role: 'reload' },
      { role: 'forceReload' },
      ...(opts.isDev ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  };

  const windowMenu: MenuItemConstructorOptions = {
    label: '&Window',
    role: 'windowMenu',
    submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  };

  const helpMenu: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: isMac ? [] : [{ role: 'about', label: `About ${opts.appName}` }],
  };

  return [...appMenu, fileMenu, editMenu, viewMenu, windowMenu, helpMenu];
}
