/**
 * Lesson reminders: tomorrow in the practice time zone (across the Europe/London clock changes),
 * opt-in families only, one message per family per day with all its lessons, cancelled and closed
 * lessons left out, and the deterministic id that keeps two laptops from both queueing it.
 */
import { describe, expect, it } from 'vitest';
import { lessonReminderId, lessonRemindersDue, tomorrowIn, type LessonReminderInput } from '../../../src-shared/mail/lesson-reminders';
import { DEFAULT_TEMPLATES, renderMail } from '../../../src-shared/mail/templates';
import type { Closure, Lesson } from '../../../src-shared/model/types';
import { createLesson, writeOccurrence } from '../../../src-shared/schedule/edit';
import { ctxAt, makeFamily, makeStudent } from '../billing/fixtures';

const TZ = 'Europe/London';
const ctx = ctxAt('2026-01-01T09:00:00Z');
const staff = [{ id: 't1', name: 'Sam Khan' }];

function oneOff(id: string, studentIds: string[], start: string, over: Partial<Lesson> = {}): Lesson {
  return createLesson({ tutorId: 't1', studentIds, subject: 'Maths', start, durationMinutes: 60, timeZone: TZ, ...over }, ctx, () => id);
}

const families = [
  makeFamily('f1', { name: 'Lee family', contactName: 'Jo Lee', lessonReminders: true }),
  makeFamily('f2', { name: 'Patel family', lessonReminders: false }),
  makeFamily('f3', { name: 'Khan family' }),
];
const students = [
  makeStudent('s1', 'f1', { firstName: 'Amy' }),
  makeStudent('s2', 'f1', { firstName: 'Ben' }),
  makeStudent('s3', 'f2', { firstName: 'Raj' }),
  makeStudent('s4', 'f3', { firstName: 'Zara' }),
];

function input(now: string, lessons: Lesson[], over: Partial<LessonReminderInput> = {}): LessonReminderInput {
  return { occurrences: [], lessons, students, families, staff, now: new Date(now), timeZone: TZ, alreadySent: [], ...over };
}

describe('tomorrowIn', () => {
  it('is the next day in the practice zone, not in UTC', () => {
    expect(tomorrowIn(TZ, new Date('2026-06-01T23:30:00Z'))).toBe('2026-06-03'); // 00:30 BST on 2 June
    expect(tomorrowIn(TZ, new Date('2026-01-01T23:30:00Z'))).toBe('2026-01-02');
    expect(tomorrowIn('Pacific/Auckland', new Date('2026-01-01T12:00:00Z'))).toBe('2026-01-03');
  });
});

