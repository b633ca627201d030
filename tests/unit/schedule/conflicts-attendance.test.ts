import { describe, expect, it } from 'vitest';
import type { PracticeSettings } from '../../../src-shared/model/types';
import { expandLessons } from '../../../src-shared/schedule/expand';
import { createLesson, overrideOccurrence, writeOccurrence } from '../../../src-shared/schedule/edit';
import { describeConflict, findAllConflicts, findConflicts, findLessonConflicts, slotOf } from '../../../src-shared/schedule/conflicts';
import {
  availableCreditsByStudent,
  billableStudents,
  canBookMakeup,
  cancelByStudent,
  classifyCancellation,
  isOccurrencePayable,
  makeupCredits,
  markRestOfDayAttended,
  recordAttendance,
} from '../../../src-shared/schedule/attendance';
import { dueReminders, nextReminderAt, reminderKey, reminderText } from '../../../src-shared/schedule/reminders';
import { localDaysRange } from '../../../src-shared/schedule/time';
import { at, ctx, ctxAt, lesson } from './fixtures';

const LON = 'Europe/London';
const day = (d: string) => localDaysRange(d, d, LON);
const settings: PracticeSettings['attendance'] = {
  billable: ['attended', 'cancelled_student_late', 'no_show'],
  payable: ['attended', 'cancelled_student_late', 'no_show'],
  cancellationNoticeHours: 24,
  makeupForInTimeCancellation: true,
};
const names = {
  tutorName: (id: string) => ({ 'tutor-1': 'Emily Chen', 'tutor-2': 'James Okoro' })[id] ?? id,
  studentName: (id: string) => ({ 'student-1': 'Olivia Smith', 'student-2': 'Noah Patel', 'student-3': 'Ava Khan' })[id] ?? id,
  timeZone: LON,
};

