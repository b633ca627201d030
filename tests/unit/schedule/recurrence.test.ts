import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  buildRRule,
  compileLessonRule,
  describeRecurrence,
  firstInstance,
  lastInstance,
  parseRRule,
  ruleInstances,
} from '../../../src-shared/schedule/recurrence';
import { expandLessons, occurrenceId } from '../../../src-shared/schedule/expand';
import { overrideOccurrence, skipOccurrence, restoreOccurrence } from '../../../src-shared/schedule/edit';
import { fromFloating, localDaysRange } from '../../../src-shared/schedule/time';
import { at, closure, ctx, lesson, wall } from './fixtures';

const LON = 'Europe/London';
const NY = 'America/New_York';

function expandWalls(
  l: ReturnType<typeof lesson>,
  from: string,
  to: string,
  zone: string,
  occs = [] as Parameters<typeof expandLessons>[1],
  closures = [] as Parameters<typeof expandLessons>[2],
) {
  return expandLessons([l], occs, closures, localDaysRange(from, to, zone), zone);
}

describe('recurrence across daylight-saving changes', () => {
  it('keeps a weekly 16:00 London lesson at 16:00 local when BST starts and ends', () => {
    const start = at('2025-03-17T16:00', LON);
    const rrule = buildRRule({ frequency: 'weekly', interval: 1, weekdays: [], end: { kind: 'never' } }, start, LON);
    expect(rrule).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO');
    const l = lesson({ start, timeZone: LON, rrule });
    const spring = expandWalls(l, '2025-03-17', '2025-04-06', LON);
    expect(spring.map((o) => wall(o.start, LON))).toEqual(['2025-03-17T16:00', '2025-03-24T16:00', '2025-03-31T16:00']);
    // GMT before 30 March, BST after: the UTC instant shifts by one hour.
    expect(spring.map((o) => o.start)).toEqual(['2025-03-17T16:00:00.000Z', '2025-03-24T16:00:00.000Z', '2025-03-31T15:00:00.000Z']);
    const autumn = expandWalls(l, '2025-10-20', '2025-11-02', LON);
    expect(autumn.map((o) => o.start)).toEqual(['2025-10-20T15:00:00.000Z', '2025-10-27T16:00:00.000Z']);
    expect(autumn.every((o) => wall(o.start, LON).endsWith('T16:00'))).toBe(true);
  });

  it('keeps a New York lesson at 16:00 local across the March and November changes', () => {
    const start = at('2025-03-04T16:00', NY); // a Tuesday
    const rrule = buildRRule({ frequency: 'weekly', interval: 1, weekdays: ['TU', 'TH'], end: { kind: 'never' } }, start, NY);
    const l = lesson({ start, timeZone: NY, rrule });
    const march = expandWalls(l, '2025-03-04', '2025-03-14', NY);
    expect(march.map((o) => wall(o.start, NY))).toEqual(['2025-03-04T16:00', '2025-03-06T16:00', '2025-03-11T16:00', '2025-03-13T16:00']);
    expect(march.map((o) => new Date(o.start).getUTCHours())).toEqual([21, 21, 20, 20]);
    const nov = expandWalls(l, '2025-10-28', '2025-11-06', NY);
    expect(nov.map((o) => wall(o.start, NY))).toEqual(['2025-10-28T16:00', '2025-10-30T16:00', '2025-11-04T16:00', '2025-11-06T16:00']);
    expect(nov.map((o) => new Date(o.start).getUTCHours())).toEqual([20, 20, 21, 21]);
    // End times follow the duration, in real elapsed minutes.
    expect(nov.every((o) => o.endMs - o.startMs === 60 * 60_000)).toBe(true);
  });

  it('expands a lesson at a wall time that does not exist on the spring-forward day by moving it forward', () => {
    const start = at('2025-03-23T01:30', LON); // Sundays 01:30; 30 March 01:30 does not exist in London
    const l = lesson({ start, timeZone: LON, rrule: 'FREQ=WEEKLY;BYDAY=SU' });
    const occ = expandWalls(l, '2025-03-29', '2025-04-07', LON);
    expect(occ.map((o) => wall(o.start, LON))).toEqual(['2025-03-30T02:30', '2025-04-06T01:30']);
  });
});

