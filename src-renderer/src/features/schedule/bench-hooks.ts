/**
 * Benchmark hook (installed only with `?testHooks`): times the pure expansion of visible ranges
 * and the conflict sweep over the in-memory schedule store, bypassing the view cache, so the
 * figures are the cost of "expand only the visible range" itself.
 */
import { DateTime } from 'luxon';
import { expandLessons } from '../../../../src-shared/schedule';
import { conflictedIds } from '../../../../src-shared/schedule/conflicts';
import { viewRange, type CalendarView } from '../../../../src-shared/schedule/calendar';
import type { TutorDatabase } from '../../data';
import { scheduleStoreFor } from './store';

export interface ExpansionFigures {
  lessons: number;
  occurrenceDocs: number;
  /** Occurrence documents loaded when the schedule opened (the recent window). */
  initialOccurrenceDocs: number;
  storeLoadMs: number;
  loadPhases: Record<string, number>;
  /** Loading the older occurrence documents (before the initial window) on demand. */
  olderLoadMs: number;
  /** Occurrences in the 52 weeks from the earliest lesson (the size of the practice). */
  occurrencesInYear: number;
  yearExpandMs: number;
  runs: { view: CalendarView; anchor: string; occurrences: number; expandMs: number; conflictsMs: number }[];
}

export async function benchScheduleExpansion(db: TutorDatabase, weeks = 10): Promise<ExpansionFigures> {
  const store = scheduleStoreFor(db);
  await store.whenReady();
  const initialOccurrenceDocs = store.occurrencesById.size;
  const settings = (await db.settings.findOne('practice').exec())?.toJSON();
  const tz = settings?.timeZone ?? 'UTC';
  const lessons = store.allLessons();
  const closures = store.allClosures();
  const first = Math.min(...lessons.map((l) => Date.parse(l.start)));
  const l0 = performance.now();
  await store.ensureLoaded(first);
  const olderLoadMs = performance.now() - l0;
  const t0 = performance.now();
  const year = expandLessons(lessons, store.occurrenceIndex, closures, { start: new Date(first).toISOString(), end: new Date(first + 364 * 86_400_000).toISOString() }, tz);
  const yearExpandMs = performance.now() - t0;
  const runs: ExpansionFigures['runs'] = [];
  const today = DateTime.now().setZone(tz);
  for (const view of ['week', 'month', 'day'] as const) {
    for (let i = -Math.floor(weeks / 2); i < Math.ceil(weeks / 2); i += 1) {
      const anchor = today.plus({ weeks: i }).toISODate()!;
      const range = viewRange(view, anchor, tz, settings?.weekStartsOn || 1);
      const a = performance.now();
      const occ = expandLessons(lessons, store.occurrenceIndex, closures, range, tz);
      const b = performance.now();
      conflictedIds(occ);
      const c = performance.now();
      runs.push({ view, anchor, occurrences: occ.length, expandMs: b - a, conflictsMs: c - b });
    }
  }
  return { lessons: lessons.length, occurrenceDocs: store.occurrencesById.size, storeLoadMs: store.loadMs, loadPhases: { ...store.loadPhases }, initialOccurrenceDocs, olderLoadMs, occurrencesInYear: year.length, yearExpandMs, runs };
}
