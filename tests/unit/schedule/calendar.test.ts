import { describe, expect, it } from 'vitest';
import {
  addDays,
  arrowStep,
  instantAt,
  layoutDay,
  snapMinutes,
  startOfWeek,
  stepAnchor,
  todayIn,
  viewDays,
  viewRange,
  wallMinutes,
  wallTime,
} from '../../../src-shared/schedule/calendar';
import fc from 'fast-check';
import {
  conflictedIds,
  conflictsBetween,
  findAllConflicts,
  findConflicts,
  findLessonConflicts,
  slotOf,
} from '../../../src-shared/schedule/conflicts';
import { expandLessons } from '../../../src-shared/schedule/expand';
import { localDate, localDaysRange } from '../../../src-shared/schedule/time';
import { DateTime } from 'luxon';
import { at, lesson } from './fixtures';

const LON = 'Europe/London';

describe('calendar views', () => {
  it('lists the days of each view', () => {
    expect(viewDays('day', '2025-03-12')).toEqual(['2025-03-12']);
    const week = viewDays('week', '2025-03-12');
    expect(week[0]).toBe('2025-03-10');
    expect(week.at(-1)).toBe('2025-03-16');
    expect(viewDays('week', '2025-03-12', 7)[0]).toBe('2025-03-09');
    const month = viewDays('month', '2025-03-12');
    // March 2025 starts on a Saturday and ends on a Monday: 24 Feb .. 6 Apr, whole weeks.
    expect(month[0]).toBe('2025-02-24');
    expect(month.at(-1)).toBe('2025-04-06');
    expect(month.length % 7).toBe(0);
    expect(viewDays('agenda', '2025-03-30')).toHaveLength(14);
    // The rooms view shows the week, a row per room.
    expect(viewDays('rooms', '2025-03-12')).toEqual(week);
  });

  it('steps the anchor by view and by arrow key', () => {
    expect(stepAnchor('day', '2025-03-31', 1)).toBe('2025-04-01');
    expect(stepAnchor('week', '2025-03-31', -1)).toBe('2025-03-24');
    expect(stepAnchor('month', '2025-01-31', 1)).toBe('2025-02-28');
    expect(stepAnchor('agenda', '2025-03-01', 1)).toBe('2025-03-15');
    expect(stepAnchor('rooms', '2025-03-31', 1)).toBe('2025-04-07');
    expect(arrowStep('rooms', 'ArrowDown')).toBe(7);
    expect(arrowStep('week', 'ArrowUp')).toBe(-7);
    expect(arrowStep('month', 'ArrowDown')).toBe(7);
    expect(arrowStep('day', 'ArrowDown')).toBe(1);
    expect(arrowStep('week', 'ArrowLeft')).toBe(-1);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(startOfWeek('2025-03-16', 1)).toBe('2025-03-10');
  });

  it('covers whole local days across a DST change (23-hour day in the range)', () => {
    const r = viewRange('week', '2025-03-30', LON);
    expect(r.start).toBe('2025-03-24T00:00:00.000Z');
    expect(r.end).toBe('2025-03-30T23:00:00.000Z');
    expect(todayIn('Pacific/Auckland', new Date('2025-03-30T12:00:00Z'))).toBe('2025-03-31');
  });

  it('positions by wall-clock time on DST change days and converts back', () => {
    const spring = Date.parse(at('2025-03-30T16:00', LON));
    expect(wallMinutes(spring, '2025-03-30', LON)).toBe(16 * 60);
    expect(instantAt('2025-03-30', 16 * 60, LON)).toBe(spring);
    const autumn = Date.parse(at('2025-10-26T16:00', LON));
    expect(wallMinutes(autumn, '2025-10-26', LON)).toBe(16 * 60);
    expect(instantAt('2025-10-26', 16 * 60, LON)).toBe(autumn);
    // 01:30 does not exist on 30 March in London: read as 02:30 BST (RFC 5545).
    expect(new Date(instantAt('2025-03-30', 90, LON)).toISOString()).toBe('2025-03-30T01:30:00.000Z');
    expect(wallMinutes(spring, '2025-03-29', LON)).toBe(24 * 60);
    expect(wallMinutes(spring, '2025-03-31', LON)).toBe(0);
    expect(wallTime(spring, LON)).toBe('16:00');
    expect(wallTime(Date.parse('2025-03-30T00:59:00Z'), LON)).toBe('00:59');
    expect(wallTime(Date.parse('2025-03-30T01:00:00Z'), LON)).toBe('02:00');
    expect(snapMinutes(16 * 60 + 8)).toBe(16 * 60 + 15);
    expect(snapMinutes(16 * 60 + 7)).toBe(16 * 60);
  });
});

