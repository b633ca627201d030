/**
 * Automatic backups in the main process (src-main/auto-backups.ts) on a real temporary folder:
 * written privately and whole, pruned by the rotation, read only by their own names.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoBackupName, createAutoBackups, createdAtOf, type BackupFs } from '../../../src-main/auto-backups';

const realFs: BackupFs = { mkdir, writeFile, rename, readdir, stat, readFile, unlink };

function setup(fs: BackupFs = realFs) {
  const dir = join(mkdtempSync(join(tmpdir(), 'tutordesk-auto-')), 'backups');
  return { dir, backups: createAutoBackups({ dir, fs }) };
}

describe('automatic backups', () => {
  it('names carry their instant and nothing else is taken for a backup', () => {
    const name = autoBackupName(new Date('2026-12-06T07:41:00.123Z'));
    expect(name).toBe('auto-2026-12-06T07-41-00-123Z.tutordesk-backup');
    expect(createdAtOf(name)).toBe('2026-12-06T07:41:00.123Z');
    for (const other of ['sync-credentials.json', `${name}.partial`, `../${name}`, 'auto-2026-12-06.tutordesk-backup'])
      expect(createdAtOf(other)).toBeNull();
  });

  it('writes a private file, lists it newest first, reads it back', async () => {
    const { dir, backups } = setup();
    await backups.saveAutomatic({ content: '{"a":1}', createdAt: '2026-12-05T07:00:00.000Z' });
    const r = await backups.saveAutomatic({ content: '{"b":2}', createdAt: '2026-12-06T07:00:00.000Z' });
    expect(r.saved).toMatchObject({ name: 'auto-2026-12-06T07-00-00-000Z.tutordesk-backup', bytes: 7 });
    expect((await backups.listAutomatic()).map((b) => b.createdAt)).toEqual(['2026-12-06T07:00:00.000Z', '2026-12-05T07:00:00.000Z']);
    expect(await backups.readAutomatic(r.saved.name)).toBe('{"b":2}');
    expect(statSync(join(dir, r.saved.name)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // Files that are not backups stay and are never listed.
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect((await backups.listAutomatic()).length).toBe(2);
    await expect(backups.readAutomatic('notes.txt')).rejects.toThrow(/Not the name/);
  });

  it('a year of daily backups is pruned to the rotation as it goes', async () => {
    const { dir, backups } = setup();
    let removed = 0;
    for (let d = 365; d >= 0; d--) {
      const at = new Date(Date.parse('2026-12-06T07:00:00.000Z') - d * 86_400_000).toISOString();
      removed += (await backups.saveAutomatic({ content: at, createdAt: at })).removed.length;
    }
    const left = await backups.listAutomatic();
    expect(left.length).toBeLessThanOrEqual(23);
    expect(left.length + removed).toBe(366);
    expect(left[0]!.createdAt).toBe('2026-12-06T07:00:00.000Z');
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('a write that fails (a full disk) leaves no backup under a backup name and removes nothing', async () => {
    const full: BackupFs = {
      ...realFs,
      writeFile: async (path, data, o) => {
        await writeFile(path, data.slice(0, 3), o);
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    const { dir, backups } = setup();
    await backups.saveAutomatic({ content: 'older', createdAt: '2026-12-01T07:00:00.000Z' });
    const failing = createAutoBackups({ dir, fs: full });
    await expect(failing.saveAutomatic({ content: 'newer', createdAt: '2026-12-06T07:00:00.000Z' })).rejects.toThrow(
      /The disk is full.*earlier backups are kept/,
    );
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect((await backups.listAutomatic()).map((b) => b.createdAt)).toEqual(['2026-12-01T07:00:00.000Z']);
    expect(await backups.readAutomatic('auto-2026-12-01T07-00-00-000Z.tutordesk-backup')).toBe('older');
  });
});
