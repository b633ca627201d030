/** Test build only: the desktop's automatic backups, faked in the page (testing/install.ts). */
import { getBridge } from '../platform/bridge';
import type { AutoBackupInfo } from '../../../src-shared/bridge';

export function fakeDesktopBackups(files: { content: string; createdAt: string }[]): void {
  const bridge = getBridge();
  const store = new Map<string, { info: AutoBackupInfo; content: string }>();
  const add = (content: string, createdAt: string): AutoBackupInfo => {
    const name = `auto-${createdAt.replace(/[:.]/g, '-')}.tutordesk-backup`;
    const info = { name, createdAt, bytes: new TextEncoder().encode(content).length };
    store.set(name, { info, content });
    return info;
  };
  for (const f of files) add(f.content, f.createdAt);
  const appInfo = bridge.appInfo.bind(bridge);
  bridge.appInfo = async () => ({ ...(await appInfo()), platform: 'electron' });
  bridge.backups = {
    saveAutomatic: async (req) => ({ saved: add(req.content, req.createdAt), removed: [] }),
    listAutomatic: async () => [...store.values()].map((b) => b.info).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    readAutomatic: async (name) => {
      const b = store.get(name);
      if (!b) throw new Error('That automatic backup is no longer there.');
      return b.content;
    },
  };
}

/** Test build only: the bridge answers that this computer syncs with `serverUrl` (no sync is started). */
export function fakeSyncAccount(serverUrl: string, practice: string): void {
  const bridge = getBridge();
  bridge.sync.getAccount = async () => ({ serverUrl, practice, username: 'jo', hasPassword: true, passwordKept: 'session' });
}
