import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import type { PracticeSettings } from '../../../src-shared/model/types';
import { expandLessons } from '../../../src-shared/schedule/expand';
import { overrideOccurrence, writeOccurrence } from '../../../src-shared/schedule/edit';
import { LESSONS_CSV_HEADERS, lessonsCsv } from '../../../src-shared/schedule/export-csv';
import { escapeHtml, weeklyTimetableHtml } from '../../../src-shared/schedule/timetable';
import { localDaysRange, localWeekRange } from '../../../src-shared/schedule/time';
import { at, closure, ctx, lesson } from './fixtures';

const LON = 'Europe/London';
const settings: PracticeSettings['attendance'] = {
  billable: ['attended', 'cancelled_student_late', 'no_show'],
  payable: ['attended', 'no_show'],
  cancellationNoticeHours: 24,
  makeupForInTimeCancellation: true,
};
const studentNames: Record<string, string> = {
  'student-1': 'Olivia "Liv" Smith',
  'student-2': '=cmd|calc',
  'student-3': 'Noah, Patel\nJr',
};
const names = {
  tutorName: (id: string) => (id === 'tutor-1' ? 'Emily Chen' : 'James Okoro'),
  studentName: (id: string) => studentNames[id] ?? id,
};

function scenario() {
  const group = lesson(
    {
      start: at('2025-03-24T16:00', LON),
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      subject: '+Maths',
      studentIds: ['student-1', 'student-2'],
      room: '@1',
      location: 'Main office',
    },
    'group',
  );
  const single = lesson(
    { start: at('2025-03-26T10:00', LON), subject: 'Physics <b>', studentIds: ['student-3'], onlineUrl: 'https://meet.example/x' },
    'single',
  );
  const late = writeOccurrence(
    group,
    at('2025-03-24T16:00', LON),
    null,
    { studentStatus: { 'student-2': 'cancelled_student_late' }, status: 'attended' },
    ctx,
  );
  const moved = overrideOccurrence(group, at('2025-03-31T16:00', LON), null, { start: at('2025-04-01T18:00', LON) }, ctx);
  const closures = [closure('2025-04-07', '2025-04-07', 'Bank holiday')];
  return { lessons: [group, single], occurrences: [late, moved], closures };
}

describe('lessons CSV', () => {
  it('one row per student with attendance, parsed back with papaparse, formulas neutralised', () => {
    const s = scenario();
    const occ = expandLessons(s.lessons, s.occurrences, s.closures, localDaysRange('2025-03-24', '2025-04-07', LON), LON);
    const csv = lessonsCsv(occ, { ...names, timeZone: LON, settings });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...LESSONS_CSV_HEADERS]);
    const rows = parsed.data;
    expect(rows.map((r) => [r.Date, r.Start, r.Student, r.Attendance, r.Billable, r['Paid to tutor']])).toEqual([
      ['2025-03-24', '16:00', 'Olivia "Liv" Smith', 'Attended', 'Yes', 'Yes'],
      ['2025-03-24', '16:00', "'=cmd|calc", 'Cancelled by student (late)', 'Yes', 'No'],
      ['2025-03-26', '10:00', 'Noah, Patel\nJr', 'Scheduled', 'No', 'No'],
      ['2025-04-01', '18:00', 'Olivia "Liv" Smith', 'Scheduled', 'No', 'No'],
      ['2025-04-01', '18:00', "'=cmd|calc", 'Scheduled', 'No', 'No'],
    ]);
    expect(rows[0]).toMatchObject({
      Subject: "'+Maths",
      Room: "'@1",
      Location: 'Main office',
      Tutor: 'Emily Chen',
      'Duration (min)': '60',
      End: '17:00',
      Moved: 'No',
      'Lesson ID': 'group',
    });
    expect(rows[3]!.Moved).toBe('Yes');
    expect(rows[2]!['Online link']).toBe('https://meet.example/x');
    // With includeClosed the bank-holiday occurrence is listed as closed, never billable.
    const withClosed = Papa.parse<Record<string, string>>(
      lessonsCsv(occ, { ...names, timeZone: LON, settings, includeClosed: true }).slice(1),
      { header: true, skipEmptyLines: true },
    ).data;
    expect(withClosed.filter((r) => r.Attendance === 'Closed: Bank holiday').map((r) => [r.Date, r.Billable])).toEqual([
      ['2025-04-07', 'No'],
      ['2025-04-07', 'No'],
    ]);
  });
});

describe('weekly timetable', () => {
  it('is a complete, escaped, A4-landscape HTML document with each lesson on its day', () => {
    const s = scenario();
    const hostile = lesson(
      {
        start: at('2025-03-27T09:00', LON),
        subject: '<script>alert(1)</script>',
        studentIds: ['student-1'],
        room: '"><img src=x onerror=alert(1)>',
      },
      'hostile',
    );
    const week = localWeekRange('2025-03-26', LON, 1);
    const occ = expandLessons([...s.lessons, hostile], s.occurrences, s.closures, week.range, LON).filter((o) => o.tutorId === 'tutor-1');
    const html = weeklyTimetableHtml({
      tutorName: 'Emily <Chen>',
      weekOf: '2025-03-26',
      occurrences: occ,
      studentName: names.studentName,
      timeZone: LON,
      practiceName: 'Brightside & Co',
      generatedAt: new Date('2025-03-20T12:00:00Z'),
    });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).toContain('@page { size: A4 landscape;');
    expect(html).not.toMatch(/<script|<img|<link|<a /i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Emily &lt;Chen&gt;');
    expect(html).toContain('Brightside &amp; Co');
    const headers = [...html.matchAll(/<th scope="col">(\w+)/g)].map((m) => m[1]);
    expect(headers).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
    const cells = html
      .split('<td>')
      .slice(1)
      .map((c) => c.slice(0, c.indexOf('</td>')));
    expect(cells).toHaveLength(7);
    expect(cells[0]).toContain('16:00–17:00');
    expect(cells[0]).toContain('+Maths');
    expect(cells[0]).toContain('Attended');
    expect(cells[2]).toContain('Physics &lt;b&gt;');
    expect(cells[3]).toContain('09:00–10:00');
    expect(cells[4]).toContain('No lessons');
    expect(html).toContain('3 lessons · times in Europe/London');
  });

  it('escapes all five HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