describe('conflicts', () => {
  const maths = () =>
    lesson(
      { start: at('2025-03-10T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO', tutorId: 'tutor-1', studentIds: ['student-1'], room: 'Room 1' },
      'maths',
    );

  it('finds tutor, student and room double bookings and names the other lesson', () => {
    const others = expandLessons([maths()], [], [], day('2025-03-17'), LON);
    const slot = {
      start: at('2025-03-17T16:30', LON),
      end: at('2025-03-17T17:30', LON),
      tutorId: 'tutor-1',
      studentIds: ['student-1', 'student-2'],
      room: ' room 1 ',
    };
    const conflicts = findConflicts(slot, others);
    expect(conflicts.map((c) => c.kind).sort()).toEqual(['room', 'student', 'tutor']);
    const student = conflicts.find((c) => c.kind === 'student')!;
    expect(student.shared).toEqual(['student-1']);
    expect(student.overlapStart).toBe(at('2025-03-17T16:30', LON));
    expect(student.overlapEnd).toBe(at('2025-03-17T17:00', LON));
    expect(
      describeConflict(
        conflicts.find((c) => c.kind === 'tutor')!,
        names,
      ),
    ).toBe('Emily Chen is already teaching Maths (Olivia Smith) on Mon 17 Mar, 16:00–17:00.');
    expect(describeConflict(student, names)).toBe(
      'Olivia Smith is already booked for Maths (Olivia Smith) with Emily Chen on Mon 17 Mar, 16:00–17:00.',
    );
    expect(
      describeConflict(
        conflicts.find((c) => c.kind === 'room')!,
        names,
      ),
    ).toBe('Room 1 is already used by Maths (Olivia Smith) on Mon 17 Mar, 16:00–17:00.');
  });

  it('touching intervals, other people and cancelled or closed lessons do not conflict', () => {
    const l = maths();
    const cancelled = writeOccurrence(l, at('2025-03-24T16:00', LON), null, { status: 'cancelled_tutor' }, ctx);
    const others = expandLessons([l], [cancelled], [], localDaysRange('2025-03-17', '2025-03-24', LON), LON);
    const touching = {
      start: at('2025-03-17T17:00', LON),
      end: at('2025-03-17T18:00', LON),
      tutorId: 'tutor-1',
      studentIds: ['student-1'],
      room: 'Room 1',
    };
    expect(findConflicts(touching, others)).toEqual([]);
    const before = { ...touching, start: at('2025-03-17T15:00', LON), end: at('2025-03-17T16:00', LON) };
    expect(findConflicts(before, others)).toEqual([]);
    const otherPeople = {
      start: at('2025-03-17T16:00', LON),
      end: at('2025-03-17T17:00', LON),
      tutorId: 'tutor-2',
      studentIds: ['student-2'],
      room: '',
    };
    expect(findConflicts(otherPeople, others)).toEqual([]);
    const onCancelled = { ...touching, start: at('2025-03-24T16:00', LON), end: at('2025-03-24T17:00', LON) };
    expect(findConflicts(onCancelled, others)).toEqual([]);
  });

  it('checks a dragged occurrence against its new slot but not against itself', () => {
    const l = maths();
    const other = lesson({ start: at('2025-03-18T10:00', LON), tutorId: 'tutor-1', studentIds: ['student-3'] }, 'english');
    const expanded = expandLessons([l, other], [], [], localDaysRange('2025-03-17', '2025-03-18', LON), LON);
    const monday = expanded.find((o) => o.lessonId === 'maths')!;
    expect(findConflicts(slotOf(monday), expanded)).toEqual([]);
    const dragged = findConflicts(slotOf(monday, { start: at('2025-03-18T10:30', LON) }), expanded);
    expect(dragged.map((c) => [c.kind, c.other.lessonId])).toEqual([['tutor', 'english']]);
  });

  it('checks every lesson of a new series over a range', () => {
    const existing = maths();
    const draft = createLesson(
      {
        tutorId: 'tutor-2',
        studentIds: ['student-1'],
        start: at('2025-03-12T16:30', LON),
        timeZone: LON,
        rrule: 'FREQ=WEEKLY;BYDAY=WE,MO',
      },
      ctx,
      () => 'draft',
    );
    const conflicts = findLessonConflicts(draft, [existing, draft], [], [], localDaysRange('2025-03-01', '2025-03-31', LON), LON);
    // Mondays 17, 24, 31 at 16:30 overlap the Monday 16:00 maths lesson for student-1.
    expect(conflicts.map((c) => `${c.kind} ${c.candidateStart}`)).toEqual([
      `student ${at('2025-03-17T16:30', LON)}`,
      `student ${at('2025-03-24T16:30', LON)}`,
      `student ${at('2025-03-31T16:30', LON)}`,
    ]);
  });

  it('flags all existing double bookings in a range (two laptops booked the same slot)', () => {
    const a = lesson({ start: at('2025-03-17T16:00', LON), tutorId: 'tutor-1', studentIds: ['student-1'] }, 'laptop-a');
    const b = lesson({ start: at('2025-03-17T16:30', LON), tutorId: 'tutor-1', studentIds: ['student-2'] }, 'laptop-b');
    const c = lesson({ start: at('2025-03-17T17:00', LON), tutorId: 'tutor-2', studentIds: ['student-3'] }, 'separate');
    const d = lesson({ start: at('2025-03-17T18:00', LON), tutorId: 'tutor-1', studentIds: ['student-1'] }, 'later');
    const expanded = expandLessons([a, b, c, d], [], [], day('2025-03-17'), LON);
    const { pairs, byOccurrence } = findAllConflicts(expanded);
    expect(pairs.map((p) => [p.a.lessonId, p.b.lessonId, p.kinds])).toEqual([['laptop-a', 'laptop-b', ['tutor']]]);
    expect([...byOccurrence.keys()].sort()).toEqual([expanded[0]!.id, expanded[1]!.id].sort());
    expect(byOccurrence.get(expanded[1]!.id)![0]!.other.lessonId).toBe('laptop-a');
  });
});

describe('attendance and cancellations', () => {
  it('classifies a student cancellation by the notice window', () => {
    const start = '2025-03-17T16:00:00.000Z';
    expect(classifyCancellation(start, '2025-03-16T16:00:00.000Z', 24)).toBe('cancelled_student_in_time');
    expect(classifyCancellation(start, '2025-03-16T16:00:01.000Z', 24)).toBe('cancelled_student_late');
    expect(classifyCancellation(start, '2025-03-17T10:00:00.000Z', 6)).toBe('cancelled_student_in_time');
    expect(classifyCancellation(start, '2025-03-17T10:00:00.000Z', 0)).toBe('cancelled_student_in_time');
  });

  it('records per-student attendance for a group and derives billable and payable', () => {
    const group = lesson({ start: at('2025-03-17T16:00', LON), studentIds: ['student-1', 'student-2'] }, 'group');
    const [o] = expandLessons([group], [], [], day('2025-03-17'), LON);
    const doc = recordAttendance(o!, 'no_show', ctx, { studentId: 'student-2' });
    expect(doc.status).toBe('scheduled');
    const [o2] = expandLessons([group], [doc], [], day('2025-03-17'), LON);
    expect(billableStudents(o2!, settings)).toEqual(['student-2']);
    const doc2 = recordAttendance(o2!, 'attended', ctx, { studentId: 'student-1' });
    const [o3] = expandLessons([group], [doc2], [], day('2025-03-17'), LON);
    expect(billableStudents(o3!, settings)).toEqual(['student-1', 'student-2']);
    expect(isOccurrencePayable(o3!, settings)).toBe(true);
    const doc3 = recordAttendance(o3!, 'cancelled_tutor', ctx);
    const [o4] = expandLessons([group], [doc3], [], day('2025-03-17'), LON);
    expect(o4!.studentStatus).toEqual({});
    expect(billableStudents(o4!, settings)).toEqual([]);
    expect(isOccurrencePayable(o4!, settings)).toBe(false);
  });

  it('grants a make-up credit for an in-time cancellation and a make-up lesson consumes it', () => {
    const weekly = lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO', studentIds: ['student-1'] }, 'weekly');
    const [mar17] = expandLessons([weekly], [], [], day('2025-03-17'), LON);
    const [mar24] = expandLessons([weekly], [], [], day('2025-03-24'), LON);
    const inTime = cancelByStudent(mar17!, ctxAt('2025-03-15T10:00:00Z'), settings);
    expect(inTime).toMatchObject({ status: 'cancelled_student_in_time', grantsMakeup: true });
    const late = cancelByStudent(mar24!, ctxAt('2025-03-24T12:00:00Z'), settings);
    expect(late.status).toBe('cancelled_student_late');
    let occs = [inTime.occurrence, late.occurrence];
    let lessons = [weekly];
    expect(makeupCredits('student-1', lessons, occs, settings).available.map((c) => c.occurrenceId)).toEqual([mar17!.id]);
    expect(makeupCredits('student-1', lessons, occs, { ...settings, makeupForInTimeCancellation: false }).available).toEqual([]);
    // A manual grant (e.g. for the late cancellation) also counts.
    occs = [inTime.occurrence, writeOccurrence(weekly, mar24!.originalStart, late.occurrence, { makeupGranted: true }, ctx)];
    expect(availableCreditsByStudent(lessons, occs, settings).get('student-1')).toBe(2);
    expect(canBookMakeup('student-1', mar17!.id, lessons, occs, settings)).toBe(true);
    const makeup = createLesson(
      {
        tutorId: 'tutor-1',
        studentIds: ['student-1'],
        start: at('2025-03-20T10:00', LON),
        timeZone: LON,
        makeupForOccurrenceId: mar17!.id,
      },
      ctx,
      () => 'makeup',
    );
    lessons = [weekly, makeup];
    const credits = makeupCredits('student-1', lessons, occs, settings);
    expect(credits.consumed.map((c) => [c.occurrenceId, c.consumedByLessonId])).toEqual([[mar17!.id, 'makeup']]);
    expect(credits.available.map((c) => c.occurrenceId)).toEqual([mar24!.id]);
    expect(canBookMakeup('student-1', mar17!.id, lessons, occs, settings)).toBe(false);
    // Cancelling the make-up lesson gives the credit back.
    expect(makeupCredits('student-1', [weekly, { ...makeup, cancelled: true }], occs, settings).available).toHaveLength(2);
    // Another student cannot use it.
    expect(canBookMakeup('student-2', mar24!.id, lessons, occs, settings)).toBe(false);
  });

  it("marks the rest of today's started lessons attended, leaving marked, cancelled and upcoming ones", () => {
    const a = lesson({ start: at('2025-03-17T09:00', LON) }, 'a');
    const b = lesson({ start: at('2025-03-17T11:00', LON), tutorId: 'tutor-2' }, 'b');
    const c = lesson({ start: at('2025-03-17T13:00', LON) }, 'c');
    const d = lesson({ start: at('2025-03-17T18:00', LON) }, 'd');
    const e = lesson({ start: at('2025-03-18T09:00', LON) }, 'e');
    const cNoShow = writeOccurrence(c, c.start, null, { status: 'no_show' }, ctx);
    const expanded = expandLessons([a, b, c, d, e], [cNoShow], [], localDaysRange('2025-03-17', '2025-03-18', LON), LON);
    const now = ctxAt(at('2025-03-17T15:00', LON));
    expect(markRestOfDayAttended(expanded, '2025-03-17', LON, now).map((o) => [o.lessonId, o.status])).toEqual([
      ['a', 'attended'],
      ['b', 'attended'],
    ]);
    expect(
      markRestOfDayAttended(expanded, '2025-03-17', LON, now, { tutorId: 'tutor-1', includeUpcoming: true }).map((o) => o.lessonId),
    ).toEqual(['a', 'd']);
  });
});

describe('reminders', () => {
  it('reminds once, N minutes before, and again after a move', () => {
    const l = lesson(
      { start: at('2025-03-17T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', studentIds: ['student-1'], room: '2' },
      'daily',
    );
    const expanded = expandLessons([l], [], [], localDaysRange('2025-03-17', '2025-03-18', LON), LON);
    expect(dueReminders(expanded, at('2025-03-17T15:44', LON), 15, [])).toEqual([]);
    const due = dueReminders(expanded, at('2025-03-17T15:45', LON), 15, []);
    expect(due.map((r) => r.occurrence.start)).toEqual([at('2025-03-17T16:00', LON)]);
    expect(reminderText(due[0]!, names, at('2025-03-17T15:45', LON))).toEqual({
      title: 'Maths at 16:00',
      body: 'Olivia Smith · Room 2 · in 15 min',
    });
    const notified = new Set(due.map((r) => r.key));
    expect(dueReminders(expanded, at('2025-03-17T15:50', LON), 15, notified)).toEqual([]);
    expect(dueReminders(expanded, at('2025-03-17T16:00', LON), 15, [])).toEqual([]); // started: too late
    expect(nextReminderAt(expanded, at('2025-03-17T15:50', LON), 15, notified)).toBe(Date.parse(at('2025-03-18T15:45', LON)));
    const moved = overrideOccurrence(l, at('2025-03-17T16:00', LON), null, { start: at('2025-03-17T17:00', LON) }, ctx);
    const again = expandLessons([l], [moved], [], localDaysRange('2025-03-17', '2025-03-17', LON), LON);
    const dueMoved = dueReminders(again, at('2025-03-17T16:50', LON), 15, notified);
    expect(dueMoved.map((r) => r.key)).toEqual([reminderKey(again[0]!)]);
    // Cancelled lessons are not reminded.
    const cancelled = recordAttendance(again[0]!, 'cancelled_tutor', ctx);
    expect(dueReminders(expandLessons([l], [cancelled], [], day('2025-03-17'), LON), at('2025-03-17T16:50', LON), 15, [])).toEqual([]);
  });
});
