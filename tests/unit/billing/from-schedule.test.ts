import { describe, expect, it } from 'vitest';
import { billableLessonsFromOccurrences } from '../../../src-shared/billing/from-schedule';
import { generateMonthDrafts } from '../../../src-shared/billing/generate';
import { tutorPayroll } from '../../../src-shared/billing/payroll';
import { stampChange } from '../../../src-shared/model/meta';
import type { Closure, Staff } from '../../../src-shared/model/types';
import { createLesson, writeOccurrence } from '../../../src-shared/schedule/edit';
import { expandLessons } from '../../../src-shared/schedule/expand';
import { localDaysRange } from '../../../src-shared/schedule/time';
import { ctxAt, idGen, makeFamily, makeSettings, makeStudent } from './fixtures';

const ctx = ctxAt('2026-04-02T09:00:00Z');
const tz = 'Europe/London';

describe('billableLessonsFromOccurrences', () => {
  // A weekly group lesson (two students from two families) on Tuesdays 16:00 London time in
  // March 2026 (DST starts on 29 March: the last one is 15:00 UTC).
  const group = createLesson(
    {
      tutorId: 'tutor-1',
      studentIds: ['s1', 's2'],
      subject: 'Maths',
      start: '2026-03-03T16:00:00Z',
      durationMinutes: 60,
      timeZone: tz,
      rrule: 'FREQ=WEEKLY;BYDAY=TU',
      rateOverride: { amount: 2500, currency: 'GBP' },
    },
    ctx,
    () => 'L1',
  );
  const starts = [
    '2026-03-03T16:00:00.000Z',
    '2026-03-10T16:00:00.000Z',
    '2026-03-17T16:00:00.000Z',
    '2026-03-24T16:00:00.000Z',
    '2026-03-31T15:00:00.000Z',
  ];
  const occurrences = [
    writeOccurrence(group, starts[0]!, null, { status: 'attended' }, ctx),
    // s2 did not show up, s1 attended.
    writeOccurrence(group, starts[1]!, null, { status: 'attended', studentStatus: { s2: 'no_show' } }, ctx),
    writeOccurrence(group, starts[2]!, null, { status: 'cancelled_tutor' }, ctx),
    // 24 March falls in a closure and has no attendance: skipped, not billed.
  ];
  const closures = [
    stampChange<Closure>(undefined, { startDate: '2026-03-24', endDate: '2026-03-24', label: 'Inset day' }, ctx, () => 'c1'),
  ];
  const expanded = expandLessons([group], occurrences, closures, localDaysRange('2026-03-01', '2026-03-31', tz), tz);
  const students = [makeStudent('s1', 'f1'), makeStudent('s2', 'f2')];

  it('makes one lesson per student with their own status, leaving out closed days', () => {
    const lessons = billableLessonsFromOccurrences(expanded, students);
    expect(expanded.map((o) => o.start)).toEqual(starts);
    expect(lessons.map((l) => [l.start, l.studentId, l.familyId, l.status])).toEqual([
      [starts[0], 's1', 'f1', 'attended'],
      [starts[0], 's2', 'f2', 'attended'],
      [starts[1], 's1', 'f1', 'attended'],
      [starts[1], 's2', 'f2', 'no_show'],
      [starts[2], 's1', 'f1', 'cancelled_tutor'],
      [starts[2], 's2', 'f2', 'cancelled_tutor'],
      [starts[4], 's1', 'f1', 'scheduled'],
      [starts[4], 's2', 'f2', 'scheduled'],
    ]);
    expect(lessons[0]).toMatchObject({
      occurrenceId: `L1@${starts[0]}`,
      lessonId: 'L1',
      durationMinutes: 60,
      subject: 'Maths',
      tutorId: 'tutor-1',
      rateOverride: { amount: 2500, currency: 'GBP' },
    });
  });

  it('accepts a student map and leaves unknown students without a family', () => {
    const lessons = billableLessonsFromOccurrences(expanded, new Map([['s1', { familyId: 'f9' }]]));
    expect(new Set(lessons.filter((l) => l.studentId === 's1').map((l) => l.familyId))).toEqual(new Set(['f9']));
    expect(new Set(lessons.filter((l) => l.studentId === 's2').map((l) => l.familyId))).toEqual(new Set(['']));
  });

  it('feeds invoice generation and payroll per the attendance policy', () => {
    const lessons = billableLessonsFromOccurrences(expanded, students);
    const settings = makeSettings(); // billable: attended, late cancellation, no-show; payable: attended, late cancellation
    const batch = generateMonthDrafts(
      { month: '2026-03', families: [makeFamily('f1'), makeFamily('f2')], students, lessons, claims: [], invoices: [] },
      { settings, ctx, newId: idGen('inv') },
    );
    const byFamily = new Map(batch.invoices.map((i) => [i.familyId, i]));
    // f1: two attended lessons at the lesson's rate override; f2: one attended + one no-show.
    expect(byFamily.get('f1')!.lines.map((l) => l.occurrenceIds[0])).toEqual([`L1@${starts[0]}`, `L1@${starts[1]}`]);
    expect(byFamily.get('f1')!.total).toBe(5000);
    expect(byFamily.get('f2')!.total).toBe(5000);
    expect(batch.summary.lessonsBilled).toBe(4);

    const payroll = tutorPayroll({
      lessons,
      staff: [
        stampChange<Staff>(
          undefined,
          {
            name: 'Tess Tutor',
            email: '',
            phone: '',
            role: 'tutor',
            payRate: { amount: 2000, currency: 'GBP' },
            payUnit: 'lesson',
            colour: '#336699',
            username: '',
            active: true,
          },
          ctx,
          () => 'tutor-1',
        ),
      ],
      settings,
      range: { from: '2026-03-01', to: '2026-03-31' },
    });
    // The group lesson is paid once per occurrence where anyone attended: 3 and 10 March.
    expect(payroll.lines.map((l) => l.date)).toEqual(['2026-03-03', '2026-03-10']);
    expect(payroll.total).toBe(4000);
  });
});
