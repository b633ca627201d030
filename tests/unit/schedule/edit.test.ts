import { describe, expect, it } from 'vitest';
import type { Lesson, Occurrence } from '../../../src-shared/model/types';
import { expandLessons, occurrenceId } from '../../../src-shared/schedule/expand';
import {
  editLesson,
  endSeries,
  overrideOccurrence,
  skipOccurrence,
  splitSeries,
  writeOccurrence,
  validateLessonValues,
} from '../../../src-shared/schedule/edit';
import { rruleCount } from '../../../src-shared/schedule/recurrence';
import { localDaysRange } from '../../../src-shared/schedule/time';
import { at, ctx, ctxAt, ids, lesson, wall } from './fixtures';

const LON = 'Europe/London';
const WIDE = localDaysRange('2024-01-01', '2027-01-01', LON);

function walls(lessons: Lesson[], occs: Occurrence[] = []): string[] {
  return expandLessons(lessons, occs, [], WIDE, LON).map((o) => wall(o.start, LON));
}

function apply(occs: Occurrence[], plan: { occurrences: Occurrence[]; deleteOccurrenceIds: string[] }): Occurrence[] {
  const map = new Map(occs.map((o) => [o.id, o]));
  for (const id of plan.deleteOccurrenceIds) map.delete(id);
  for (const o of plan.occurrences) map.set(o.id, o);
  return [...map.values()];
}

