/**
 * Sample lessons for "Load a sample practice" (a realistic week of weekly series spread over the
 * tutors, with past attendance, a skipped and a moved lesson, and holidays), and the benchmark /
 * test seeding of a large schedule. Both use generateSampleSchedule from src-shared/schedule.
 */
import { DateTime } from 'luxon';
import { stampChange } from '../../../../src-shared/model/meta';
import type { Lesson, Occurrence, Staff } from '../../../../src-shared/model/types';
import type { SamplePractice } from '../../../../src-shared/sample/generate';
import { conflictsBetween, expandLessons, generateSampleSchedule, localDaysRange } from '../../../../src-shared/schedule';
import type { TutorDatabase } from '../../data';
import { insertAllOrNothing } from '../../data';

/** Keeps only series that do not double-book a tutor, student or room in their first fortnight. */
function withoutClashes(lessons: Lesson[], occurrences: Occurrence[], tz: string, from: string): { lessons: Lesson[]; occurrences: Occurrence[] } {
  const range = localDaysRange(from, DateTime.fromISO(from).plus({ days: 20 }).toISODate()!, tz);
  const kept: Lesson[] = [];
  let keptOccurrences = expandLessons([], occurrences, [], range, tz);
  for (const l of lessons) {
    const mine = expandLessons([l], occurrences, [], range, tz);
    if (conflictsBetween(mine, keptOccurrences).length) continue;
    kept.push(l);
    keptOccurrences = keptOccurrences.concat(mine);
  }
  const ids = new Set(kept.map((l) => l.id));
  return { lessons: kept, occurrences: occurrences.filter((o) => ids.has(o.lessonId)) };
}

/** Extender for the sample practice: about one weekly lesson per active student (five tutors: at most 120 a week). */
export async function addSampleLessons(db: TutorDatabase, practice: SamplePractice): Promise<void> {
  const tz = practice.settings.timeZone;
  const tutorIds = practice.staff.filter((s) => s.active).map((s) => s.id);
  const studentIds = practice.students.filter((s) => s.status === 'active').map((s) => s.id);
  if (!tutorIds.length || !studentIds.length) return;
  const now = new Date();
  const from = DateTime.now().setZone(tz).minus({ weeks: 6 }).toISODate()!;
  const generated = generateSampleSchedule({
    tutorIds,
    studentIds,
    timeZone: tz,
    series: Math.min(120, Math.round(studentIds.length * 1.1)),
    from,
    now,
    seed: 21,
    deviceId: practice.settings.deviceId,
  });
  const { lessons, occurrences } = withoutClashes(generated.lessons, generated.occurrences, tz, from);
  await insertAllOrNothing(db, [
    { collection: 'lessons', docs: lessons },
    { collection: 'occurrences', docs: occurrences },
    { collection: 'closures', docs: generated.closures },
  ]);
}

const BENCH_COLOURS = ['#4f46e5', '#0891b2', '#db2777', '#ea580c', '#16a34a', '#7c3aed', '#0d9488', '#b45309', '#be123c', '#2563eb'];

/**
 * Test/benchmark hook: `series` weekly series starting `weeksBack` weeks ago with the practice's
 * students and staff, plus `extraTutors` new tutors (a centre of that size has many tutors, so
 * the lessons do not all double-book five people). Past lessons get attendance documents.
 * Inserted in chunks.
 */
export async function seedSchedule(db: TutorDatabase, series: number, weeksBack = 26, extraTutors = 0): Promise<{ lessons: number; occurrences: number }> {
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
