/**
 * Attendance, cancellations and make-up credits.
 *
 * - Each occurrence has a status (Occurrence.status); a group lesson may record a different status
 *   per student (Occurrence.studentStatus[studentId], falling back to the occurrence status).
 * - A student cancellation is "in time" when notice >= settings.attendance.cancellationNoticeHours.
 * - Billable / payable statuses come from the practice settings (the billing issue reads them).
 * - Make-up credits are derived, never stored as counters (so two laptops cannot double count):
 *   a student earns one credit per occurrence that they cancelled in time while the practice setting
 *   `makeupForInTimeCancellation` is on, or any occurrence with `makeupGranted` set by hand (e.g. a
 *   tutor cancellation) that the student did not attend. A non-cancelled Lesson with
 *   `makeupForOccurrenceId` = that occurrence id and the student among its students consumes it.
 */
import type { ChangeContext } from '../model/meta';
import type { AttendanceStatus, Lesson, Occurrence, PracticeSettings } from '../model/types';
import { writeOccurrence } from './edit';
import { isActive, parseOccurrenceId, studentAttendance, type ExpandedOccurrence } from './expand';
import { HOUR_MS, localDate, toMs } from './time';

export type AttendanceSettings = PracticeSettings['attendance'];
export type StudentCancellation = 'cancelled_student_in_time' | 'cancelled_student_late';

/** In time when the notice (lesson start − moment of cancelling) is at least `noticeHours`. */
export function classifyCancellation(
  lessonStart: string | number,
  cancelledAt: string | number | Date,
  noticeHours: number,
): StudentCancellation {
  const notice = toMs(lessonStart) - toMs(cancelledAt);
  return notice >= noticeHours * HOUR_MS ? 'cancelled_student_in_time' : 'cancelled_student_late';
}

export function isBillable(status: AttendanceStatus, settings: AttendanceSettings): boolean {
  return settings.billable.includes(status);
}

export function isPayable(status: AttendanceStatus, settings: AttendanceSettings): boolean {
  return settings.payable.includes(status);
}

/** Students of an occurrence whose attendance is billable to their family. */
export function billableStudents(
  o: Pick<ExpandedOccurrence, 'studentIds' | 'status' | 'studentStatus' | 'closed'>,
  settings: AttendanceSettings,
): string[] {
  if (o.closed) return [];
  return o.studentIds.filter((s) => isBillable(studentAttendance(o, s), settings));
}

/** True when the tutor is paid for the occurrence (any student's status is payable). */
export function isOccurrencePayable(
  o: Pick<ExpandedOccurrence, 'studentIds' | 'status' | 'studentStatus' | 'closed'>,
  settings: AttendanceSettings,
): boolean {
  if (o.closed) return false;
  if (o.studentIds.length === 0) return isPayable(o.status, settings);
  return o.studentIds.some((s) => isPayable(studentAttendance(o, s), settings));
}

/**
 * Records an attendance status: for the whole occurrence, or for one student of a group lesson
 * (`studentId`). Returns the Occurrence document to write.
 */
export function recordAttendance(
  o: ExpandedOccurrence,
  status: AttendanceStatus,
  ctx: ChangeContext,
  opts: { studentId?: string; makeupGranted?: boolean } = {},
): Occurrence {
  const values: Partial<Occurrence> = { statusChangedAt: ctx.now.toISOString() };
  if (opts.studentId) {
    if (!o.studentIds.includes(opts.studentId)) throw new Error(`Student ${opts.studentId} is not in this lesson`);
    const studentStatus = { ...o.studentStatus, [opts.studentId]: status };
    values.studentStatus = studentStatus;
    // When every student now has the same status, that is the occurrence's status too.
    const all = o.studentIds.map((s) => studentStatus[s] ?? o.status);
    if (all.every((s) => s === status)) values.status = status;
  } else {
    values.status = status;
    values.studentStatus = {};
  }
  if (opts.makeupGranted !== undefined) values.makeupGranted = opts.makeupGranted;
  return writeOccurrence(o.lesson, o.originalStart, o.occurrence, values, ctx);
}

/** A student cancels (now, or at `cancelledAt`): classified late / in time by the notice window. */
export function cancelByStudent(
  o: ExpandedOccurrence,
  ctx: ChangeContext,
  settings: AttendanceSettings,
  opts: { studentId?: string; cancelledAt?: string } = {},
): { status: StudentCancellation; occurrence: Occurrence; grantsMakeup: boolean } {
  const status = classifyCancellation(o.start, opts.cancelledAt ?? ctx.now.toISOString(), settings.cancellationNoticeHours);
  const occurrence = recordAttendance(o, status, ctx, opts.studentId ? { studentId: opts.studentId } : {});
  return { status, occurrence, grantsMakeup: status === 'cancelled_student_in_time' && settings.makeupForInTimeCancellation };
}

