/**
 * Making a backup file of the practice and restoring one (docs/backup.md). The file format and
 * its checks are src-shared/backup; collecting and restoring the records is the data layer's.
 */
import type { AppServices } from '../../app/AppContext';
import {
  activeDatabaseName,
  beginReplacement,
  collectBackupData,
  createTutorDatabase,
  newDatabaseName,
  restoreIntoNewDatabase,
  switchActiveDatabase,
  tutorDexieStorage,
  type TutorDatabase,
} from '../../data';
import { getBridge } from '../../platform/bridge';
import { createBackup, readBackup, readBackupManifest, type BackupManifest } from '../../../../src-shared/backup/backup-file';
import { windowBackupPlatform } from '../../platform/web-crypto';
import { AUTO_STATE_DOC } from './auto';
import { isQuotaError } from '../../../../src-shared/validation/storage-errors';

export const BACKUP_EXTENSION = 'tutordesk-backup';
const BACKUP_STATE_DOC = 'backup-state';
/** Backups larger than this are refused when opened (a practice of 10,000 students is ~40 MB). */
const MAX_BACKUP_BYTES = 100 * 1024 * 1024;

export interface BackupState {
  lastBackupAt: string;
  location: string;
  encrypted: boolean;
}

/** The file name a backup is offered under: practice, date and time, no characters a file system refuses. */
export function backupFileName(practiceName: string, at: Date): string {
  const safe =
    practiceName
      .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '')
      .trim()
      .slice(0, 80) || 'Practice';
  const stamp = at.toISOString().slice(0, 16).replace('T', ' ').replace(':', '.');
  return `${safe} backup ${stamp}.${BACKUP_EXTENSION}`;
}

/** Writes a backup file of the whole practice through the save dialog (desktop) or a download (browser). */
export async function saveBackup(app: AppServices, passphrase: string | undefined): Promise<BackupState | null> {
  const now = new Date();
  const info = await getBridge().appInfo();
  const text = await createBackup(
    await collectBackupData(app.db),
    { appVersion: info.version, practiceName: app.settings?.name ?? '', now, ...(passphrase ? { passphrase } : {}) },
    windowBackupPlatform,
  );
  const result = await getBridge().saveFile({
    suggestedName: backupFileName(app.settings?.name ?? '', now),
    filters: [{ name: 'TutorDesk backup', extensions: [BACKUP_EXTENSION] }],
    content: text,
    encoding: 'utf8',
    mimeType: 'application/json',
  });
  if (!result.saved) return null;
  const state: BackupState = { lastBackupAt: now.toISOString(), location: result.location, encrypted: Boolean(passphrase) };
  await app.db.upsertLocal(BACKUP_STATE_DOC, state);
  return state;
}

export async function lastBackup(db: TutorDatabase): Promise<BackupState | null> {
  return ((await db.getLocal<BackupState>(BACKUP_STATE_DOC))?.toJSON().data as BackupState | undefined) ?? null;
}

export interface OpenedBackup {
  name: string;
  text: string;
  manifest: BackupManifest;
}

/** Asks for a backup file and reads its manifest (refusing what is not a usable backup). */
export async function openBackupFile(): Promise<OpenedBackup | null> {
  const r = await getBridge().openFile({
    filters: [{ name: 'TutorDesk backup', extensions: [BACKUP_EXTENSION] }],
    maxBytes: MAX_BACKUP_BYTES,
  });
  if (!r.opened) {
    if (r.error) throw new Error(r.error);
    return null;
  }
  return { name: r.name, text: r.text, manifest: readBackupManifest(r.text) };
}

/** Reads one of the desktop's automatic backups (Settings lists them) as a chosen file. */
export async function openAutomaticBackup(name: string): Promise<OpenedBackup> {
  const text = await getBridge().backups.readAutomatic(name);
  return { name, text, manifest: readBackupManifest(text) };
}

/** A backup checked whole (format, checksum, passphrase, version), ready to restore. */
export type CheckedBackup = Awaited<ReturnType<typeof readBackup>>;

/** Checks the whole file before anything is touched: every refusal comes from here, with the app still running. */
export async function checkBackup(opened: OpenedBackup, passphrase: string | undefined): Promise<CheckedBackup> {
  return readBackup(opened.text, passphrase ? { passphrase } : {}, windowBackupPlatform);
}

const RESTORE_FAILURE_KEY = 'tutordesk.restoreFailure';

/**
 * Replaces this computer's practice with a checked backup (docs/backup.md "Replacing the
 * practice"): the current database is closed (never written) and the backup restored into a new
 * one. Only when that has fully succeeded does the device-local pointer move to the new database.
 * Either way the caller then reloads the window: on the restored practice, or, after a failure
 * (whose message is kept for Settings to show), on the unchanged current one.
 */
export async function replaceWithBackup(db: TutorDatabase, checked: CheckedBackup, now = new Date()): Promise<boolean> {
  const name = beginReplacement(newDatabaseName(now, activeDatabaseName(localStorage)), localStorage);
  try {
    await restoreIntoNewDatabase(
      {
        current: db,
        name,
        open: (n) => createTutorDatabase({ name: n, storage: tutorDexieStorage(), validate: 'precompiled' }),
        // This computer's backups are still there: the reminder and Settings go on knowing them.
        keepLocal: [BACKUP_STATE_DOC, AUTO_STATE_DOC],
      },
      checked.manifest,
      checked.data,
    );
    switchActiveDatabase(name, localStorage);
    return true;
  } catch (e) {
    // What the failed restore may have left is removed at the next start (databasesToRemove).
    const message = isQuotaError(e)
      ? 'the computer’s storage for TutorDesk is full. Free some disk space, then restore again.'
      : (e as Error).message || String(e);
    sessionStorage.setItem(RESTORE_FAILURE_KEY, message);
    return false;
  }
}

/** A failed replacement's message, once (Settings → Backups shows it after the reload). */
export function takeRestoreFailure(): string | null {
  const message = sessionStorage.getItem(RESTORE_FAILURE_KEY);
  if (message !== null) sessionStorage.removeItem(RESTORE_FAILURE_KEY);
  return message;
}
