import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { Lesson, Occurrence } from '../../../src-shared/model/types';
import { buildIcs, icsFileName, lessonUid, type IcsExportOptions } from '../../../src-shared/schedule/ics';
import { expandLessons, type ExpandedOccurrence } from '../../../src-shared/schedule/expand';
import { overrideOccurrence, skipOccurrence, writeOccurrence } from '../../../src-shared/schedule/edit';
import { vtimezoneFromRuntime } from '../../../src-shared/schedule/vtimezone';
import { icalUtc, localDaysRange, toMs } from '../../../src-shared/schedule/time';
import { at, closure, ctx, lesson } from './fixtures';

const LON = 'Europe/London';
const NY = 'America/New_York';
const names = {
  tutorName: (id: string) => ({ 'tutor-1': 'Emily Chen', 'tutor-2': 'James Okoro' })[id] ?? id,
  studentName: (id: string) => ({ 'student-1': 'Olivia Smith', 'student-2': 'Noah; Patel, Jr.', 'student-3': 'Ava \\ Khan' })[id] ?? id,
};

interface Occ {
  uid: string;
  start: string;
  end: string;
  cancelled: boolean;
  summary: string;
}

/** Expands every event of an .ics with ical.js (an independent implementation). */
function expandWithIcalJs(ics: string): Occ[] {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const tz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevents = root.getAllSubcomponents('vevent');
  const byUid = new Map<string, ICAL.Component[]>();
  for (const v of vevents) {
    const uid = String(v.getFirstPropertyValue('uid'));
    byUid.set(uid, [...(byUid.get(uid) ?? []), v]);
  }
  const out: Occ[] = [];
  for (const [uid, comps] of byUid) {
    const master = comps.find((c) => !c.hasProperty('recurrence-id'))!;
    const event = new ICAL.Event(master);
    for (const c of comps) if (c !== master) event.relateException(c);
    if (!event.isRecurring()) {
      out.push({
        uid,
        start: event.startDate.toJSDate().toISOString(),
        end: event.endDate.toJSDate().toISOString(),
        cancelled: master.getFirstPropertyValue('status') === 'CANCELLED',
        summary: event.summary,
      });
      continue;
    }
    const iter = event.iterator();
    for (let next = iter.next(); next; next = iter.next()) {
      const d = event.getOccurrenceDetails(next);
      out.push({
        uid,
        start: d.startDate.toJSDate().toISOString(),
        end: d.endDate.toJSDate().toISOString(),
        cancelled: d.item.component.getFirstPropertyValue('status') === 'CANCELLED',
        summary: d.item.summary,
      });
      if (out.length > 10_000) throw new Error('runaway expansion');
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
}

function ours(occ: ExpandedOccurrence[], substituteUid = false): Omit<Occ, 'summary'>[] {
  return occ
    .map((o) => ({
      uid: substituteUid ? `${o.lessonId}-${icalUtc(toMs(o.originalStart))}@tutordesk` : lessonUid(o.lessonId),
      start: o.start,
      end: o.end,
      cancelled: o.status.startsWith('cancelled'),
    }))
    .sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
}

function fixture() {
  // Weekly Monday 16:00 London, from before the range; crosses the 30 March BST change.
  let weekly = lesson(
    {
      start: at('2025-02-03T16:00', LON),
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      subject: 'Maths; algebra, "quotes" \\ and more',
      studentIds: ['student-1', 'student-2'],
      room: '1',
      notes:
        'Bring the green book.\nPractise: fractions, decimals; percentages — ünïcødé ✓ and a long line that has to be folded at 75 octets by the writer.',
    },
    'weekly',
  );
  weekly = skipOccurrence(weekly, at('2025-03-24T16:00', LON), ctx);
  const moved = overrideOccurrence(
    weekly,
    at('2025-03-31T16:00', LON),
    null,
    { start: at('2025-04-01T17:30', LON), durationMinutes: 90 },
    ctx,
  );
  const roomChange = overrideOccurrence(weekly, at('2025-03-10T16:00', LON), null, { room: '7' }, ctx);
  const cancelled = writeOccurrence(weekly, at('2025-04-07T16:00', LON), null, { status: 'cancelled_tutor' }, ctx);
  const attended = writeOccurrence(weekly, at('2025-03-03T16:00', LON), null, { status: 'attended' }, ctx);
  const substitute = overrideOccurrence(weekly, at('2025-04-28T16:00', LON), null, { tutorId: 'tutor-2' }, ctx);
  const handedOver = lesson({ start: at('2025-03-13T12:00', LON), subject: 'Cover lesson', studentIds: ['student-1'] }, 'handed-over');
  const handedOverOcc = overrideOccurrence(handedOver, handedOver.start, null, { tutorId: 'tutor-2' }, ctx);
  // Every 2 weeks Tue/Thu in New York (its own zone), COUNT-based, started long before the range.
  const ny = lesson(
    {
      start: at('2024-11-05T16:00', NY),
      timeZone: NY,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=40',
      tutorId: 'tutor-2',
      studentIds: ['student-3'],
      subject: 'Piano',
    },
    'ny',
  );
  const oneOff = lesson({ start: at('2025-03-12T09:00', LON), subject: 'Trial lesson', studentIds: ['student-3'] }, 'oneoff');
  const easter = closure('2025-04-14', '2025-04-21', 'Easter, holidays');
  const lessons: Lesson[] = [weekly, ny, oneOff, handedOver];
  const occurrences: Occurrence[] = [moved, roomChange, cancelled, attended, substitute, handedOverOcc];
  const range = localDaysRange('2025-02-24', '2025-05-04', LON);
  return { lessons, occurrences, closures: [easter], range, weekly };
}

function options(f: ReturnType<typeof fixture>, filter?: IcsExportOptions['filter']): IcsExportOptions {
  return {
    lessons: f.lessons,
    occurrences: f.occurrences,
    closures: f.closures,
    range: f.range,
    practiceTz: LON,
    names,
    filter,
    calendarName: 'Brightside, all lessons',
    now: new Date('2025-02-20T10:00:00Z'),
  };
}

describe('iCalendar export, checked with ical.js', () => {
  it('ical.js expands the whole practice export to exactly our occurrences, across DST, with exdates, moves, cancellations and closures', () => {
    const f = fixture();
    const ics = buildIcs(options(f));
    const mineExpanded = expandLessons(f.lessons, f.occurrences, f.closures, f.range, LON, { includeClosed: false }).filter(
      (o) => toMs(o.originalStart) < toMs(f.range.end),
    );
    const theirs = expandWithIcalJs(ics);
    expect(theirs.map(({ summary: _s, ...o }) => o)).toEqual(ours(mineExpanded));
    // Sanity of the scenario itself: DST on both sides, the skipped, closed and moved dates.
    const weeklyStarts = theirs
      .filter((o) => o.uid === 'weekly@tutordesk')
      .map((o) => DateTime.fromISO(o.start).setZone(LON).toFormat("yyyy-LL-dd'T'HH:mm"));
    expect(weeklyStarts).toEqual([
      '2025-02-24T16:00',
      '2025-03-03T16:00',
      '2025-03-10T16:00',
      '2025-03-17T16:00',
      '2025-04-01T17:30',
      '2025-04-07T16:00',
      '2025-04-28T16:00',
    ]);
    expect(theirs.find((o) => o.start === at('2025-04-07T16:00', LON))!.cancelled).toBe(true);
    const nyWall = theirs.filter((o) => o.uid === 'ny@tutordesk').map((o) => DateTime.fromISO(o.start).setZone(NY).toFormat('HH:mm'));
    expect(nyWall).toHaveLength(10);
    expect(new Set(nyWall)).toEqual(new Set(['16:00']));
    // EST (21:00Z) before 9 March, EDT (20:00Z) after.
    expect(theirs.filter((o) => o.uid === 'ny@tutordesk').map((o) => new Date(o.start).getUTCHours())).toEqual([
      21, 21, 20, 20, 20, 20, 20, 20, 20, 20,
    ]);
  });

  it('writes one VEVENT per series plus one per changed occurrence, not one per lesson', () => {
    const f = fixture();
    const ics = buildIcs(options(f));
    const root = new ICAL.Component(ICAL.parse(ics));
    const events = root.getAllSubcomponents('vevent');
    const weekly = events.filter((e) => e.getFirstPropertyValue('uid') === 'weekly@tutordesk');
    // master + moved + room change + cancelled + substitute tutor (attendance alone is no change)
    expect(weekly).toHaveLength(5);
    expect(weekly.filter((e) => e.hasProperty('rrule'))).toHaveLength(1);
    const master = weekly.find((e) => e.hasProperty('rrule'))!;
    expect(master.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(LON);
    expect(String(master.getFirstPropertyValue('rrule'))).toContain('UNTIL=20250428T150000Z');
    expect(
      master
        .getAllProperties('exdate')
        .flatMap((p) => p.getValues().map((v: ICAL.Time) => v.toJSDate().toISOString()))
        .sort(),
    ).toEqual([at('2025-03-24T16:00', LON), at('2025-04-14T16:00', LON), at('2025-04-21T16:00', LON)].sort());
    expect(
      root
        .getAllSubcomponents('vtimezone')
        .map((t) => t.getFirstPropertyValue('tzid'))
        .sort(),
    ).toEqual([NY, LON].sort());
    // COUNT-based NY series: the exported rule is bounded by UNTIL instead.
    const ny = events.find((e) => e.getFirstPropertyValue('uid') === 'ny@tutordesk')!;
    expect(String(ny.getFirstPropertyValue('rrule'))).not.toContain('COUNT');
  });

  it('escapes text, folds lines at 75 octets and uses CRLF', () => {
    const f = fixture();
    const ics = buildIcs(options(f));
    expect(ics.includes('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '').includes('\n')).toBe(false);
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('SUMMARY:Maths\\; algebra\\, "quotes" \\\\ and more – Olivia Smith\\, Noah\\; Patel\\,');
    expect(ics).toContain('X-WR-CALNAME:Brightside\\, all lessons');
    const events = expandWithIcalJs(ics);
    const weekly = events.find((e) => e.uid === 'weekly@tutordesk')!;
    expect(weekly.summary).toBe('Maths; algebra, "quotes" \\ and more – Olivia Smith, Noah; Patel, Jr.');
    const root = new ICAL.Component(ICAL.parse(ics));
    const master = root
      .getAllSubcomponents('vevent')
      .find((e) => e.getFirstPropertyValue('uid') === 'weekly@tutordesk' && e.hasProperty('rrule'))!;
    expect(master.getFirstPropertyValue('description')).toBe(
      'Tutor: Emily Chen\nStudents: Olivia Smith, Noah; Patel, Jr.\n\nBring the green book.\nPractise: fractions, decimals; percentages — ünïcødé ✓ and a long line that has to be folded at 75 octets by the writer.',
    );
    expect(master.getFirstPropertyValue('location')).toBe('Room 1');
  });

  it("a tutor's export has only that tutor's lessons, including a lesson covered for a colleague", () => {
    const f = fixture();
    for (const tutorId of ['tutor-1', 'tutor-2']) {
      const ics = buildIcs(options(f, { tutorId }));
      const mine = expandLessons(f.lessons, f.occurrences, f.closures, f.range, LON, { includeClosed: false }).filter(
        (o) => o.tutorId === tutorId,
      );
      const expected = [
        ...ours(mine.filter((o) => o.lesson.tutorId === tutorId)),
        ...ours(
          mine.filter((o) => o.lesson.tutorId !== tutorId),
          true,
        ),
      ].sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
      expect(expandWithIcalJs(ics).map(({ summary: _s, ...o }) => o)).toEqual(expected);
    }
    // tutor-2 covers 28 April of the weekly series: a single event with its own stable UID.
    const t2 = expandWithIcalJs(buildIcs(options(f, { tutorId: 'tutor-2' })));
    expect(t2.filter((o) => o.uid.startsWith('weekly-'))).toHaveLength(1);
    // A one-off lesson handed over to tutor-2 is in tutor-2's calendar only.
    expect(t2.filter((o) => o.uid.startsWith('handed-over')).map((o) => o.start)).toEqual([at('2025-03-13T12:00', LON)]);
    expect(expandWithIcalJs(buildIcs(options(f, { tutorId: 'tutor-1' }))).some((o) => o.uid.startsWith('handed-over'))).toBe(false);
  });

  it("a student's export has that student's lessons, titled with the tutor", () => {
    const f = fixture();
    const ics = buildIcs(options(f, { studentId: 'student-3' }));
    const mine = expandLessons(f.lessons, f.occurrences, f.closures, f.range, LON, { includeClosed: false }).filter((o) =>
      o.studentIds.includes('student-3'),
    );
    const theirs = expandWithIcalJs(ics);
    expect(theirs.map(({ summary: _s, ...o }) => o)).toEqual(ours(mine));
    expect(new Set(theirs.map((o) => o.summary))).toEqual(new Set(['Piano with James Okoro', 'Trial lesson with Emily Chen']));
    // The tutor's internal lesson notes are not in a student's calendar.
    const olivia = buildIcs(options(f, { studentId: 'student-1' })).replace(/\r\n /g, '');
    expect(olivia).not.toContain('green book');
    expect(buildIcs(options(f)).replace(/\r\n /g, '')).toContain('Bring the green book.');
  });

  it('re-exporting after an edit keeps the UID and raises the SEQUENCE', () => {
    const f = fixture();
    const seq = (ics: string) => Number(/UID:weekly@tutordesk\r\nSEQUENCE:(\d+)/.exec(ics)![1]);
    const before = buildIcs(options(f));
    const later = { ...ctx, now: new Date('2025-02-25T12:00:00Z') };
    const edited = skipOccurrence(f.weekly, at('2025-03-17T16:00', LON), later);
    const after = buildIcs({ ...options(f), lessons: [edited, ...f.lessons.slice(1)] });
    expect(seq(after)).toBeGreaterThan(seq(before));
    expect(after).toContain('EXDATE;TZID=Europe/London:20250317T160000,20250324T160000');
  });

  it('a VTIMEZONE derived from the runtime zone data gives ical.js the same offsets as luxon', () => {
    const from = Date.parse('2025-01-01T00:00:00Z');
    const to = Date.parse('2026-01-01T00:00:00Z');
    for (const zone of ['Europe/London', 'America/New_York', 'Australia/Lord_Howe']) {
      const vtz = vtimezoneFromRuntime(zone, from, to);
      const comp = new ICAL.Component(
        ICAL.parse(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n${vtz}\r\nEND:VCALENDAR`),
      ).getFirstSubcomponent('vtimezone')!;
      const tz = new ICAL.Timezone(comp);
      for (let ms = from; ms < to; ms += 5 * 3_600_000 + 17 * 60_000) {
        const t = ICAL.Time.fromJSDate(new Date(ms), true);
        const offsetSeconds = tz.utcOffset(t.convertToZone(tz));
        expect(offsetSeconds / 60).toBe(DateTime.fromMillis(ms, { zone }).offset);
      }
    }
  });

  it('names the file after the person and range', () => {
    expect(icsFileName('Emily Chen', localDaysRange('2025-03-01', '2025-03-31', LON), LON)).toBe(
      'tutordesk-emily-chen-2025-03-01-2025-03-31.ics',
    );
  });
});
