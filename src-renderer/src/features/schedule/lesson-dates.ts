/**
 * The students table's Last lesson / Next lesson columns, from the schedule store: the latest
 * lesson that took place (not cancelled, not skipped) before now and the next one after now, per
 * student. Expands eight weeks either side of today for everyone, then up to a year further only
 * for the students still without a date (and only their lessons). Returns the same Map until the
 * schedule changes or the day changes.
 */
import { useMemo } from 'react';
import { expandLessons, isActive, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import type { LessonDates } from '../students/lesson-dates';
import { useApp } from '../../app/AppContext';
import { scheduleStoreFor, type ScheduleStore } from './store';
import { useSyncExternalStore } from 'react';

const WEEK_MS = 7 * 86_400_000;

function collect(occurrences: readonly ExpandedOccurrence[], now: number, out: Map<string, { last?: string; next?: string }>, only?: Set<string>): void {
  for (const o of occurrences) {
    if (!isActive(o)) continue;
    for (const s of o.studentIds) {
      if (only && !only.has(s)) continue;
      if (o.studentStatus[s]?.startsWith('cancelled')) continue;
      let e = out.get(s);
      if (!e) out.set(s, (e = {}));
      if (o.startMs <= now) {
        if (!e.last || o.startMs > Date.parse(e.last)) e.last = o.start;
      } else if (!e.next || o.startMs < Date.parse(e.next)) e.next = o.start;
    }
  }
}

export function computeLessonDates(store: ScheduleStore, tz: string, now: number): LessonDates {
  const out: LessonDates = new Map();
  const lessons = store.allLessons();
  const index = store.occurrenceIndex;
  const closures = store.allClosures();
  const near = { start: new Date(now - 8 * WEEK_MS).toISOString(), end: new Date(now + 8 * WEEK_MS).toISOString() };
  collect(expandLessons(lessons, index, closures, near, tz), now, out);
  const students = new Set(lessons.flatMap((l) => l.studentIds));
  const missingLast = new Set([...students].filter((s) => !out.get(s)?.last));
  const missingNext = new Set([...students].filter((s) => !out.get(s)?.next));
  if (missingLast.size) {
    const mine = lessons.filter((l) => l.studentIds.some((s) => missingLast.has(s)) && Date.parse(l.start) < now - 8 * WEEK_MS);
    collect(expandLessons(mine, index, closures, { start: new Date(now - 60 * WEEK_MS).toISOString(), end: near.start }, tz), now, out, missingLast);
  }
  if (missingNext.size) {
    const mine = lessons.filter((l) => l.studentIds.some((s) => missingNext.has(s)));
    collect(expandLessons(mine, index, closures, { start: near.end, end: new Date(now + 52 * WEEK_MS).toISOString() }, tz), now, out, missingNext);
  }
  return out;
}

/** The provider registered with the students feature. */
export function useScheduleLessonDates(): LessonDates {
  const app = useApp();
  const store = scheduleStoreFor(app.db);
  const version = useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  const tz = app.settings?.timeZone ?? 'UTC';
  // Re-computed at most once an hour while nothing changes (so "next" moves on during the day).
  const hour = Math.floor(Date.now() / 3_600_000);
  return useMemo(() => (version < 0 ? new Map() : computeLessonDates(store, tz, Date.now())), [store, version, tz, hour]);
}
