/**
 * Mounted with the app shell (a top-bar item): makes the desktop's daily automatic backup when it
 * is due, and, when the practice has had neither a backup nor a sync for a week, shows a reminder
 * that leads to Settings → Backups (docs/backup.md).
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { localDoc$, SYNC_STATE_LOCAL_ID } from '../../data';
import { Icon } from '../../ui/Icon';
import { backupReminder } from '../../../../src-shared/backup/reminder';
import type { BackupState } from './actions';
import { requestPersistentStorage } from './storage';
import { AUTO_STATE_DOC, runAutomaticBackupIfDue, type AutoBackupState } from './auto';

const CHECK_EVERY_MS = 60 * 60_000;
const FIRST_CHECK_AFTER_MS = 20_000;
const REMINDER_TICK_MS = 60_000;

function useLocal<T>(id: string): T | null {
  const { db } = useApp();
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    const sub = localDoc$(db, id).subscribe((d) => setValue((d?.toJSON().data as T | undefined) ?? null));
    return () => sub.unsubscribe();
  }, [db, id]);
  return value;
}

export function BackupReminder() {
  const app = useApp();
  const manual = useLocal<BackupState>('backup-state');
  const auto = useLocal<AutoBackupState>(AUTO_STATE_DOC);
  const sync = useLocal<{ lastSyncedAt?: string | null }>(SYNC_STATE_LOCAL_ID);
  const [now, setNow] = useState(() => new Date());

  // The automatic backup: a while after start (the first screen comes first), then every hour.
  useEffect(() => {
    let stopped = false;
    const run = () => {
      if (!stopped) void runAutomaticBackupIfDue(app).catch(() => undefined);
    };
    const first = setTimeout(run, FIRST_CHECK_AFTER_MS);
    const every = setInterval(run, CHECK_EVERY_MS);
    return () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
    };
    // Once per database; `app` changes with every settings change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [app.db]);

  // Once the practice exists: ask that its storage be persistent (Settings → Backups shows the answer).
  const hasPractice = Boolean(app.settings);
  useEffect(() => {
    if (hasPractice) void requestPersistentStorage();
  }, [hasPractice]);

  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), REMINDER_TICK_MS);
    return () => clearInterval(t);
  }, []);

  if (!app.settings) return null;
  const backups = [manual?.lastBackupAt ?? null, auto?.lastAt ?? null].filter((t): t is string => Boolean(t)).sort();
  const due = backupReminder({
    lastBackupAt: backups[backups.length - 1] ?? null,
    lastSyncedAt: sync?.lastSyncedAt ?? null,
    practiceSince: app.settings.createdAt,
    now,
  });
  if (!due) return null;
  const label = due.never ? 'No backup yet' : `No backup for ${due.days} days`;
  return (
    <button
      type="button"
      className="sync-chip tone-warning backup-reminder"
      aria-label={`${label}: this computer holds the only copy of the practice. Make a backup in Settings.`}
      title="This computer holds the only copy of your practice"
      onClick={() => navigate('/settings?section=backup')}
    >
      <Icon name="alert" />
      <span className="sync-chip-text">
        <span className="sync-chip-label">{label}</span>
      </span>
    </button>
  );
}
