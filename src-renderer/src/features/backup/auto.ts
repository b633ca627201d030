/**
 * Automatic backups (desktop): once a day the whole practice goes into a backup file that the main
 * process keeps in the app's data folder with a rotation (src-main/auto-backups.ts,
 * docs/backup.md). They are not protected by a passphrase: they sit next to the database itself,
 * which is not encrypted either; a copy taken elsewhere should be made with "Back up now".
 */
import type { AppServices } from '../../app/AppContext';
import { collectBackupData } from '../../data';
import { getBridge } from '../../platform/bridge';
import { createBackup } from '../../../../src-shared/backup/backup-file';
import type { AutoBackupInfo } from '../../../../src-shared/bridge';
import { windowBackupPlatform } from '../../platform/web-crypto';

/** A new automatic backup is made when the newest is this old (a day, less an hour of slack). */
export const AUTO_BACKUP_EVERY_MS = 23 * 3_600_000;
export const AUTO_STATE_DOC = 'auto-backup-state';

export interface AutoBackupState {
  lastAt: string | null;
  /** The last attempt's failure, for Settings (cleared by the next success). */
  error: string | null;
}

export function automaticBackupDue(list: readonly AutoBackupInfo[], now: Date): boolean {
  const newest = list.reduce<string | null>((m, b) => (m === null || b.createdAt > m ? b.createdAt : m), null);
  return newest === null || now.getTime() - Date.parse(newest) >= AUTO_BACKUP_EVERY_MS;
}

/** Makes today's automatic backup when one is due; returns whether one was written. */
export async function runAutomaticBackupIfDue(app: AppServices, now = new Date()): Promise<boolean> {
  const bridge = getBridge();
  const info = await bridge.appInfo();
  if (info.platform !== 'electron' || !app.settings) return false;
  if (!automaticBackupDue(await bridge.backups.listAutomatic(), now)) return false;
  try {
    const text = await createBackup(
      await collectBackupData(app.db),
      { appVersion: info.version, practiceName: app.settings.name, now },
      windowBackupPlatform,
    );
    await bridge.backups.saveAutomatic({ content: text, createdAt: now.toISOString() });
    await app.db.upsertLocal<AutoBackupState>(AUTO_STATE_DOC, { lastAt: now.toISOString(), error: null });
    return true;
  } catch (e) {
    const prev = (await app.db.getLocal<AutoBackupState>(AUTO_STATE_DOC))?.toJSON().data;
    await app.db.upsertLocal<AutoBackupState>(AUTO_STATE_DOC, { lastAt: prev?.lastAt ?? null, error: (e as Error).message });
    return false;
  }
}
