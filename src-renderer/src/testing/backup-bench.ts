/**
 * Test build only: the backup and restore figures of `npm run bench` (scripts/bench/backup.ts),
 * timed in the page on the same code paths as Settings → Backups and the first-run restore.
 */
import { collectBackupData, restoreBackupData, type TutorDatabase } from '../data';
import { createBackup, readBackup } from '../../../src-shared/backup/backup-file';
import { windowBackupPlatform } from '../platform/web-crypto';

export interface BackupBenchFigures {
  collectMs: number;
  createMs: number;
  bytes: number;
  records: number;
  text: string;
}

export interface RestoreBenchFigures {
  readMs: number;
  restoreMs: number;
  restored: number;
  deletions: number;
}

export async function benchBackup(db: TutorDatabase, passphrase?: string): Promise<BackupBenchFigures> {
  const t0 = performance.now();
  const data = await collectBackupData(db);
  const t1 = performance.now();
  const text = await createBackup(
    data,
    { appVersion: 'bench', practiceName: 'Bench', now: new Date(), ...(passphrase ? { passphrase } : {}) },
    windowBackupPlatform,
  );
  const t2 = performance.now();
  const records = Object.values(data.collections).reduce((n, docs) => n + (docs?.length ?? 0), 0);
  return { collectMs: t1 - t0, createMs: t2 - t1, bytes: new TextEncoder().encode(text).length, records, text };
}

/** Reads a backup and restores it into this page's database, which must be empty (the first-run screen). */
export async function benchRestore(db: TutorDatabase, text: string, passphrase?: string): Promise<RestoreBenchFigures> {
  const t0 = performance.now();
  const { manifest, data } = await readBackup(text, passphrase ? { passphrase } : {}, windowBackupPlatform);
  const t1 = performance.now();
  const summary = await restoreBackupData(db, manifest, data);
  const t2 = performance.now();
  const restored = Object.values(summary.restored).reduce((n, k) => n + (k ?? 0), 0);
  return { readMs: t1 - t0, restoreMs: t2 - t1, restored, deletions: summary.deletions };
}
