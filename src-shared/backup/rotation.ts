/**
 * Which automatic backups to keep (docs/backup.md "Automatic backups"): the newest backup of each
 * of the last `daily` days that have one, of each of the last `weekly` ISO weeks, and of each of
 * the last `monthly` months — the grandfather-father-son rotation of backup tools. Days, weeks and
 * months are UTC (the main process that prunes has no practice time zone; a backup near midnight
 * may count for the neighbouring day, which only shifts which one of two is kept). Pure.
 */

export interface RotationPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export const DEFAULT_ROTATION: RotationPolicy = { daily: 7, weekly: 4, monthly: 12 };

/** ISO 8601 week of a UTC instant, as "2026-W49". */
export function isoWeekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The names of the backups to keep; every other one may be deleted. */
export function backupsToKeep(
  backups: readonly { name: string; createdAt: string }[],
  policy: RotationPolicy = DEFAULT_ROTATION,
): Set<string> {
  const newestFirst = [...backups].sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name < b.name ? 1 : -1,
  );
  const keep = new Set<string>();
  const buckets: [number, (d: Date) => string, Set<string>][] = [
    [policy.daily, (d) => d.toISOString().slice(0, 10), new Set()],
    [policy.weekly, isoWeekKey, new Set()],
    [policy.monthly, (d) => d.toISOString().slice(0, 7), new Set()],
  ];
  for (const b of newestFirst) {
    const at = new Date(b.createdAt);
    if (Number.isNaN(at.getTime())) continue;
    for (const [limit, key, seen] of buckets) {
      const k = key(at);
      if (seen.has(k) || seen.size >= limit) continue;
      seen.add(k);
      keep.add(b.name);
    }
  }
  return keep;
}