describe('instantAt, wallMinutes and localDate against luxon', () => {
  // The calendar's fast paths (floating time and memoised offsets) must agree with luxon's own
  // reading of every quarter hour of the days around the clock changes, in zones that change at
  // different hours (and by 30 minutes on Lord Howe), plus one without DST.
  const days: [string, string][] = [
    ['Europe/London', '2025-03-30'],
    ['Europe/London', '2025-10-26'],
    ['America/New_York', '2025-03-09'],
    ['America/New_York', '2025-11-02'],
    ['Australia/Lord_Howe', '2025-04-06'],
    ['America/Sao_Paulo', '2018-11-04'],
    ['Asia/Kolkata', '2025-06-01'],
  ];
  it.each(days)('%s on %s', (zone, date) => {
    for (let m = 0; m < 24 * 60; m += 15) {
      const wall = DateTime.fromObject(
        { ...DateTime.fromISO(date, { zone: 'UTC' }).toObject(), hour: Math.floor(m / 60), minute: m % 60 },
        { zone },
      );
      // A wall time that occurs twice (clocks go back) is the first of the two (RFC 5545, as the
      // recurrence expansion reads it); luxon picks the second.
      const earlier = [60, 30]
        .map((min) => wall.toMillis() - min * 60_000)
        .find((ms) => {
          const t = DateTime.fromMillis(ms, { zone });
          return t.toISODate() === date && t.hour === wall.hour && t.minute === wall.minute;
        });
      expect(instantAt(date, m, zone), `${date} +${m} min`).toBe(earlier ?? wall.toMillis());
      const ms = DateTime.fromISO(date, { zone }).startOf('day').toMillis() + m * 60_000;
      const seen = DateTime.fromMillis(ms, { zone });
      expect(localDate(ms, zone)).toBe(seen.toISODate());
      if (seen.toISODate() === date) expect(wallMinutes(ms, date, zone)).toBe(seen.hour * 60 + seen.minute);
    }
    expect(instantAt(date, 24 * 60, zone)).toBe(DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day').toMillis());
  });

  it('refuses a date that does not exist', () => {
    expect(() => instantAt('2025-02-30', 60, 'Europe/London')).toThrow('Invalid date: 2025-02-30');
    expect(() => instantAt('30/03/2025', 60, 'Europe/London')).toThrow('Invalid date');
  });
});

describe('layoutDay', () => {
  const item = (id: string, from: string, to: string) => ({
    id,
    startMs: Date.parse(at(`2025-03-12T${from}`, LON)),
    endMs: Date.parse(at(`2025-03-12T${to}`, LON)),
  });

  it('puts overlapping lessons side by side and lets separate clusters use the full width', () => {
    const out = layoutDay(
      [item('a', '16:00', '17:00'), item('b', '16:30', '17:30'), item('c', '17:00', '18:00'), item('d', '19:00', '20:00')],
      '2025-03-12',
      LON,
    );
    const by = Object.fromEntries(out.map((p) => [p.item.id, p]));
    expect(by.a).toMatchObject({ startMin: 960, endMin: 1020, column: 0, columns: 2 });
    expect(by.b).toMatchObject({ column: 1, columns: 2 });
    // c starts when a ends: it reuses column 0 of the same cluster (b still runs).
    expect(by.c).toMatchObject({ column: 0, columns: 2 });
    expect(by.d).toMatchObject({ column: 0, columns: 1, span: 1, cluster: 1 });
    expect([by.a!.cluster, by.b!.cluster, by.c!.cluster]).toEqual([0, 0, 0]);
    // a and c overlap b in column 1: they cannot widen.
    expect(by.a!.span).toBe(1);
  });

  it('widens an item into columns that are free for its whole duration', () => {
    // a 16:00-18:00 and b 16:00-17:00 need two columns; c 17:00-18:00 takes b's column afterwards;
    // d 16:00-16:30 forces three columns, so b (16:00-17:00) overlaps d and keeps one column,
    // while c (17:00-18:00) has column 2 free and spans two.
    const out = layoutDay(
      [item('a', '16:00', '18:00'), item('b', '16:00', '17:00'), item('d', '16:00', '16:30'), item('c', '17:00', '18:00')],
      '2025-03-12',
      LON,
    );
    const by = Object.fromEntries(out.map((p) => [p.item.id, p]));
    expect(by.a).toMatchObject({ column: 0, columns: 3, span: 1 });
    expect(by.b).toMatchObject({ column: 1, span: 1 });
    expect(by.d).toMatchObject({ column: 2, span: 1 });
    expect(by.c).toMatchObject({ column: 1, span: 2 });
  });

  it('gives very short items a minimum height and clamps items running past midnight', () => {
    const out = layoutDay(
      [
        item('short', '10:00', '10:05'),
        { id: 'late', startMs: Date.parse(at('2025-03-12T23:30', LON)), endMs: Date.parse(at('2025-03-13T00:30', LON)) },
      ],
      '2025-03-12',
      LON,
    );
    const by = Object.fromEntries(out.map((p) => [p.item.id, p]));
    expect(by.short!.endMin - by.short!.startMin).toBe(15);
    expect(by.late!.endMin).toBe(24 * 60);
  });

  it('shows a lesson across the spring-forward gap with its real length', () => {
    const s = Date.parse(at('2025-03-30T00:30', LON));
    const [p] = layoutDay([{ id: 'x', startMs: s, endMs: s + 120 * 60_000 }], '2025-03-30', LON);
    expect(p!.startMin).toBe(30);
    expect(p!.endMin).toBe(150);
  });
});

describe('conflictsBetween', () => {
  it('finds the same conflicts as findLessonConflicts, in any input order', () => {
    const a = lesson({ start: at('2025-03-10T16:00', LON), rrule: 'FREQ=WEEKLY;COUNT=6' }, 'a');
    const b = lesson({ start: at('2025-03-24T16:30', LON), tutorId: 'tutor-2', studentIds: ['student-1'] }, 'b');
    const c = lesson({ start: at('2025-03-11T16:00', LON), studentIds: ['student-9'] }, 'c');
    const range = localDaysRange('2025-03-01', '2025-05-01', LON);
    const mine = expandLessons([a], [], [], range, LON).reverse();
    const others = expandLessons([b, c], [], [], range, LON).reverse();
    const got = conflictsBetween(mine, others);
    const expected = findLessonConflicts(a, [b, c], [], [], range, LON);
    expect(got.map((x) => `${x.kind}:${x.other.id}`)).toEqual(expected.map((x) => `${x.kind}:${x.other.id}`));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: 'student', shared: ['student-1'] });
    expect(got[0]!.other.lessonId).toBe('b');
  });
});

