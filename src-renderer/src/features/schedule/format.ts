/** Display strings of the schedule UI (always in the practice's zone and locale). */
import { DateTime } from 'luxon';
import { ATTENDANCE_LABELS, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import { clockFormat } from '../../../../src-shared/locale/practice-locale';
import type { Directory } from './queries';

export interface Fmt {
  tz: string;
  locale: string;
}

export function dt(ms: number, f: Fmt): DateTime {
  return DateTime.fromMillis(ms, { zone: f.tz }).setLocale(f.locale);
}

/**
 * The zone the shown days' clock times are in ("GMT", "BST", or "GMT/BST" for the week the clocks
 * change): taken from those days, not from today, so a week in summer never says "GMT".
 */
export function zoneLabel(days: readonly string[], f: Fmt): string {
  return [...new Set(days.map((d) => dt(Date.parse(`${d}T12:00:00Z`), f).toFormat('ZZZZ')))].join('/');
}

/** "16:00" / "4:00 PM": the practice locale's clock (never a hand-built HH:mm). */
export function timeOf(ms: number, f: Fmt): string {
  return clockFormat(f.locale, f.tz).time(ms);
}

/** "16:00–17:00" / "4:00 – 5:00 PM". */
export function timeRange(o: Pick<ExpandedOccurrence, 'startMs' | 'endMs'>, f: Fmt): string {
  return clockFormat(f.locale, f.tz).range(o.startMs, o.endMs);
}

/** The shortest clear range, for narrow week columns: "16:00–17:00" / "4–5 PM" / "9:30–10:15 AM". */
export function timeRangeCompact(o: Pick<ExpandedOccurrence, 'startMs' | 'endMs'>, f: Fmt): string {
  return clockFormat(f.locale, f.tz).rangeCompact(o.startMs, o.endMs);
}

/** "4:00" for "4:00 PM" (12-hour locales only differ), or null where the locale writes 24-hour times. */
export function timeBareOf(ms: number, f: Fmt): string | null {
  const clock = clockFormat(f.locale, f.tz);
  return clock.hour12 ? clock.timeBare(ms) : null;
}

/** The label of a wall-clock hour on the time axis: "16:00" / "4 PM". */
export function hourLabel(hour: number, f: Fmt): string {
  return clockFormat(f.locale, f.tz).hour(hour);
}

const dayLabels = new Map<string, string>();

/** "Monday 10 March" (every lesson drawn in a week names its day: each label is made once). */
export function dayLabel(date: string, f: Fmt, withYear = false): string {
  const key = `${date}|${f.tz}|${f.locale}|${withYear}`;
  let label = dayLabels.get(key);
  if (label === undefined) {
    const d = DateTime.fromISO(date, { zone: f.tz }).setLocale(f.locale);
    label = d.toLocaleString(
      withYear ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } : { weekday: 'long', day: 'numeric', month: 'long' },
    );
    if (dayLabels.size > 5_000) dayLabels.clear();
    dayLabels.set(key, label);
  }
  return label;
}

export function fullDateTime(o: Pick<ExpandedOccurrence, 'startMs' | 'endMs'>, f: Fmt): string {
  return `${dt(o.startMs, f).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}, ${timeRange(o, f)}`;
}

export function studentsText(ids: readonly string[], dir: Directory): string {
  const names = ids.map((id) => dir.studentName(id));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The lesson's title: "Maths with Ada Lovelace". */
export function lessonTitle(o: Pick<ExpandedOccurrence, 'subject' | 'studentIds'>, dir: Directory): string {
  const who = studentsText(o.studentIds, dir);
  return `${o.subject || 'Lesson'}${who ? ` with ${who}` : ''}`;
}

/** Accessible name of a lesson on the calendar: "Maths with Ada Lovelace, 16:00–17:00" plus its state. */
export function lessonLabel(o: ExpandedOccurrence, dir: Directory, f: Fmt, conflicted: boolean): string {
  const extra: string[] = [];
  if (o.closed) extra.push(`skipped: ${o.closureLabel || 'closed'}`);
  else if (o.status !== 'scheduled') extra.push(ATTENDANCE_LABELS[o.status].toLowerCase());
  if (o.moved) extra.push('moved');
  if (conflicted) extra.push('double-booked');
  return `${lessonTitle(o, dir)}, ${timeRange(o, f)}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}
