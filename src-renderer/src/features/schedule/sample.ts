/**
 * Sample lessons for "Load a sample practice" (a realistic week of weekly series spread over the
 * tutors, with past attendance, a skipped and a moved lesson, and holidays), made with
 * generateSampleSchedule from src-shared/schedule.
 */
import { DateTime } from 'luxon';
import type { Lesson, Occurrence } from '../../../../src-shared/model/types';
import type { SamplePractice } from '../../../../src-shared/sample/generate';
import { conflictsBetween, expandLessons, generateSampleSchedule, localDaysRange } from '../../../../src-shared/schedule';
import type { TutorDatabase } from '../../data';
import { insertAllOrNothing } from '../../data';

/** Keeps only series that do not double-book a tutor, student or room in their first fortnight. */
function withoutClashes(
  lessons: Lesson[],
  occurrences: Occurrence[],
  tz: string,
  from: string,
): { lessons: Lesson[]; occurrences: Occurrence[] } {
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
