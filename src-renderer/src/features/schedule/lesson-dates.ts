/**
 * The students table's Last lesson / Next lesson columns, from the schedule store: the latest
 * lesson that took place (not cancelled, not skipped) before now and the next one after now, per
 * student. Expands eight weeks either side of today for everyone, then up to a year further only
 * for the students still without a date (and only their lessons). Returns the same Map until the
 * schedule changes or the day changes.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { expandLessons, isActive, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import type { Occurrence } from '../../../../src-shared/model/types';
import type { LessonDates } from '../../app/registry';
import { useApp } from '../../app/AppContext';
import { scheduleStoreFor, type ScheduleStore } from './store';

const WEEK_MS = 7 * 86_400_000;

function collect(
  occurrences: readonly ExpandedOccurrence[],
  now: number,
  out: Map<string, { last?: string; next?: string }>,
  only?: Set<string>,
): void {
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

export async function computeLessonDates(store: ScheduleStore, tz: string, now: number): Promise<LessonDates> {
  const out: LessonDates = new Map();
  // The last eight weeks' attendance (cancelled lessons are not a "last lesson").
  await store.ensureLoaded(now - 8 * WEEK_MS);
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
    const older = { start: new Date(now - 60 * WEEK_MS).toISOString(), end: near.start };
    let occIndex = index;
    if (mine.length && !store.covers(older)) {
      // Only these lessons' older attendance documents, not the whole history.
      occIndex = new Map(index);
      const docs = await store.db.occurrences.find({ selector: { lessonId: { $in: mine.map((l) => l.id) } } }).exec();
      for (const d of docs) {
        const o = d.toJSON() as Occurrence;
        const m = new Map(occIndex.get(o.lessonId) ?? []);
        m.set(Date.parse(o.originalStart), o);
        occIndex.set(o.lessonId, m);
      }
    }
    collect(expandLessons(mine, occIndex, closures, older, tz), now, out, missingLast);
  }
  if (missingNext.size) {
    const mine = lessons.filter((l) => l.studentIds.some((s) => missingNext.has(s)));
    collect(
      expandLessons(mine, index, closures, { start: near.end, end: new Date(now + 52 * WEEK_MS).toISOString() }, tz),
      now,
      out,
      missingNext,
    );
  }
  return out;
}

const EMPTY: LessonDates = new Map();
const computed = new WeakMap<ScheduleStore, { version: number; tz: string; hour: number; dates: LessonDates }>();

/**
 * The schedule's `lessonDates` contribution (its manifest, index.ts). The dates are recomputed at most every
 * couple of seconds while the schedule changes (a bulk import or a sync writes thousands of
 * documents), and at least every hour (so "next" moves on during the day); until then the
 * previous Map is returned unchanged.
 */
export function useScheduleLessonDates(): LessonDates {
  const app = useApp();
  // Background: the students table paints first, the dates follow ("—" until then).
  const store = scheduleStoreFor(app.db, { background: true });
  const version = useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  const tz = app.settings?.timeZone ?? 'UTC';
  const [, setTick] = useState(0);
  const hour = Math.floor(Date.now() / 3_600_000);
  const current = computed.get(store);
  const stale = version >= 0 && (!current || current.version !== version || current.tz !== tz || current.hour !== hour);
  useEffect(() => {
    if (!stale) return;
    const first = !computed.get(store);
    let cancelled = false;
    const t = setTimeout(
      () => {
        const at = { version: store.version, hour: Math.floor(Date.now() / 3_600_000) };
        void computeLessonDates(store, tz, Date.now()).then((dates) => {
          computed.set(store, { ...at, tz, dates });
          if (!cancelled) setTick((n) => n + 1);
        });
      },
      first ? 0 : 2000,
    );
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [stale, store, tz, version]);
  return current?.dates ?? EMPTY;
}
