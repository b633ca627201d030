/**
 * Automatic backups on the desktop (bridge `backups`, docs/backup.md "Automatic backups"): the
 * renderer makes the backup file, this module keeps it in the app's data folder and prunes the
 * older ones with the rotation of src-shared/backup/rotation.ts (7 daily, 4 weekly, 12 monthly).
 *
 * - A file is written under a temporary name, private to the user (0600), then renamed: a crash
 *   or a full disk mid-write never leaves a half file under a backup's name.
 * - Names are `auto-<instant>.tutordesk-backup`; only names of that exact form are read or
 *   deleted (the name also passes the IPC schema), so nothing outside the folder is reachable.
 * - The folder is given (the user data folder's `backups`), the file system is injected: the
 *   module is tested in Node on a temporary folder.
 */
import { join } from 'node:path';
import { AUTO_BACKUP_NAME_RE, type AutoBackupInfo, type AutoBackupRequest, type AutoBackupResult } from '../src-shared/bridge';
import { backupsToKeep, type RotationPolicy } from '../src-shared/backup/rotation';

export interface BackupFs {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  writeFile(path: string, data: string, options: { mode: number; encoding: 'utf8' }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ size: number }>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  unlink(path: string): Promise<void>;
}

/** `auto-2026-12-06T07-41-00-123Z.tutordesk-backup` for 2026-12-06T07:41:00.123Z. */
export function autoBackupName(createdAt: Date): string {
  return `auto-${createdAt.toISOString().replace(/:/g, '-').replace('.', '-')}.tutordesk-backup`;
}

export function createdAtOf(name: string): string | null {
  if (!AUTO_BACKUP_NAME_RE.test(name)) return null;
  const m = /^auto-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z/.exec(name)!;
  return `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`;
}

export function createAutoBackups(deps: { dir: string; fs: BackupFs; policy?: RotationPolicy }) {
  const { dir, fs } = deps;
  const ensureDir = () => fs.mkdir(dir, { recursive: true, mode: 0o700 });

  async function listAutomatic(): Promise<AutoBackupInfo[]> {
    await ensureDir();
    const out: AutoBackupInfo[] = [];
    for (const name of await fs.readdir(dir)) {
      const createdAt = createdAtOf(name);
      if (!createdAt) continue;
      out.push({ name, createdAt, bytes: (await fs.stat(join(dir, name))).size });
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }

  async function saveAutomatic(req: AutoBackupRequest): Promise<AutoBackupResult> {
    await ensureDir();
    const name = autoBackupName(new Date(req.createdAt));
    const partial = join(dir, `${name}.partial`);
    try {
      await fs.writeFile(partial, req.content, { mode: 0o600, encoding: 'utf8' });
      await fs.rename(partial, join(dir, name));
    } catch (e) {
      await fs.unlink(partial).catch(() => undefined);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw new Error('The disk is full, so the automatic backup was not written. Free some space; the earlier backups are kept.');
      throw e;
    }
    const all = await listAutomatic();
    const keep = backupsToKeep(all, deps.policy);
    const removed: string[] = [];
    for (const b of all) {
      if (keep.has(b.name)) continue;
      await fs.unlink(join(dir, b.name));
      removed.push(b.name);
    }
    const saved = all.find((b) => b.name === name) ?? { name, createdAt: req.createdAt, bytes: req.content.length };
    return { saved, removed };
  }

  async function readAutomatic(name: string): Promise<string> {
    if (!createdAtOf(name)) throw new Error('Not the name of an automatic backup');
    return fs.readFile(join(dir, name), 'utf8');
  }

  return { saveAutomatic, listAutomatic, readAutomatic };
}
