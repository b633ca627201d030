/**
 * Benchmark hooks of the schedule (test build only, installed with `?testHooks`): `seedSchedule`
 * writes a large schedule, and `benchScheduleExpansion` times the pure expansion of visible ranges
 * and the conflict sweep over the in-memory schedule store, bypassing the view cache, so the
 * figures are the cost of "expand only the visible range" itself.
 */
import { DateTime } from 'luxon';
import { stampChange } from '../../../src-shared/model/meta';
import type { Staff } from '../../../src-shared/model/types';
import { createLesson, expandLessons, generateSampleSchedule } from '../../../src-shared/schedule';
import { conflictedIds } from '../../../src-shared/schedule/conflicts';
import { viewRange, type CalendarView } from '../../../src-shared/schedule/calendar';
import type { TutorDatabase } from '../data';
import { scheduleStoreFor } from '../features/schedule';

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
  const year = expandLessons(
    lessons,
    store.occurrenceIndex,
    closures,
    { start: new Date(first).toISOString(), end: new Date(first + 364 * 86_400_000).toISOString() },
    tz,
  );
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
  return {
    lessons: lessons.length,
    occurrenceDocs: store.occurrencesById.size,
    storeLoadMs: store.loadMs,
    loadPhases: { ...store.loadPhases },
    initialOccurrenceDocs,
    olderLoadMs,
    occurrencesInYear: year.length,
    yearExpandMs,
    runs,
  };
}

const BENCH_COLOURS = ['#4f46e5', '#0891b2', '#db2777', '#ea580c', '#16a34a', '#7c3aed', '#0d9488', '#b45309', '#be123c', '#2563eb'];

/**
 * `series` weekly series starting `weeksBack` weeks ago with the practice's
 * students and staff, plus `extraTutors` new tutors (a centre of that size has many tutors, so
 * the lessons do not all double-book five people). Past lessons get attendance documents.
 * Inserted in chunks.
 */
export async function seedSchedule(
  db: TutorDatabase,
  series: number,
  weeksBack = 26,
  extraTutors = 0,
): Promise<{ lessons: number; occurrences: number }> {
  const settings = (await db.settings.findOne('practice').exec())?.toJSON();
  const tz = settings?.timeZone ?? 'Europe/London';
  const currency = settings?.currency ?? 'GBP';
  const ctx = { staffId: 'bench', deviceId: 'bench', now: new Date() };
  const tutors = Array.from({ length: extraTutors }, (_, i) =>
    stampChange<Staff>(
      undefined,
      {
        name: `Tutor ${String(i + 1).padStart(3, '0')}`,
        email: `tutor${i + 1}@bench.example`,
        phone: '',
        role: 'tutor',
        payRate: { amount: 3000, currency },
        payUnit: 'hour',
        colour: BENCH_COLOURS[i % BENCH_COLOURS.length]!,
        username: '',
        active: true,
      },
      ctx,
      () => `bench-tutor-${i + 1}`,
    ),
  );
  if (tutors.length) await db.staff.bulkInsert(tutors);
  const staff = (await db.staff.find().exec()).map((d) => d.id);
  const students = (await db.students.find().exec()).map((d) => d.id);
  if (!staff.length || !students.length) throw new Error('Load a practice with staff and students first');
  const generated = generateSampleSchedule({
    tutorIds: staff,
    studentIds: students,
    timeZone: tz,
    series,
    from: DateTime.now().setZone(tz).minus({ weeks: weeksBack }).toISODate()!,
    now: new Date(),
    seed: 99,
  });
  const chunk = 5000;
  await db.lessons.bulkInsert(generated.lessons);
  for (let i = 0; i < generated.occurrences.length; i += chunk) await db.occurrences.bulkInsert(generated.occurrences.slice(i, i + chunk));
  await db.closures.bulkInsert(generated.closures);
  return { lessons: generated.lessons.length, occurrences: generated.occurrences.length };
}

/**
 * `count` one-off lessons of `minutes` at local `date` `time` in the practice zone, each with
 * another student and tutor (a crowded hour of a centre, for the time grid's "+N more").
 */
export async function bookOverlapping(
  db: TutorDatabase,
  date: string,
  time: string,
  count: number,
  minutes = 60,
): Promise<{ subject: string; student: string }[]> {
  const settings = (await db.settings.findOne('practice').exec())?.toJSON();
  const tz = settings?.timeZone ?? 'Europe/London';
  const staff = (await db.staff.find().exec()).map((d) => d.toJSON()).filter((s) => s.active);
  const students = (await db.students.find({ sort: [{ lastName: 'asc' }] }).exec()).map((d) => d.toJSON());
  if (!staff.length || students.length < count) throw new Error('Load a practice with staff and enough students first');
  const subjects = ['Maths', 'English', 'Physics', 'Chemistry', 'Biology', 'French', 'Spanish', 'Piano', 'History', 'Geography'];
  const start = DateTime.fromISO(`${date}T${time}`, { zone: tz }).toUTC().toISO()!;
  const ctx = { staffId: 'e2e', deviceId: 'e2e', now: new Date() };
  const lessons = Array.from({ length: count }, (_, i) =>
    createLesson(
      {
        tutorId: staff[i % staff.length]!.id,
        studentIds: [students[i]!.id],
        subject: `${subjects[i % subjects.length]}${i >= subjects.length ? ` ${Math.floor(i / subjects.length) + 1}` : ''}`,
        start,
        durationMinutes: minutes,
        timeZone: tz,
        rrule: '',
      },
      ctx,
      () => `e2e-crowd-${date}-${time.replace(':', '')}-${i}`,
    ),
  );
  await db.lessons.bulkInsert(lessons);
  return lessons.map((l, i) => ({ subject: l.subject, student: `${students[i]!.firstName} ${students[i]!.lastName}`.trim() }));
}