describe('findAllConflicts (range sweep with the shared-key pre-check)', () => {
  it('flags exactly what the pairwise check finds, on random busy days', () => {
    const spec = fc.record({
      tutor: fc.integer({ min: 0, max: 4 }),
      students: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 2 }),
      room: fc.constantFrom('', '1', '2', ' 2 '),
      quarter: fc.integer({ min: 0, max: 16 }),
      minutes: fc.constantFrom(30, 45, 60, 90),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 24 }), (specs) => {
        const lessons = specs.map((x, i) => {
          const m = 15 * 60 + x.quarter * 15;
          const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          return lesson(
            {
              start: at(`2025-03-12T${hhmm}`, LON),
              tutorId: `t${x.tutor}`,
              studentIds: x.students.map((n) => `s${n}`),
              room: x.room,
              durationMinutes: x.minutes,
            },
            `l${i}`,
          );
        });
        const occ = expandLessons(lessons, [], [], localDaysRange('2025-03-12', '2025-03-12', LON), LON);
        const { byOccurrence, pairs } = findAllConflicts(occ);
        const key = (c: { kind: string; other: { id: string } }) => `${c.kind}:${c.other.id}`;
        let expectedPairs = 0;
        for (const o of occ) {
          const expected = findConflicts(slotOf(o), occ).map(key).sort();
          expect((byOccurrence.get(o.id) ?? []).map(key).sort()).toEqual(expected);
          expectedPairs += new Set(findConflicts(slotOf(o), occ).map((c) => c.other.id)).size;
        }
        expect(pairs.length * 2).toBe(expectedPairs);
        expect([...conflictedIds(occ)].sort()).toEqual([...byOccurrence.keys()].sort());
      }),
      { numRuns: 60 },
    );
  });
});