describe('this and following (split)', () => {
  const series = () => {
    const l = lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10' }, 'series');
    return skipOccurrence(l, at('2025-03-24T16:00', LON), ctx);
  };

  it('keeps the same occurrences, in two series, when only the tutor changes', () => {
    const original = series();
    const attended = writeOccurrence(original, at('2025-03-10T16:00', LON), null, { status: 'attended' }, ctx);
    const cancelledAhead = writeOccurrence(original, at('2025-04-14T16:00', LON), null, { status: 'cancelled_student_in_time' }, ctx);
    const before = expandLessons([original], [attended, cancelledAhead], [], WIDE, LON);
    const splitAt = at('2025-03-31T16:00', LON);
    const plan = splitSeries(original, splitAt, { tutorId: 'tutor-2' }, ctx, () => 'series-b', [attended, cancelledAhead]);
    expect(plan.newSeries).not.toBeNull();
    const { updatedOriginal, newSeries } = plan as { updatedOriginal: Lesson; newSeries: Lesson };
    expect(newSeries.splitFrom).toBe('series');
    expect(updatedOriginal.rrule).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;UNTIL=20250331T145959Z');
    // 4 generated before the split (one of them skipped): the new series has the other 6.
    expect(rruleCount(newSeries.rrule)).toBe(6);
    const occs = apply([attended, cancelledAhead], plan);
    const after = expandLessons([updatedOriginal, newSeries], occs, [], WIDE, LON);
    expect(after.map((o) => o.start)).toEqual(before.map((o) => o.start));
    expect(after.length).toBe(9); // 10 lessons minus the skipped date
    expect(after.filter((o) => o.lessonId === 'series').every((o) => o.startMs < Date.parse(splitAt))).toBe(true);
    expect(after.filter((o) => o.lessonId === 'series-b').every((o) => o.startMs >= Date.parse(splitAt))).toBe(true);
    expect(after.filter((o) => o.lessonId === 'series-b').every((o) => o.tutorId === 'tutor-2')).toBe(true);
    // Attendance before the split stays; the advance cancellation moved to the new series.
    expect(after.map((o) => o.status)).toEqual(before.map((o) => o.status));
    expect(plan.deleteOccurrenceIds).toEqual([cancelledAhead.id]);
    expect(plan.occurrences.map((o) => o.id)).toEqual([occurrenceId('series-b', at('2025-04-14T16:00', LON))]);
  });

  it('moves the following lessons to a new day and time and keeps the total count', () => {
    const original = series();
    const cancelledAhead = writeOccurrence(original, at('2025-04-14T16:00', LON), null, { status: 'cancelled_student_in_time' }, ctx);
    const plan = splitSeries(
      original,
      at('2025-03-31T16:00', LON),
      { start: at('2025-04-01T17:00', LON), rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=10' },
      ctx,
      () => 'series-c',
      [cancelledAhead],
    );
    expect(walls([plan.updatedOriginal])).toEqual(['2025-03-03T16:00', '2025-03-10T16:00', '2025-03-17T16:00']);
    expect(walls([plan.newSeries!])).toEqual([
      '2025-04-01T17:00',
      '2025-04-08T17:00',
      '2025-04-15T17:00',
      '2025-04-22T17:00',
      '2025-04-29T17:00',
      '2025-05-06T17:00',
    ]);
    // No Tuesday lesson on 14 April: the cancellation record is kept and reported, not deleted.
    expect(plan.orphaned.map((o) => o.id)).toEqual([cancelledAhead.id]);
    expect(plan.deleteOccurrenceIds).toEqual([]);
  });

  it('moving the following lessons of a two-day series by one day shifts both weekdays', () => {
    const l = lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE' }, 'two-day');
    const plan = splitSeries(l, at('2025-03-12T16:00', LON), { start: at('2025-03-13T16:00', LON) }, ctx, () => 'two-day-b');
    expect(plan.newSeries!.rrule).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH');
    expect(walls([plan.updatedOriginal, plan.newSeries!]).slice(0, 6)).toEqual([
      '2025-03-03T16:00',
      '2025-03-05T16:00',
      '2025-03-10T16:00',
      '2025-03-13T16:00',
      '2025-03-18T16:00',
      '2025-03-20T16:00',
    ]);
  });

  it('carries skipped dates and time changes across DST into the new series', () => {
    const l = lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO' }, 'dst');
    const skipped = skipOccurrence(l, at('2025-04-07T16:00', LON), ctx);
    const plan = splitSeries(skipped, at('2025-03-24T16:00', LON), { start: at('2025-03-24T18:00', LON) }, ctx, () => 'dst-b');
    expect(plan.newSeries!.exdates).toEqual([at('2025-04-07T18:00', LON)]);
    const w = walls([plan.updatedOriginal, plan.newSeries!]).filter((x) => x < '2025-04-15');
    expect(w).toEqual([
      '2025-03-03T16:00',
      '2025-03-10T16:00',
      '2025-03-17T16:00',
      '2025-03-24T18:00',
      '2025-03-31T18:00',
      '2025-04-14T18:00',
    ]);
  });

  it('splitting at the first lesson edits the series in place', () => {
    const l = series();
    const plan = splitSeries(l, l.start, { subject: 'Physics' }, ctx, ids());
    expect(plan.newSeries).toBeNull();
    expect(plan.updatedOriginal).toMatchObject({ id: 'series', subject: 'Physics', rrule: l.rrule });
  });

  it('rejects a split where the total count is already used up', () => {
    const l = lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' });
    expect(() => splitSeries(l, at('2025-03-17T16:00', LON), { rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=2' }, ctx, ids())).toThrow(
      /only 2 lessons/,
    );
  });
});

describe('edit scopes', () => {
  const base = () => lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO' }, 'weekly');

  it("'this' with a start change writes an override only", () => {
    const l = base();
    const plan = editLesson('this', l, at('2025-03-10T16:00', LON), { start: at('2025-03-11T16:00', LON) }, ctx, ids());
    expect(plan.lessons).toEqual([]);
    expect(plan.occurrences).toHaveLength(1);
    expect(walls([l], plan.occurrences).slice(0, 3)).toEqual(['2025-03-03T16:00', '2025-03-11T16:00', '2025-03-17T16:00']);
  });

  it("'this' with a subject change detaches the occurrence and keeps its attendance", () => {
    const l = base();
    const attended = writeOccurrence(l, at('2025-03-10T16:00', LON), null, { status: 'attended' }, ctx);
    const plan = editLesson('this', l, at('2025-03-10T16:00', LON), { subject: 'Exam practice' }, ctx, () => 'detached', [attended]);
    const [series, oneOff] = plan.lessons as [Lesson, Lesson];
    expect(series.exdates).toEqual([at('2025-03-10T16:00', LON)]);
    expect(oneOff).toMatchObject({
      id: 'detached',
      rrule: '',
      subject: 'Exam practice',
      start: at('2025-03-10T16:00', LON),
      splitFrom: 'weekly',
    });
    const occs = apply([attended], plan);
    const expanded = expandLessons([series, oneOff], occs, [], localDaysRange('2025-03-03', '2025-03-17', LON), LON);
    expect(expanded.map((o) => [o.subject, o.status])).toEqual([
      ['Maths', 'scheduled'],
      ['Exam practice', 'attended'],
      ['Maths', 'scheduled'],
    ]);
  });

  it("'all' shifts the whole series when it has not started yet", () => {
    const l = base();
    // Dragging one lesson from Monday 16:00 to Tuesday 17:30 moves the whole series: the weekday
    // in the rule follows.
    const plan = editLesson(
      'all',
      l,
      at('2025-03-17T16:00', LON),
      { start: at('2025-03-18T17:30', LON) },
      ctxAt('2025-02-01T00:00:00Z'),
      ids(),
    );
    expect(plan.lessons).toHaveLength(1);
    expect(plan.lessons[0]!.rrule).toBe('FREQ=WEEKLY;BYDAY=TU');
    expect(walls(plan.lessons).slice(0, 3)).toEqual(['2025-03-04T17:30', '2025-03-11T17:30', '2025-03-18T17:30']);
    // An explicit new rule is used as given.
    const plan2 = editLesson(
      'all',
      l,
      at('2025-03-17T16:00', LON),
      { start: at('2025-03-18T17:30', LON), rrule: 'FREQ=WEEKLY;BYDAY=TU,FR' },
      ctxAt('2025-02-01T00:00:00Z'),
      ids(),
    );
    expect(walls(plan2.lessons).slice(0, 3)).toEqual(['2025-03-04T17:30', '2025-03-07T17:30', '2025-03-11T17:30']);
  });

  it("'all' never rewrites lessons that already happened: it splits at the next lesson", () => {
    const l = base();
    const past = writeOccurrence(l, at('2025-03-10T16:00', LON), null, { status: 'attended' }, ctx);
    const now = ctxAt('2025-03-20T12:00:00Z');
    const plan = editLesson('all', l, at('2025-03-10T16:00', LON), { start: at('2025-03-10T17:00', LON) }, now, () => 'weekly-2', [past]);
    const [orig, next] = plan.lessons as [Lesson, Lesson];
    expect(next.splitFrom).toBe('weekly');
    expect(walls([orig, next], apply([past], plan)).slice(0, 6)).toEqual([
      '2025-03-03T16:00',
      '2025-03-10T16:00',
      '2025-03-17T16:00',
      '2025-03-24T17:00',
      '2025-03-31T17:00', // BST from 30 March: still 17:00 local
      '2025-04-07T17:00',
    ]);
    expect(plan.deleteOccurrenceIds).toEqual([]);
  });

  it("'all' with only a room change updates the series in place", () => {
    const l = base();
    const plan = editLesson('all', l, at('2025-03-10T16:00', LON), { room: 'Studio' }, ctxAt('2025-03-20T12:00:00Z'), ids());
    expect(plan.lessons).toHaveLength(1);
    expect(plan.lessons[0]).toMatchObject({ id: 'weekly', room: 'Studio' });
  });

  it('a one-off lesson moves directly and its attendance record follows', () => {
    const l = lesson({ start: at('2025-03-05T10:00', LON) }, 'single');
    const occ = writeOccurrence(l, l.start, null, { status: 'cancelled_student_in_time', makeupGranted: true }, ctx);
    const plan = editLesson('this', l, l.start, { start: at('2025-03-06T11:00', LON) }, ctx, ids(), [occ]);
    expect(plan.lessons[0]!.start).toBe(at('2025-03-06T11:00', LON));
    expect(plan.deleteOccurrenceIds).toEqual([occ.id]);
    expect(plan.occurrences[0]).toMatchObject({
      id: occurrenceId('single', at('2025-03-06T11:00', LON)),
      status: 'cancelled_student_in_time',
      makeupGranted: true,
      start: '',
    });
  });
});

describe('ending a series', () => {
  it('sets UNTIL to the last remaining lesson and reports attendance after it', () => {
    const l = lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=20' }, 'ending');
    const later = writeOccurrence(l, at('2025-04-07T16:00', LON), null, { status: 'cancelled_tutor' }, ctx);
    const moved = overrideOccurrence(l, at('2025-03-31T16:00', LON), null, { room: 'B' }, ctx);
    const plan = endSeries(l, '2025-03-20', ctx, [later, moved]);
    expect(plan.lessons[0]!.rrule).toBe('FREQ=WEEKLY;BYDAY=MO;UNTIL=20250317T160000Z');
    expect(walls(plan.lessons)).toEqual(['2025-03-03T16:00', '2025-03-10T16:00', '2025-03-17T16:00']);
    expect(plan.orphaned.map((o) => o.id)).toEqual([later.id]);
    expect(plan.deleteOccurrenceIds).toEqual([moved.id]);
    expect(endSeries(l, '2025-03-01', ctx).lessons[0]!.cancelled).toBe(true);
  });
});

describe('validation', () => {
  it('names each invalid field', () => {
    expect(validateLessonValues({ tutorId: '', studentIds: [], start: 'x', durationMinutes: 0, timeZone: 'Mars/Olympus' })).toEqual({
      tutorId: 'Choose a tutor',
      studentIds: 'Choose at least one student',
      start: 'Enter a start date and time',
      durationMinutes: 'The duration must be between 1 minute and 24 hours',
      timeZone: 'Choose a valid time zone',
    });
    expect(
      validateLessonValues({
        tutorId: 't',
        studentIds: ['s'],
        start: at('2025-03-03T16:00', LON),
        durationMinutes: 60,
        timeZone: LON,
        rrule: 'FREQ=NOPE',
      }),
    ).toEqual({ rrule: 'This repeat pattern is not valid' });
  });
});