describe('lessonRemindersDue', () => {
  it('groups a family’s lessons of tomorrow into one reminder, opted-in families only', () => {
    const lessons = [
      oneOff('L1', ['s1'], '2026-05-12T15:00:00Z'),
      oneOff('L2', ['s2'], '2026-05-12T16:00:00Z', { subject: 'English' }),
      oneOff('L3', ['s3'], '2026-05-12T15:00:00Z'), // Patel: opted out
      oneOff('L4', ['s4'], '2026-05-12T15:00:00Z'), // Khan: never asked
      oneOff('L5', ['s1'], '2026-05-13T15:00:00Z'), // the day after tomorrow
    ];
    const due = lessonRemindersDue(input('2026-05-11T08:00:00Z', lessons));
    expect(due).toHaveLength(1);
    const r = due[0]!;
    expect(r.id).toBe('lesson-reminder-f1-2026-05-12');
    expect(r.date).toBe('2026-05-12');
    expect(r.studentIds).toEqual(['s1', 's2']);
    expect(r.lessons.map((l) => [l.occurrenceId.split('@')[0], l.tutorName])).toEqual([
      ['L1', 'Sam Khan'],
      ['L2', 'Sam Khan'],
    ]);
    const mail = renderMail('lesson-reminder', DEFAULT_TEMPLATES['lesson-reminder'], r.values, {
      name: 'Brightside',
      email: '',
      phone: '',
      currency: 'GBP',
      locale: 'en-GB',
      timeZone: TZ,
    });
    expect(mail.missing).toEqual([]);
    expect(mail.text).toContain('16:00 – Maths with Sam Khan (Amy)\n17:00 – English with Sam Khan (Ben)');
    expect(mail.subject).toMatch(/^Lesson reminder for Tuesday,? 12 May 2026$/);
  });

  it('a group lesson with two of the family’s children is one line naming both', () => {
    const due = lessonRemindersDue(input('2026-05-11T08:00:00Z', [oneOff('G', ['s1', 's3', 's2'], '2026-05-12T15:00:00Z')]));
    expect(due).toHaveLength(1);
    expect(due[0]!.lessons).toHaveLength(1);
    expect(due[0]!.lessons[0]!.studentIds).toEqual(['s1', 's2']);
  });

  it('leaves out what was already queued (by its deterministic id)', () => {
    const lessons = [oneOff('L1', ['s1'], '2026-05-12T15:00:00Z')];
    const first = lessonRemindersDue(input('2026-05-11T08:00:00Z', lessons));
    // A second laptop works out the same id.
    const other = lessonRemindersDue(input('2026-05-11T19:00:00Z', lessons));
    expect(other[0]!.id).toBe(first[0]!.id);
    expect(lessonRemindersDue(input('2026-05-11T09:00:00Z', lessons, { alreadySent: new Set([first[0]!.id]) }))).toEqual([]);
    expect(lessonReminderId('f1', '2026-05-12')).toBe('lesson-reminder-f1-2026-05-12');
  });

  it('leaves out cancelled lessons, a cancelled student, closed days, archived families and inactive students', () => {
    const l1 = oneOff('L1', ['s1', 's2'], '2026-05-12T15:00:00Z');
    const cancelledForAmy = writeOccurrence(l1, l1.start, null, { studentStatus: { s1: 'cancelled_student_in_time' } }, ctx);
    let due = lessonRemindersDue(input('2026-05-11T08:00:00Z', [l1], { occurrences: [cancelledForAmy] }));
    expect(due[0]!.studentIds).toEqual(['s2']);

    const tutorCancelled = writeOccurrence(l1, l1.start, null, { status: 'cancelled_tutor' }, ctx);
    expect(lessonRemindersDue(input('2026-05-11T08:00:00Z', [l1], { occurrences: [tutorCancelled] }))).toEqual([]);
    expect(lessonRemindersDue(input('2026-05-11T08:00:00Z', [{ ...l1, cancelled: true }]))).toEqual([]);

    const weekly = createLesson(
      {
        tutorId: 't1',
        studentIds: ['s1'],
        subject: 'Maths',
        start: '2026-05-05T15:00:00Z',
        durationMinutes: 60,
        timeZone: TZ,
        rrule: 'FREQ=WEEKLY',
      },
      ctx,
      () => 'W',
    );
    const closure: Closure = {
      id: 'c1',
      createdAt: '',
      updatedAt: '',
      updatedBy: '',
      deviceId: '',
      fieldClock: {},
      startDate: '2026-05-12',
      endDate: '2026-05-12',
      label: 'Inset day',
    };
    expect(lessonRemindersDue(input('2026-05-11T08:00:00Z', [weekly], { closures: [closure] }))).toEqual([]);
    expect(lessonRemindersDue(input('2026-05-11T08:00:00Z', [weekly]))).toHaveLength(1);

    due = lessonRemindersDue(
      input('2026-05-11T08:00:00Z', [l1], { families: [{ ...families[0]!, archived: true }, ...families.slice(1)] }),
    );
    expect(due).toEqual([]);
    due = lessonRemindersDue(
      input('2026-05-11T08:00:00Z', [l1], { students: [{ ...students[0]!, status: 'paused' }, ...students.slice(1)] }),
    );
    expect(due[0]!.studentIds).toEqual(['s2']);
  });

  it('follows a lesson moved into or out of tomorrow', () => {
    const l1 = oneOff('L1', ['s1'], '2026-05-12T15:00:00Z');
    const moved = writeOccurrence(l1, l1.start, null, { start: '2026-05-14T15:00:00.000Z' }, ctx);
    expect(lessonRemindersDue(input('2026-05-11T08:00:00Z', [l1], { occurrences: [moved] }))).toEqual([]);
    expect(lessonRemindersDue(input('2026-05-13T08:00:00Z', [l1], { occurrences: [moved] }))).toHaveLength(1);
  });

  describe('across the clock changes (Europe/London)', () => {
    it('spring forward: Sunday 29 March 2026 is 23 hours long', () => {
      // Saturday 23:30 GMT: tomorrow is Sunday 29 March, 00:00 GMT to 00:00 BST (23:00 UTC).
      const now = '2026-03-28T23:30:00Z';
      const lessons = [
        oneOff('in', ['s1'], '2026-03-29T22:30:00Z'), // Sunday 23:30 BST
        oneOff('monday', ['s2'], '2026-03-29T23:15:00Z'), // Monday 00:15 BST: not tomorrow, though still 29 March in UTC
        oneOff('saturday', ['s2'], '2026-03-28T23:45:00Z'), // Saturday 23:45 GMT: today
      ];
      const due = lessonRemindersDue(input(now, lessons));
      expect(due.map((r) => r.date)).toEqual(['2026-03-29']);
      expect(due[0]!.lessons.map((l) => l.occurrenceId.split('@')[0])).toEqual(['in']);
    });

    it('fall back: Sunday 25 October 2026 is 25 hours long', () => {
      const now = '2026-10-24T22:30:00Z'; // Saturday 23:30 BST
      const lessons = [
        oneOff('early', ['s1'], '2026-10-24T23:30:00Z'), // Sunday 00:30 BST
        oneOff('late', ['s2'], '2026-10-25T23:30:00Z'), // Sunday 23:30 GMT
        oneOff('monday', ['s2'], '2026-10-26T00:00:00Z'), // Monday 00:00 GMT
      ];
      const due = lessonRemindersDue(input(now, lessons));
      expect(due[0]!.date).toBe('2026-10-25');
      expect(due[0]!.lessons.map((l) => l.occurrenceId.split('@')[0])).toEqual(['early', 'late']);
    });

    it('a weekly 16:00 lesson is reminded at 16:00 local after the change', () => {
      const weekly = createLesson(
        {
          tutorId: 't1',
          studentIds: ['s1'],
          subject: 'Maths',
          start: '2026-03-22T16:00:00Z',
          durationMinutes: 60,
          timeZone: TZ,
          rrule: 'FREQ=WEEKLY',
        },
        ctx,
        () => 'W',
      );
      const due = lessonRemindersDue(input('2026-03-28T12:00:00Z', [weekly]));
      expect(due[0]!.lessons[0]!.start).toBe('2026-03-29T15:00:00.000Z');
      const mail = renderMail('lesson-reminder', DEFAULT_TEMPLATES['lesson-reminder'], due[0]!.values, {
        name: 'B',
        email: '',
        phone: '',
        currency: 'GBP',
        locale: 'en-GB',
        timeZone: TZ,
      });
      expect(mail.text).toContain('16:00 – Maths with Sam Khan (Amy)');
    });
  });
});
