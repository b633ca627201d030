/**
 * E-mail reminders of tomorrow's lessons (docs/email-templates.md "Lesson reminders"):
 *
 * - opt-in: only families with `lessonReminders === true` (and not archived);
 * - "tomorrow" is the day after today in the PRACTICE time zone, whatever the laptop's zone; it is
 *   a local day, so 23 hours long at the end of March and 25 at the end of October in Europe/London;
 * - a family's lessons of the day (several children, several lessons) make ONE message;
 * - lessons cancelled (for the student or the whole lesson), on closed days, or of students who
 *   are not active are left out;
 * - the message id is deterministic, `lesson-reminder-<familyId>-<YYYY-MM-DD>`: two laptops
 *   working out the same reminder queue the same id, and the second insert is refused (and the
 *   host's journal sends an id at most once), so a family never gets two.
 *
 * Pure: no Electron, React or DOM.
 */
import { DateTime } from 'luxon';
import { expandLessons, isActive, studentAttendance } from '../schedule/expand';
import { localDaysRange, toMs } from '../schedule/time';
import type { Closure, Family, Lesson, Occurrence, Staff, Student } from '../model/types';
import type { MailValues } from './templates';

export interface LessonReminderInput {
  /** Occurrence documents (attendance, moves, substitutes); the lessons are expanded here. */
  occurrences: readonly Occurrence[];
  lessons: readonly Lesson[];
  students: Iterable<Student>;
  families: Iterable<Family>;
  staff: Iterable<Pick<Staff, 'id' | 'name'>>;
  /** Practice closures: lessons of a closed day are not reminded. */
  closures?: readonly Closure[];
  now: Date;
  /** The practice time zone (IANA). */
  timeZone: string;
  /** Ids of reminder messages that exist already (queued, sent, failed or cancelled). */
  alreadySent: ReadonlySet<string> | readonly string[];
}

export interface ReminderLesson {
  occurrenceId: string;
  /** ISO instant. */
  start: string;
  subject: string;
  tutorName: string;
  /** The family's students in this lesson. */
  studentIds: string[];
}

export interface LessonReminder {
  /** `lesson-reminder-<familyId>-<YYYY-MM-DD>`: the outbox message id. */
  id: string;
  familyId: string;
  /** The lessons' day, YYYY-MM-DD in the practice time zone. */
  date: string;
  /** In time order. */
  lessons: ReminderLesson[];
  /** The family's students with a lesson that day, in the order of their first lesson. */
  studentIds: string[];
  /** The template's values. */
  values: MailValues;
}

export function lessonReminderId(familyId: string, date: string): string {
  return `lesson-reminder-${familyId}-${date}`;
}

/** The day after `now`'s day in `timeZone`, YYYY-MM-DD. */
export function tomorrowIn(timeZone: string, now: Date): string {
  const today = DateTime.fromMillis(now.getTime(), { zone: timeZone });
  if (!today.isValid) throw new Error(`Unknown time zone "${timeZone}"`);
  return today.plus({ days: 1 }).toISODate()!;
}

/** The reminders to queue now: one per opted-in family with lessons tomorrow, not queued before. */
export function lessonRemindersDue(input: LessonReminderInput): LessonReminder[] {
  const date = tomorrowIn(input.timeZone, input.now);
  const range = localDaysRange(date, date, input.timeZone);
  const fromMs = toMs(range.start);
  const toMs_ = toMs(range.end);
  const done = input.alreadySent instanceof Set ? input.alreadySent : new Set(input.alreadySent as readonly string[]);
  const students = new Map<string, Student>();
  for (const s of input.students) students.set(s.id, s);
  const families = new Map<string, Family>();
  for (const f of input.families) families.set(f.id, f);
  const staffNames = new Map<string, string>();
  for (const s of input.staff) staffNames.set(s.id, s.name);

  const byFamily = new Map<string, LessonReminder>();
  const expanded = expandLessons(input.lessons, input.occurrences, input.closures ?? [], range, input.timeZone, { includeClosed: false });
  for (const o of expanded) {
    // Starting tomorrow (a lesson from late today running past midnight is today's).
    if (o.startMs < fromMs || o.startMs >= toMs_ || !isActive(o)) continue;
    for (const studentId of o.studentIds) {
      if (studentAttendance(o, studentId).startsWith('cancelled')) continue;
      const student = students.get(studentId);
      if (!student || student.status !== 'active') continue;
      const family = families.get(student.familyId);
      if (!family || family.archived || family.lessonReminders !== true) continue;
      const id = lessonReminderId(family.id, date);
      if (done.has(id)) continue;
      let r = byFamily.get(family.id);
      if (!r) byFamily.set(family.id, (r = { id, familyId: family.id, date, lessons: [], studentIds: [], values: {} }));
      let lesson = r.lessons.find((l) => l.occurrenceId === o.id);
      if (!lesson) {
        lesson = { occurrenceId: o.id, start: o.start, subject: o.subject, tutorName: staffNames.get(o.tutorId) ?? '', studentIds: [] };
        r.lessons.push(lesson);
      }
      lesson.studentIds.push(studentId);
    }
  }
  const out = [...byFamily.values()];
  for (const r of out) {
    r.lessons.sort((a, b) => toMs(a.start) - toMs(b.start) || (a.occurrenceId < b.occurrenceId ? -1 : 1));
    for (const l of r.lessons) for (const s of l.studentIds) if (!r.studentIds.includes(s)) r.studentIds.push(s);
    const family = families.get(r.familyId)!;
    const firstName = (id: string) => students.get(id)?.firstName ?? '';
    r.values = {
      family: { name: family.name, contactName: family.contactName },
      students: r.studentIds.map(firstName),
      lessons: r.lessons.map((l) => ({ start: l.start, subject: l.subject, tutor: l.tutorName, students: l.studentIds.map(firstName) })),
    };
  }
  return out.sort((a, b) => (a.familyId < b.familyId ? -1 : a.familyId > b.familyId ? 1 : 0));
}
