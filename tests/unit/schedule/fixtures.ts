import { DateTime } from 'luxon';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { Closure, Lesson, Occurrence } from '../../../src-shared/model/types';
import { createLesson, type LessonValues } from '../../../src-shared/schedule/edit';
import { stampChange } from '../../../src-shared/model/meta';

export const ctx: ChangeContext = { staffId: 'staff-1', deviceId: 'laptop-a', now: new Date('2025-01-01T09:00:00Z') };
export function ctxAt(iso: string, deviceId = 'laptop-a'): ChangeContext {
  return { staffId: 'staff-1', deviceId, now: new Date(iso) };
}

let counter = 0;
export function ids(prefix = 'id'): () => string {
  return () => `${prefix}-${++counter}`;
}

/** Instant of a wall-clock time in a zone, e.g. at('2025-03-24T16:00', 'Europe/London'). */
export function at(local: string, zone: string): string {
  return DateTime.fromISO(local, { zone }).toUTC().toISO()!;
}

/** Wall-clock 'YYYY-MM-DDTHH:mm' of an instant in a zone. */
export function wall(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat("yyyy-LL-dd'T'HH:mm");
}

export function lesson(values: Partial<LessonValues> & { start: string }, id?: string): Lesson {
  return createLesson(
    { tutorId: 'tutor-1', studentIds: ['student-1'], subject: 'Maths', timeZone: 'Europe/London', durationMinutes: 60, ...values },
    ctx,
    id ? () => id : ids('lesson'),
  );
}

export function closure(startDate: string, endDate: string, label: string): Closure {
  return stampChange<Closure>(undefined, { startDate, endDate, label }, ctx, ids('closure'));
}

export type { Occurrence };
