/**
 * The progress report: its figures (per-student statuses of group lessons, the attendance-rate
 * rule, hours), the chosen notes in date order (never another child's), and the printable HTML
 * with every piece of user text escaped.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  attendancePercent,
  progressReport,
  progressReportFileName,
  renderProgressReportHtml,
  type ProgressReportInput,
} from '../../../src-shared/reports/progress-report';
import type { AttendanceStatus, Lesson, Note, Occurrence } from '../../../src-shared/model/types';
import { createLesson, writeOccurrence } from '../../../src-shared/schedule/edit';
import { occurrenceId } from '../../../src-shared/schedule/expand';
import { ctxAt, makeFamily, makeSettings, makeStudent } from '../billing/fixtures';

const TZ = 'Europe/London';
const ctx = ctxAt('2026-01-01T09:00:00Z');
const EVIL = `<script>alert("x")</script> & O'Brien`;
const student = makeStudent('s1', 'f1', { firstName: 'Amy', lastName: 'Lee' });
const family = makeFamily('f1', { name: 'Lee family' });
const staff = [
  { id: 't1', name: 'Sam Khan' },
  { id: 't2', name: 'Ana Ruiz' },
];

/** Weekly Maths on Mondays 16:00 from 5 Jan 2026 (60 min). */
const weekly = createLesson(
  {
    tutorId: 't1',
    studentIds: ['s1'],
    subject: 'Maths',
    start: '2026-01-05T16:00:00Z',
    durationMinutes: 60,
    timeZone: TZ,
    rrule: 'FREQ=WEEKLY;COUNT=8',
  },
  ctx,
  () => 'W',
);
/** A group lesson with another child, 90 minutes, on 7 Jan. */
const group = createLesson(
  { tutorId: 't2', studentIds: ['s1', 's2'], subject: 'English', start: '2026-01-07T17:00:00Z', durationMinutes: 90, timeZone: TZ },
  ctx,
  () => 'G',
);
const weeklyStarts = Array.from({ length: 8 }, (_, i) => new Date(Date.parse('2026-01-05T16:00:00Z') + i * 7 * 86_400_000).toISOString());

function status(lesson: Lesson, start: string, s: AttendanceStatus): Occurrence {
  return writeOccurrence(lesson, start, null, { status: s, statusChangedAt: start }, ctx);
}

function note(id: string, over: Partial<Note> = {}): Note {
  return {
    id,
    createdAt: '2026-01-10T10:00:00.000Z',
    updatedAt: '2026-01-10T10:00:00.000Z',
    updatedBy: 't1',
    deviceId: 'dev-a',
    fieldClock: {},
    kind: 'lesson',
    studentIds: ['s1'],
    lessonId: '',
    occurrenceId: '',
    authorId: 't1',
    title: '',
    body: '',
    covered: '',
    homework: '',
    nextSteps: '',
    conflicts: [],
    ...over,
  };
}

function input(over: Partial<ProgressReportInput> = {}): ProgressReportInput {
  return {
    student,
    family,
    occurrences: [
      status(weekly, weeklyStarts[0]!, 'attended'),
      status(weekly, weeklyStarts[1]!, 'attended'),
      status(weekly, weeklyStarts[2]!, 'no_show'),
      status(weekly, weeklyStarts[3]!, 'cancelled_student_late'),
      status(weekly, weeklyStarts[4]!, 'cancelled_tutor'),
      status(weekly, weeklyStarts[5]!, 'attended'),
      // 6 and 7 not recorded; the group lesson: the other child missed it, Amy attended.
      writeOccurrence(group, group.start, null, { status: 'scheduled', studentStatus: { s1: 'attended', s2: 'no_show' } }, ctx),
    ],
    lessons: [weekly, group],
    notes: [
      note('n-late', { occurrenceId: occurrenceId('W', weeklyStarts[5]!), covered: 'Fractions', authorId: 't1' }),
      note('n-early', { occurrenceId: occurrenceId('W', weeklyStarts[0]!), title: 'First lesson', homework: 'Sheet 1', authorId: 't1' }),
      note('n-free', { kind: 'progress', createdAt: '2026-02-01T09:00:00.000Z', body: 'Growing in confidence', authorId: 't2' }),
      note('n-other-child', { studentIds: ['s2'], body: 'Not about Amy' }),
      note('n-not-chosen', { body: 'Private' }),
    ],
    staff,
    from: '2026-01-01',
    to: '2026-03-31',
    timeZone: TZ,
    chosenNoteIds: ['n-late', 'n-early', 'n-free', 'n-other-child'],
    goals: ['  Times tables to 12 ', '', 'Read one book a month'],
    ...over,
  };
}

