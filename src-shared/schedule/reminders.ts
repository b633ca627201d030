/**
 * Desktop reminders "N minutes before a lesson" while the app runs. The host keeps the set of keys
 * already notified (in memory or local storage) and calls `dueReminders` on a timer; a moved
 * lesson gets a new key, so it is reminded again at its new time.
 */
import { DateTime } from 'luxon';
import { isActive, type ExpandedOccurrence } from './expand';
import { MINUTE_MS, toMs } from './time';
import { roomText } from './rooms';

export interface Reminder {
  /** Key to remember as notified: `${occurrenceId}|${start}`. */
  key: string;
  occurrence: ExpandedOccurrence;
  notifyAt: string;
}

export function reminderKey(o: Pick<ExpandedOccurrence, 'id' | 'start'>): string {
  return `${o.id}|${o.start}`;
}

function eligible(o: ExpandedOccurrence): boolean {
  return isActive(o) && o.status === 'scheduled';
}

/** Lessons whose reminder time has come (start − minutesBefore <= now < start) and were not notified yet. */
export function dueReminders(
  occurrences: readonly ExpandedOccurrence[],
  now: string | number | Date,
  minutesBefore: number,
  alreadyNotifiedIds: ReadonlySet<string> | readonly string[],
): Reminder[] {
  const nowMs = toMs(now);
  const done = alreadyNotifiedIds instanceof Set ? alreadyNotifiedIds : new Set(alreadyNotifiedIds as readonly string[]);
  const out: Reminder[] = [];
  for (const o of occurrences) {
    const notifyAt = o.startMs - minutesBefore * MINUTE_MS;
    if (!eligible(o) || notifyAt > nowMs || nowMs >= o.startMs) continue;
    const key = reminderKey(o);
    if (done.has(key)) continue;
    out.push({ key, occurrence: o, notifyAt: new Date(notifyAt).toISOString() });
  }
  return out.sort((a, b) => a.occurrence.startMs - b.occurrence.startMs);
}

/** When the next reminder falls due after `now` (ms), or null: lets the host sleep until then. */
export function nextReminderAt(
  occurrences: readonly ExpandedOccurrence[],
  now: string | number | Date,
  minutesBefore: number,
  alreadyNotifiedIds: ReadonlySet<string> | readonly string[] = [],
): number | null {
  const nowMs = toMs(now);
  const done = alreadyNotifiedIds instanceof Set ? alreadyNotifiedIds : new Set(alreadyNotifiedIds as readonly string[]);
  let next: number | null = null;
  for (const o of occurrences) {
    const at = o.startMs - minutesBefore * MINUTE_MS;
    if (!eligible(o) || at <= nowMs || done.has(reminderKey(o))) continue;
    if (next === null || at < next) next = at;
  }
  return next;
}

/** Notification text, e.g. title "Maths at 16:00" and body "Olivia Smith · Room 2 · in 15 min". */
export function reminderText(
  r: Reminder,
  names: { studentName: (id: string) => string; timeZone: string; locale?: string },
  now: string | number | Date,
): { title: string; body: string } {
  const o = r.occurrence;
  const time = DateTime.fromMillis(o.startMs, { zone: names.timeZone })
    .setLocale(names.locale ?? 'en-GB')
    .toLocaleString(DateTime.TIME_SIMPLE);
  const minutes = Math.max(0, Math.round((o.startMs - toMs(now)) / MINUTE_MS));
  const parts = [
    o.studentIds.map(names.studentName).join(', '),
    o.room ? roomText(o.room) : o.location,
    o.onlineUrl ? 'Online' : '',
    `in ${minutes} min`,
  ].filter(Boolean);
  return { title: `${o.subject || 'Lesson'} at ${time}`, body: parts.join(' · ') };
}
