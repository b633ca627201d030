/**
 * A lesson the schedule cannot expand (a document from outside the app, or written before the
 * schemas checked timing: an unknown zone, `FREQ=SECONDLY`, a broken start) is skipped and
 * reported; the rest of the schedule still shows, and nothing throws or builds millions of lessons.
 */
import { describe, expect, it } from 'vitest';
import { expandLessons, type LessonProblem } from '../../../src-shared/schedule/expand';
import { ruleInstances, TooManyInstancesError } from '../../../src-shared/schedule/recurrence';
import { buildIcs } from '../../../src-shared/schedule/ics';
import { writeOccurrence, editLesson } from '../../../src-shared/schedule/edit';
import { at, ctx, lesson } from './fixtures';

const LON = 'Europe/London';
const march = { start: at('2026-03-01T00:00', LON), end: at('2026-04-01T00:00', LON) };

describe('bad lessons in the schedule', () => {
  const good = lesson({ start: at('2026-03-02T16:00', LON), rrule: 'FREQ=WEEKLY' }, 'good');
  const badZone = { ...good, id: 'bad-zone', timeZone: 'Not/AZone' };
  const secondly = { ...good, id: 'secondly', rrule: 'FREQ=SECONDLY' };
  const badStart = { ...good, id: 'bad-start', start: '' };

  it('are skipped and reported, the good ones expanded', () => {
    const problems: LessonProblem[] = [];
    const out = expandLessons([badZone, good, secondly, badStart], [], [], march, LON, { onBadLesson: (p) => problems.push(p) });
    expect(out.map((o) => o.lessonId)).toEqual(['good', 'good', 'good', 'good', 'good']);
    expect(problems).toEqual([
      { lessonId: 'bad-zone', reason: 'its time zone "Not/AZone" is unknown' },
      { lessonId: 'secondly', reason: 'its repeat rule "FREQ=SECONDLY" cannot be read (it is not a pattern TutorDesk makes)' },
      { lessonId: 'bad-start', reason: 'its start date and time are empty' },
    ]);
    // without a listener they are skipped silently, never thrown
    expect(expandLessons([secondly, badZone, badStart], [], [], march, LON)).toEqual([]);
  });

  it('a rule that makes far too many lessons is refused, not expanded', () => {
    // FREQ=DAILY with every hour: allowed by the generic expander, 24 a day is the cap
    const hourly = { ...good, rrule: 'FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,30' };
    expect(() => ruleInstances(hourly, Date.parse(march.start), Date.parse(march.end))).toThrow(TooManyInstancesError);
    expect(() => ruleInstances({ ...good, rrule: 'FREQ=SECONDLY' }, Date.parse(march.start), Date.parse(march.end))).toThrow(
      /Unsupported repeat frequency/,
    );
  });

  it('are left out of a calendar export', () => {
    const ics = buildIcs({
      lessons: [good, secondly, badZone],
      occurrences: [],
      closures: [],
      range: march,
      practiceTz: LON,
      names: { studentName: () => 'S', tutorName: () => 'T' },
    });
    expect(ics.match(/BEGIN:VEVENT/g)?.length).toBe(1);
  });
});

describe('occurrences carry their lesson tutor', () => {
  it('writeOccurrence copies the lesson tutor; changing the lesson tutor rewrites the occurrences', () => {
    const l = lesson({ start: at('2026-03-02T16:00', LON), rrule: 'FREQ=WEEKLY', tutorId: 'tutor-1' }, 'series');
    const o = writeOccurrence(l, l.start, null, { status: 'attended' }, ctx);
    expect(o.lessonTutorId).toBe('tutor-1');
    const sub = writeOccurrence(l, at('2026-03-09T16:00', LON), null, { tutorId: 'tutor-3' }, ctx);
    const plan = editLesson('all', l, l.start, { tutorId: 'tutor-2' }, ctx, () => 'new', [o, sub]);
    expect(plan.lessons[0]!.tutorId).toBe('tutor-2');
    expect(plan.occurrences.map((x) => [x.id, x.lessonTutorId, x.tutorId])).toEqual([
      [o.id, 'tutor-2', ''],
      [sub.id, 'tutor-2', 'tutor-3'],
    ]);
  });
});
