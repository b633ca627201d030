/**
 * Calendar view arithmetic for the schedule UI, pure and zone-explicit: which local days a day /
 * week / month / agenda / rooms view shows, how the previous/next buttons and the arrow keys move the
 * anchor date, where a lesson sits in a day column (wall-clock minutes, DST-safe) and how
 * overlapping lessons share a column. Dates are local `YYYY-MM-DD` strings in the practice zone.
 */
import { DateTime } from 'luxon';
import { layoutOverlaps, type OverlapInput } from './overlap-layout';
import { DAY_MS, floatingMs, fromFloating, isoDay, localDate, localDaysRange, MINUTE_MS, toFloating, type TimeRange } from './time';

/** `rooms`: the week's lessons with a row per room (docs/schedule.md "Rooms"). */
export const CALENDAR_VIEWS = ['day', 'week', 'month', 'agenda', 'rooms'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

/** Days listed by the agenda view. */
export const AGENDA_DAYS = 14;

function day(date: string): DateTime {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  if (!d.isValid) throw new Error(`Invalid date: ${date}`);
  return d;
}

const iso = (d: DateTime): string => d.toISODate()!;

/** `YYYY-MM-DD` naming a day that exists (Date.parse would roll 2025-02-30 over into March). */
export function isLocalDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** Calendar arithmetic on a local date (no zone needed: dates are not instants). */
export function addDays(date: string, days: number): string {
  return iso(day(date).plus({ days }));
}

export function addMonths(date: string, months: number): string {
  return iso(day(date).plus({ months }));
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return day(date).weekday;
}

/** The first day of the week containing `date`. */
export function startOfWeek(date: string, weekStartsOn = 1): string {
  const d = day(date);
  return iso(d.minus({ days: (d.weekday - weekStartsOn + 7) % 7 }));
}

/** The local dates a view shows, in order (month: whole weeks covering the month). */
export function viewDays(view: CalendarView, anchor: string, weekStartsOn = 1): string[] {
  if (view === 'day') return [iso(day(anchor))];
  if (view === 'agenda') return Array.from({ length: AGENDA_DAYS }, (_, i) => addDays(anchor, i));
  if (view === 'week' || view === 'rooms') {
    const first = startOfWeek(anchor, weekStartsOn);
    return Array.from({ length: 7 }, (_, i) => addDays(first, i));
  }
  const monthStart = day(anchor).startOf('month');
  const monthEnd = monthStart.endOf('month');
  const first = startOfWeek(iso(monthStart), weekStartsOn);
  const last = addDays(startOfWeek(iso(monthEnd), weekStartsOn), 6);
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The instants covered by a view (from the first day's local midnight to the day after the last). */
export function viewRange(view: CalendarView, anchor: string, zone: string, weekStartsOn = 1): TimeRange {
  const days = viewDays(view, anchor, weekStartsOn);
  return localDaysRange(days[0]!, days.at(-1)!, zone);
}

/** Previous/next: a day, a week, a month (same day of month, clamped) or an agenda page. */
export function stepAnchor(view: CalendarView, anchor: string, direction: 1 | -1): string {
  if (view === 'day') return addDays(anchor, direction);
  if (view === 'week' || view === 'rooms') return addDays(anchor, 7 * direction);
  if (view === 'agenda') return addDays(anchor, AGENDA_DAYS * direction);
  return addMonths(anchor, direction);
}

/** Arrow keys: left/right one day, up/down one week (one day in the day view). */
export function arrowStep(view: CalendarView, key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown'): number {
  const horizontal = key === 'ArrowLeft' || key === 'ArrowRight';
  const sign = key === 'ArrowLeft' || key === 'ArrowUp' ? -1 : 1;
  if (horizontal || view === 'day' || view === 'agenda') return sign;
  return 7 * sign;
}

/** Today's local date in `zone`. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone }).toISODate()!;
}

/**
 * Wall-clock minutes since the local midnight of `date` for an instant (clamped to 0..1440), so a
 * 16:00 lesson sits at the 16:00 line on a DST change day too.
 */
export function wallMinutes(ms: number, date: string, zone: string): number {
  // Floating time (memoised zone offsets) and arithmetic instead of a luxon DateTime or a Date:
  // this runs for every lesson drawn on the calendar.
  const floating = floatingMs(ms, zone);
  const dayNumber = Math.floor(floating / DAY_MS);
  const d = isoDay(dayNumber);
  if (d < date) return 0;
  if (d > date) return 24 * 60;
  return Math.floor((floating - dayNumber * DAY_MS) / 1000) / 60;
}

/** Wall-clock `HH:mm` (24-hour) of an instant in `zone`. */
export function wallTime(ms: number, zone: string): string {
  const f = toFloating(ms, zone);
  return `${String(f.getUTCHours()).padStart(2, '0')}:${String(f.getUTCMinutes()).padStart(2, '0')}`;
}

/**
 * The instant of wall-clock `minutes` after midnight on local `date` in `zone`, read as RFC 5545
 * and the recurrence expansion read it: a wall time in a spring-forward gap moves forward, one
 * that occurs twice (clocks go back) is the first of the two.
 */
export function instantAt(date: string, minutes: number, zone: string): number {
  // Floating time (the wall clock read as UTC) and the memoised zone offsets, not luxon: the
  // calendar asks this for every "+N more" slot it draws.
  if (!isLocalDate(date)) throw new Error(`Invalid date: ${date}`);
  const midnight = Date.parse(`${date}T00:00:00Z`);
  const m = Math.max(0, Math.min(24 * 60, Math.round(minutes)));
  return fromFloating(new Date(midnight + m * MINUTE_MS), zone);
}

/** Rounds minutes to the nearest multiple of `step`. */
export function snapMinutes(minutes: number, step = 15): number {
  return Math.round(minutes / step) * step;
}

export interface DayLayoutItem<T> {
  item: T;
  /** Wall-clock minutes since local midnight (clamped to the day). */
  startMin: number;
  endMin: number;
  /** 0-based column within its cluster of overlapping items, and the cluster's column count. */
  column: number;
  columns: number;
  /** Columns the item may use, from `column` rightwards, without covering an overlapping item (≥ 1). */
  span: number;
  /** Index of its cluster of overlapping items in the day (0, 1, … in time order). */
  cluster: number;
}

/**
 * Where items sit in the day column of local `date` in `zone`: wall-clock minutes since midnight,
 * clamped to the day. A very short item is at least `minMinutes` tall so it can be read and
 * clicked; an item across a DST change keeps its real length from its wall-clock start.
 */
export function dayPositions<T extends { startMs: number; endMs: number; id: string }>(
  items: readonly T[],
  date: string,
  zone: string,
  minMinutes = 15,
): OverlapInput<T>[] {
  return items.map((item) => {
    const startMin = wallMinutes(item.startMs, date, zone);
    const lengthMin = Math.max(0, (item.endMs - item.startMs) / MINUTE_MS);
    let endMin = wallMinutes(item.endMs, date, zone);
    // A lesson across a DST change is shown with its real length from its wall-clock start.
    const startsToday = localDate(item.startMs, zone) === date;
    if (startsToday && endMin < 24 * 60 && endMin - startMin !== lengthMin) endMin = startMin + lengthMin;
    endMin = Math.min(24 * 60, Math.max(endMin, startMin + minMinutes));
    return { item, id: item.id, startMin, endMin };
  });
}

/**
 * Lays out one day column with every item drawn: items that overlap share the width side by side
 * (each cluster of overlapping items gets as many columns as it needs at most), and an item widens
 * into the columns to its right that are free for its whole duration. The time grid itself uses
 * `layoutOverlaps` (overlap-layout.ts) with a lane limit and "+N more" slots.
 */
export function layoutDay<T extends { startMs: number; endMs: number; id: string }>(
  items: readonly T[],
  date: string,
  zone: string,
  minMinutes = 15,
): DayLayoutItem<T>[] {
  return layoutOverlaps(dayPositions(items, date, zone, minMinutes)).shown.map((p) => ({
    item: p.item,
    startMin: p.startMin,
    endMin: p.endMin,
    column: p.lane,
    columns: p.lanes,
    span: p.span,
    cluster: p.cluster,
  }));
}
