import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS, type MenuCommand } from '../../../src-shared/bridge';
import { buildMenuTemplate, COMMAND_ACCELERATORS } from '../../../src-main/menu';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu as MenuItemConstructorOptions[]) : [])]);
}
const build = (platform: NodeJS.Platform, isDev = false) => {
  const sent: MenuCommand[] = [];
  const template = buildMenuTemplate({ platform, isDev, appName: 'TutorDesk', send: (c) => sent.push(c) });
  return { template, items: flatten(template), sent };
};
const roles = (items: MenuItemConstructorOptions[]) => items.map((i) => i.role).filter(Boolean);
const topLabels = (t: MenuItemConstructorOptions[]) => t.map((m) => (m.label ?? '').replace('&', ''));

describe('application menu', () => {
  it('has the usual menus in the usual order', () => {
    expect(topLabels(build('linux').template)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(topLabels(build('win32').template)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(topLabels(build('darwin').template)).toEqual(['TutorDesk', 'File', 'Edit', 'View', 'Window', 'Help']);
  });

  it('Edit has the editing roles', () => {
    const edit = build('linux').template.find((m) => m.label === '&Edit')!;
    expect(roles(edit.submenu as MenuItemConstructorOptions[])).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
    );
  });

  it('View has reload, zoom and full screen; developer tools only in development', () => {
    const viewRoles = (dev: boolean) =>
      roles(build('linux', dev).template.find((m) => m.label === '&View')!.submenu as MenuItemConstructorOptions[]);
    expect(viewRoles(false)).toEqual(expect.arrayContaining(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
    expect(viewRoles(false)).not.toContain('toggleDevTools');
    expect(viewRoles(true)).toContain('toggleDevTools');
  });

  it('File has New student / family / lesson, Settings and Quit (Settings and Quit in the app menu on macOS)', () => {
    const file = (p: NodeJS.Platform) =>
      flatten(build(p).template.find((m) => m.label === '&File')!.submenu as MenuItemConstructorOptions[]);
    const linuxFile = file('linux');
    expect(linuxFile.map((i) => i.id).filter(Boolean)).toEqual([
      'cmd:new-student',
      'cmd:new-family',
      'cmd:new-lesson',
      'cmd:sync-now',
      'cmd:settings',
    ]);
    expect(roles(linuxFile)).toContain('quit');
    const mac = build('darwin').template[0]!.submenu as MenuItemConstructorOptions[];
    expect(mac.map((i) => i.id ?? i.role)).toEqual(expect.arrayContaining(['about', 'cmd:settings', 'hide', 'quit']));
    expect(roles(file('darwin'))).not.toContain('quit');
    expect(roles(file('darwin'))).toContain('close');
  });

  it('every app command is in the menu exactly once, with its accelerator, and sends the command', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const { items, sent } = build(platform);
      const commandItems = items.filter((i) => i.id?.startsWith('cmd:'));
      expect(commandItems.map((i) => i.id!.slice(4)).sort()).toEqual([...MENU_COMMANDS].sort());
      for (const item of commandItems) {
        const cmd = item.id!.slice(4) as MenuCommand;
        expect(item.accelerator).toBe(COMMAND_ACCELERATORS[cmd]);
        (item.click as () => void)();
        expect(sent.at(-1)).toBe(cmd);
      }
      expect(sent).toHaveLength(MENU_COMMANDS.length);
    }
  });

  it('accelerators do not collide with each other or with the standard roles', () => {
    const accels = Object.values(COMMAND_ACCELERATORS);
    expect(new Set(accels).size).toBe(accels.length);
    // Standard role shortcuts that must keep working (CmdOrCtrl+Z/Y/X/C/V/A, R reload, W close, Q quit, M minimize).
    for (const reserved of ['Z', 'Y', 'X', 'C', 'V', 'A', 'R', 'W', 'Q', 'M', 'Shift+Z', 'Plus', '-', '0']) {
      expect(accels).not.toContain(`CmdOrCtrl+${reserved}`);
    }
  });
});