describe('attendancePercent', () => {
  it('rounds to the nearest, but 100 only when nothing was missed and 0 only when nothing was taken', () => {
    expect(attendancePercent(0, 0)).toBeNull();
    expect(attendancePercent(5, 0)).toBe(100);
    expect(attendancePercent(0, 5)).toBe(0);
    expect(attendancePercent(2, 1)).toBe(67);
    expect(attendancePercent(1, 2)).toBe(33);
    expect(attendancePercent(199, 1)).toBe(99); // 99.5 would round to 100
    expect(attendancePercent(1, 299)).toBe(1); // 0.33 would round to 0
  });

  it('property: within 0–100 and 100 only with nothing missed', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), (taken, missed) => {
        const r = attendancePercent(taken, missed);
        if (taken + missed === 0) {
          // Not `return expect(…)`: a property that returns false fails, whatever it asserted.
          expect(r).toBeNull();
          return;
        }
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(100);
        expect(r === 100).toBe(missed === 0);
        expect(r === 0).toBe(taken === 0);
      }),
      // Nothing expected at all is tried every run, not only when the generator happens on it.
      { examples: [[0, 0]] },
    );
  });
});

describe('progressReport', () => {
  it('counts the figures with each student’s own status', () => {
    const r = progressReport(input());
    expect(r.figures).toEqual({
      scheduled: 9,
      taken: 4, // 3 weekly + the group lesson
      missed: 2, // no-show + late cancellation
      cancelledByTutor: 1,
      notRecorded: 2,
      attendanceRate: 67,
      minutesTaught: 3 * 60 + 90,
      hoursTaught: 4.5,
    });
    expect(r.subjects).toEqual(['English', 'Maths']);
    expect(r.tutors).toEqual(['Ana Ruiz', 'Sam Khan']);
    expect(r.studentName).toBe('Amy Lee');
  });

  it('counts only the period, by local day', () => {
    const r = progressReport(input({ from: '2026-01-05', to: '2026-01-12' }));
    expect(r.figures.scheduled).toBe(3); // 5 Jan, 7 Jan (group), 12 Jan
    expect(progressReport(input({ from: '2026-06-01', to: '2026-06-30' })).figures).toMatchObject({ scheduled: 0, attendanceRate: null });
  });

  it('gives the chosen notes about the student in date order, with their tutor', () => {
    const r = progressReport(input());
    expect(r.notes.map((n) => [n.id, n.date, n.tutorName])).toEqual([
      ['n-early', '2026-01-05', 'Sam Khan'],
      ['n-free', '2026-02-01', 'Ana Ruiz'],
      ['n-late', '2026-02-09', 'Sam Khan'],
    ]);
    expect(r.goals).toEqual(['Times tables to 12', 'Read one book a month']);
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => progressReport(input({ from: '2026-03-01', to: '2026-02-01' }))).toThrow(/ends before/);
  });
});

describe('renderProgressReportHtml', () => {
  const settings = makeSettings({ name: `A&B <Tutors>`, logo: 'data:image/png;base64,iVBORw0KGgo=' });

  it('is a complete document with the figures, the bar, notes and goals', () => {
    const html = renderProgressReportHtml(progressReport(input()), settings);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).toContain('Progress report');
    expect(html).toContain('1 Jan 2026 – 31 Mar 2026');
    expect(html).toContain('67%');
    expect(html).toContain('4.5 hours');
    expect(html).toContain('class="bar"');
    expect(html).toContain('<span class="taken" style="width: 44.4%"></span>');
    expect(html).toContain('First lesson');
    expect(html).toContain('Sheet 1');
    expect(html).toContain('Times tables to 12');
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).not.toContain('Private');
    expect(html).not.toContain('Not about Amy');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('escapes every piece of user text', () => {
    const evilStudent = { ...student, firstName: EVIL, lastName: '"Q"' };
    const r = progressReport(
      input({
        student: evilStudent,
        notes: [note('n', { title: EVIL, body: EVIL, covered: EVIL, homework: EVIL, nextSteps: EVIL })],
        chosenNoteIds: ['n'],
        goals: [EVIL],
        staff: [{ id: 't1', name: EVIL }],
      }),
    );
    const html = renderProgressReportHtml(r, { ...settings, name: EVIL, phone: EVIL, email: EVIL });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien');
    expect(html).toContain('&quot;Q&quot;');
  });

  it('takes other labels and says when there is no rate', () => {
    const html = renderProgressReportHtml(progressReport(input({ from: '2026-06-01', to: '2026-06-30' })), settings, {
      title: 'Bulletin',
      noRate: 'n/a',
    });
    expect(html).toContain('Bulletin');
    expect(html).toContain('n/a');
    expect(html).not.toContain('class="bar"');
  });
});

describe('progressReportFileName', () => {
  it('is safe on every system', () => {
    expect(progressReportFileName(student, '2026-01-01', '2026-03-31')).toBe('Progress report Amy Lee 2026-01-01 to 2026-03-31.pdf');
    expect(progressReportFileName({ firstName: 'A/B:<C>', lastName: '"D"' }, '2026-01-01', '2026-03-31')).toBe(
      'Progress report A B C D 2026-01-01 to 2026-03-31.pdf',
    );
  });
});
