/**
 * The reminder when a practice has had neither a backup nor a sync for a week (docs/backup.md):
 * its only copy is this computer. Pure.
 */
export const REMINDER_AFTER_DAYS = 7;
const DAY = 86_400_000;

export interface ReminderInput {
  /** ISO instants; null when it never happened. */
  lastBackupAt: string | null;
  lastSyncedAt: string | null;
  /** When the practice was created on this computer (its settings' createdAt). */
  practiceSince: string;
  now: Date;
}

/** Days since the practice was last safe elsewhere, when that is a week or more; else null. */
export function backupReminder(i: ReminderInput): { days: number; never: boolean } | null {
  const times = [i.lastBackupAt, i.lastSyncedAt].filter((t): t is string => Boolean(t)).map((t) => Date.parse(t));
  const since = times.length ? Math.max(...times) : Date.parse(i.practiceSince);
  if (Number.isNaN(since)) return null;
  const days = Math.floor((i.now.getTime() - since) / DAY);
  return days >= REMINDER_AFTER_DAYS ? { days, never: times.length === 0 } : null;
}