export interface MakeupCredit {
  /** The occurrence that earned the credit (what a make-up lesson's makeupForOccurrenceId names). */
  occurrenceId: string;
  lessonId: string;
  studentId: string;
  originalStart: string;
  subject: string;
  reason: AttendanceStatus;
  /** The make-up lesson that used it, '' while available. */
  consumedByLessonId: string;
}

function grantsCredit(occ: Occurrence, studentId: string, settings: AttendanceSettings): boolean {
  const status = occ.studentStatus[studentId] ?? occ.status;
  if (status === 'cancelled_student_in_time' && settings.makeupForInTimeCancellation) return true;
  return occ.makeupGranted && status !== 'attended';
}

/** All credits of all students (granted, with what consumed them). */
export function allMakeupCredits(
  lessons: readonly Lesson[],
  occurrences: readonly Occurrence[],
  settings: AttendanceSettings,
): MakeupCredit[] {
  const lessonById = new Map(lessons.map((l) => [l.id, l]));
  const consumers = new Map<string, Lesson[]>();
  for (const l of lessons) {
    if (!l.makeupForOccurrenceId || l.cancelled) continue;
    consumers.set(l.makeupForOccurrenceId, [...(consumers.get(l.makeupForOccurrenceId) ?? []), l]);
  }
  const out: MakeupCredit[] = [];
  for (const occ of occurrences) {
    const lesson = lessonById.get(occ.lessonId);
    if (!lesson) continue;
    const used = new Set<string>();
    for (const studentId of lesson.studentIds) {
      if (!grantsCredit(occ, studentId, settings)) continue;
      const by = (consumers.get(occ.id) ?? [])
        .filter((c) => c.studentIds.includes(studentId) && !used.has(c.id))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))[0];
      if (by) used.add(by.id);
      out.push({
        occurrenceId: occ.id,
        lessonId: lesson.id,
        studentId,
        originalStart: occ.originalStart,
        subject: lesson.subject,
        reason: occ.studentStatus[studentId] ?? occ.status,
        consumedByLessonId: by?.id ?? '',
      });
    }
  }
  return out.sort((a, b) => a.originalStart.localeCompare(b.originalStart) || a.studentId.localeCompare(b.studentId));
}

/** One student's make-up credits: `available` ones can be booked (oldest first). */
export function makeupCredits(
  studentId: string,
  lessons: readonly Lesson[],
  occurrences: readonly Occurrence[],
  settings: AttendanceSettings,
): { granted: MakeupCredit[]; available: MakeupCredit[]; consumed: MakeupCredit[] } {
  const granted = allMakeupCredits(lessons, occurrences, settings).filter((c) => c.studentId === studentId);
  return { granted, available: granted.filter((c) => !c.consumedByLessonId), consumed: granted.filter((c) => c.consumedByLessonId) };
}

/** Available credit count per student (for lists and the student header). */
export function availableCreditsByStudent(
  lessons: readonly Lesson[],
  occurrences: readonly Occurrence[],
  settings: AttendanceSettings,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of allMakeupCredits(lessons, occurrences, settings))
    if (!c.consumedByLessonId) out.set(c.studentId, (out.get(c.studentId) ?? 0) + 1);
  return out;
}

/** Checks that a make-up lesson for `studentId` may consume the credit of `occurrenceId`. */
export function canBookMakeup(
  studentId: string,
  occurrenceIdToConsume: string,
  lessons: readonly Lesson[],
  occurrences: readonly Occurrence[],
  settings: AttendanceSettings,
): boolean {
  if (!parseOccurrenceId(occurrenceIdToConsume)) return false;
  return makeupCredits(studentId, lessons, occurrences, settings).available.some((c) => c.occurrenceId === occurrenceIdToConsume);
}

/**
 * "Mark the rest of today's lessons attended": Occurrence docs for the occurrences of local day
 * `day` (YYYY-MM-DD in `timeZone`) that are still 'scheduled' (not closed, not cancelled) and have
 * started by ctx.now (all of the day's with `includeUpcoming`), optionally for one tutor. Students
 * of a group lesson who already have their own status keep it; a group lesson whose students all
 * have their own status is left out (nothing to mark).
 */
export function markRestOfDayAttended(
  occurrences: readonly ExpandedOccurrence[],
  day: string,
  timeZone: string,
  ctx: ChangeContext,
  opts: { tutorId?: string; includeUpcoming?: boolean } = {},
): Occurrence[] {
  const now = ctx.now.getTime();
  return occurrences
    .filter(
      (o) =>
        o.status === 'scheduled' &&
        // A group lesson whose students all have their own status already has nothing to mark.
        (o.studentIds.length === 0 || o.studentIds.some((s) => !(s in o.studentStatus))) &&
        isActive(o) &&
        localDate(o.startMs, timeZone) === day &&
        (opts.includeUpcoming || o.startMs <= now) &&
        (!opts.tutorId || o.tutorId === opts.tutorId),
    )
    .map((o) =>
      writeOccurrence(o.lesson, o.originalStart, o.occurrence, { status: 'attended', statusChangedAt: ctx.now.toISOString() }, ctx),
    );
}