describe('rule shapes', () => {
  it('every 2 weeks on Monday and Wednesday', () => {
    const start = at('2025-01-06T10:00', LON);
    const rrule = buildRRule({ frequency: 'weekly', interval: 2, weekdays: ['WE', 'MO'], end: { kind: 'never' } }, start, LON);
    expect(rrule).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE');
    const l = lesson({ start, timeZone: LON, rrule });
    const occ = expandWalls(l, '2025-01-01', '2025-02-04', LON);
    expect(occ.map((o) => wall(o.start, LON).slice(0, 10))).toEqual(['2025-01-06', '2025-01-08', '2025-01-20', '2025-01-22', '2025-02-03']);
  });

  it('a series ends after N lessons (COUNT) or on an inclusive local until date', () => {
    const start = at('2025-01-07T17:30', LON);
    const counted = lesson({
      start,
      timeZone: LON,
      rrule: buildRRule({ frequency: 'weekly', interval: 1, weekdays: ['TU'], end: { kind: 'count', count: 5 } }, start, LON),
    });
    const all = expandWalls(counted, '2024-12-01', '2026-01-01', LON);
    expect(all).toHaveLength(5);
    expect(wall(all.at(-1)!.start, LON)).toBe('2025-02-04T17:30');
    expect(lastInstance(counted)).toBe(all.at(-1)!.originalStart);

    const untilRule = buildRRule(
      { frequency: 'weekly', interval: 1, weekdays: ['TU'], end: { kind: 'until', date: '2025-01-28' } },
      start,
      LON,
    );
    expect(untilRule).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20250128T235959Z');
    const until = lesson({ start, timeZone: LON, rrule: untilRule });
    expect(expandWalls(until, '2024-12-01', '2026-01-01', LON).map((o) => wall(o.start, LON).slice(0, 10))).toEqual([
      '2025-01-07',
      '2025-01-14',
      '2025-01-21',
      '2025-01-28',
    ]);
    // The until date is a local date: in New York it ends at 23:59:59 local = 04:59:59Z next day.
    expect(
      buildRRule(
        { frequency: 'weekly', interval: 1, weekdays: [], end: { kind: 'until', date: '2025-07-01' } },
        at('2025-06-03T18:00', NY),
        NY,
      ),
    ).toContain('UNTIL=20250702T035959Z');
  });

  it('parses rules back into the editor spec and describes them in words', () => {
    const start = at('2025-01-06T16:00', LON);
    const spec = {
      frequency: 'weekly' as const,
      interval: 2,
      weekdays: ['MO' as const, 'WE' as const],
      end: { kind: 'until' as const, date: '2025-07-20' },
    };
    const rrule = buildRRule(spec, start, LON);
    expect(parseRRule(rrule, LON)).toEqual(spec);
    expect(parseRRule('', LON).frequency).toBe('none');
    expect(parseRRule('FREQ=MONTHLY;BYMONTHDAY=1', LON).frequency).toBe('custom');
    expect(describeRecurrence(rrule, start, LON)).toBe(
      'Every 2 weeks on Monday and Wednesday at 16:00 from 6 Jan 2025, until 20 July 2025',
    );
    expect(describeRecurrence('FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=10', at('2025-01-07T09:15', LON), LON)).toBe(
      'Every week on Tuesday at 09:15 from 7 Jan 2025, 10 times',
    );
    expect(describeRecurrence('', start, LON)).toMatch(/^Once on Monday,? 6 January 2025 at 16:00$/);
    expect(describeRecurrence('FREQ=MONTHLY;BYMONTHDAY=1', start, LON)).toMatch(/^Every month on the 1st at 16:00/);
  });

  it('moves a series start that is not on one of its weekdays to the first real lesson', () => {
    const tuesday = at('2025-01-07T16:00', LON);
    expect(firstInstance('FREQ=WEEKLY;BYDAY=TH', tuesday, LON)).toBe(at('2025-01-09T16:00', LON));
    const l = lesson({ start: tuesday, rrule: 'FREQ=WEEKLY;BYDAY=TH' });
    expect(l.start).toBe(at('2025-01-09T16:00', LON));
  });

  it('a long-running series gives the same lessons far in the future as iterating from its start', () => {
    for (const rrule of [
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH',
      'FREQ=WEEKLY;INTERVAL=3;BYDAY=SU',
      'FREQ=DAILY;INTERVAL=5',
      'FREQ=WEEKLY;BYDAY=FR;UNTIL=20310103T000000Z',
    ]) {
      // Lessons only take weekly rules (src-shared/model/timing.ts); ruleInstances itself is generic,
      // so the daily rule is put on the lesson object directly.
      const l = rrule.startsWith('FREQ=DAILY')
        ? { ...lesson({ start: at('2020-01-06T16:00', NY), timeZone: NY, rrule: 'FREQ=WEEKLY' }), rrule }
        : lesson({ start: at('2020-01-06T16:00', NY), timeZone: NY, rrule });
      const compiled = compileLessonRule(l)!;
      for (const year of [2021, 2026, 2030]) {
        const from = DateTime.fromISO(`${year}-03-01`, { zone: NY }).toMillis();
        const to = DateTime.fromISO(`${year}-04-15`, { zone: NY }).toMillis();
        const reference = compiled.rule
          .between(new Date(from - 2 * 86_400_000), new Date(to + 2 * 86_400_000), true)
          .map((f) => fromFloating(f, NY))
          .filter((ms) => ms >= from && ms < to);
        expect(ruleInstances(l, from, to)).toEqual(reference);
        if (!rrule.includes('UNTIL') || year < 2031) expect(reference.length).toBeGreaterThan(0);
        expect(reference.every((ms) => wall(new Date(ms).toISOString(), NY).endsWith('T16:00'))).toBe(true);
      }
    }
  });

  it('expands only the requested window of a long series', () => {
    const l = lesson({ start: at('2020-01-06T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO' });
    const from = DateTime.fromISO('2030-06-01', { zone: LON }).toMillis();
    const inst = ruleInstances(l, from, from + 14 * 86_400_000);
    expect(inst.map((ms) => wall(new Date(ms).toISOString(), LON))).toEqual(['2030-06-03T16:00', '2030-06-10T16:00']);
  });
});

describe('exceptions', () => {
  const start = at('2025-03-03T16:00', LON);
  const base = () => lesson({ start, rrule: 'FREQ=WEEKLY;BYDAY=MO' }, 'series-1');

  it('skips an exdate and restores it', () => {
    const l = base();
    const skipped = skipOccurrence(l, at('2025-03-17T16:00', LON), ctx);
    const occ = expandWalls(skipped, '2025-03-01', '2025-03-31', LON);
    expect(occ.map((o) => wall(o.start, LON).slice(0, 10))).toEqual(['2025-03-03', '2025-03-10', '2025-03-24', '2025-03-31']);
    const restored = restoreOccurrence(skipped, at('2025-03-17T16:00', LON), ctx);
    expect(expandWalls(restored, '2025-03-01', '2025-03-31', LON)).toHaveLength(5);
    expect(() => skipOccurrence(l, at('2025-03-18T16:00', LON), ctx)).toThrow(/not an occurrence/);
  });

  it('moves one occurrence (also into and out of the visible range) and overrides tutor/room/duration', () => {
    const l = base();
    const original = at('2025-03-10T16:00', LON);
    const moved = overrideOccurrence(
      l,
      original,
      null,
      { start: at('2025-03-12T09:00', LON), room: 'Room 2', durationMinutes: 90, tutorId: 'tutor-2' },
      ctx,
    );
    expect(moved.id).toBe(occurrenceId(l.id, original));
    const week = expandWalls(l, '2025-03-10', '2025-03-16', LON, [moved]);
    expect(week).toHaveLength(1);
    const o = week[0]!;
    expect(wall(o.start, LON)).toBe('2025-03-12T09:00');
    expect(o).toMatchObject({
      moved: true,
      overridden: true,
      room: 'Room 2',
      tutorId: 'tutor-2',
      durationMinutes: 90,
      originalStart: original,
    });
    expect(o.endMs - o.startMs).toBe(90 * 60_000);
    // Seen from a range that contains only the new day, and not from the original day alone.
    expect(expandWalls(l, '2025-03-12', '2025-03-12', LON, [moved]).map((x) => x.id)).toEqual([moved.id]);
    expect(expandWalls(l, '2025-03-10', '2025-03-10', LON, [moved])).toHaveLength(0);
    // Moving it back to its own time clears the move.
    const back = overrideOccurrence(l, original, moved, { start: original, tutorId: 'tutor-1' }, ctx);
    expect(back.start).toBe('');
    expect(back.tutorId).toBe('');
    expect(expandWalls(l, '2025-03-10', '2025-03-10', LON, [back])[0]).toMatchObject({ moved: false, room: 'Room 2' });
  });

  it('skips series occurrences on closed days and reports them', () => {
    const l = base();
    const oneOff = lesson({ start: at('2025-03-11T10:00', LON) }, 'one-off');
    const closures = [closure('2025-03-10', '2025-03-11', 'Half term')];
    const all = expandLessons([l, oneOff], [], closures, localDaysRange('2025-03-09', '2025-03-18', LON), LON);
    expect(all.map((o) => [wall(o.start, LON).slice(0, 10), o.closed, o.closureLabel])).toEqual([
      ['2025-03-10', true, 'Half term'],
      ['2025-03-11', false, 'Half term'], // a one-off booked on a closed day is kept, with a warning label
      ['2025-03-17', false, ''],
    ]);
    const active = expandLessons([l], [], closures, localDaysRange('2025-03-09', '2025-03-18', LON), LON, { includeClosed: false });
    expect(active.map((o) => wall(o.start, LON).slice(0, 10))).toEqual(['2025-03-17']);
  });

  it('does not expand cancelled lessons and sorts several lessons by start', () => {
    const a = lesson({ start: at('2025-03-03T16:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO' }, 'a');
    const b = lesson({ start: at('2025-03-03T09:00', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO,TU' }, 'b');
    const c = { ...lesson({ start: at('2025-03-04T12:00', LON) }, 'c'), cancelled: true };
    const occ = expandLessons([a, b, c], [], [], localDaysRange('2025-03-03', '2025-03-04', LON), LON);
    expect(occ.map((o) => `${o.lessonId} ${wall(o.start, LON)}`)).toEqual([
      'b 2025-03-03T09:00',
      'a 2025-03-03T16:00',
      'b 2025-03-04T09:00',
    ]);
  });

  it('includes an occurrence that started before the range and overlaps into it', () => {
    const late = lesson({ start: at('2025-03-03T23:30', LON), rrule: 'FREQ=WEEKLY;BYDAY=MO', durationMinutes: 60 });
    const occ = expandWalls(late, '2025-03-04', '2025-03-04', LON);
    expect(occ.map((o) => wall(o.start, LON))).toEqual(['2025-03-03T23:30']);
  });
});
