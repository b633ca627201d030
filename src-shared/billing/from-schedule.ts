/**
 * The bridge from the schedule to billing: expanded occurrences (src-shared/schedule/expand.ts)
 * become `BillableLesson`s, one per student of the occurrence (a group lesson bills each student
 * with their own attendance status, `studentAttendance`). Billing, reports and payroll then
 * decide what is billable/payable from the status and the practice's attendance policy.
 *
 * - Occurrences skipped because the practice was closed (`closed`) are left out: they did not
 *   take place and are not "scheduled" either.
 * - The payer is the student's CURRENT family (students move between families rarely; an invoice
 *   keeps the family it was issued to).
 * - Students that no longer exist are still returned with familyId '' so that reports count the
 *   lesson; billing ignores lessons without a family.
 */
import type { Money, Student } from '../model/types';
import { studentAttendance, type ExpandedOccurrence } from '../schedule/expand';
import type { BillableLesson } from './rates';

type OccurrenceLike = Pick<
  ExpandedOccurrence,
  'id' | 'lessonId' | 'start' | 'durationMinutes' | 'status' | 'studentStatus' | 'studentIds' | 'subject' | 'tutorId' | 'closed'
> & { lesson: { rateOverride: Money | null; makeupForOccurrenceId?: string } };

export function billableLessonsFromOccurrences(
  occurrences: Iterable<OccurrenceLike>,
  students: ReadonlyMap<string, Pick<Student, 'familyId'>> | Iterable<Pick<Student, 'id' | 'familyId'>>,
): BillableLesson[] {
  const familyOf = new Map<string, string>();
  if (students instanceof Map) {
    for (const [id, s] of students as ReadonlyMap<string, Pick<Student, 'familyId'>>) familyOf.set(id, s.familyId);
  } else {
    for (const s of students as Iterable<Pick<Student, 'id' | 'familyId'>>) familyOf.set(s.id, s.familyId);
  }
  const out: BillableLesson[] = [];
  for (const o of occurrences) {
    if (o.closed) continue;
    for (const studentId of o.studentIds) {
      out.push({
        occurrenceId: o.id,
        lessonId: o.lessonId,
        studentId,
        familyId: familyOf.get(studentId) ?? '',
        start: o.start,
        durationMinutes: o.durationMinutes,
        status: studentAttendance(o, studentId),
        subject: o.subject,
        tutorId: o.tutorId,
        rateOverride: o.lesson.rateOverride,
        ...(o.lesson.makeupForOccurrenceId ? { makeupForOccurrenceId: o.lesson.makeupForOccurrenceId } : {}),
      });
    }
  }
  return out;
}
