import { describe, expect, it } from 'vitest';
import { expandLessons, lessonProblem, occurrenceProblem } from '../../../src-shared/schedule';
import type { Lesson } from '../../../src-shared/model/types';

const lesson = {
  start: '2026-03-02T16:00:00.000Z',
  timeZone: 'Europe/London',
  rrule: 'FREQ=WEEKLY',
  exdates: [] as string[],
  durationMinutes: 60,
};

describe('schedule records that cannot be drawn', () => {
  it('a valid lesson has no problem', () => {
    expect(lessonProblem(lesson)).toBeNull();
    expect(lessonProblem({ ...lesson, rrule: '' })).toBeNull();
  });

  it('names what is wrong with a schema-valid lesson that cannot be expanded', () => {
    expect(lessonProblem({ ...lesson, start: '' })).toBe('its start date and time are empty');
    expect(lessonProblem({ ...lesson, start: 'next Tuesday' })).toBe('its start "next Tuesday" is not a date and time');
    expect(lessonProblem({ ...lesson, timeZone: 'Mars/Base' })).toBe('its time zone "Mars/Base" is unknown');
    expect(lessonProblem({ ...lesson, durationMinutes: 0 })).toContain('duration');
    expect(lessonProblem({ ...lesson, exdates: [''] })).toContain("skipped lesson's date");
    expect(lessonProblem({ ...lesson, rrule: 'garbage' })).toMatch(/^its repeat rule "garbage" cannot be read/);
  });

  it('expansion leaves out each lesson it names a problem for, and reports that same problem', () => {
    const full = (l: Partial<Lesson>) =>
      ({
        ...lesson,
        id: 'x',
        tutorId: 't',
        studentIds: [],
        subject: '',
        location: '',
        onlineUrl: '',
        room: '',
        rateOverride: null,
        splitFrom: '',
        makeupForOccurrenceId: '',
        notes: '',
        cancelled: false,
        createdAt: '',
        updatedAt: '',
        updatedBy: '',
        deviceId: '',
        fieldClock: {},
        ...l,
      }) as Lesson;
    const range = { start: '2026-03-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' };
    expect(expandLessons([full({})], [], [], range, 'Europe/London')).toHaveLength(5);
    for (const bad of [{ start: '' }, { start: 'next Tuesday' }, { rrule: 'garbage' }, { timeZone: 'Mars/Base' }]) {
      expect(lessonProblem({ ...lesson, ...bad }), JSON.stringify(bad)).not.toBeNull();
      const reported: { lessonId: string; reason: string }[] = [];
      const drawn = expandLessons([full(bad), full({ id: 'good' })], [], [], range, 'Europe/London', {
        onBadLesson: (b) => reported.push(b),
      });
      expect(
        drawn.map((o) => o.lessonId),
        JSON.stringify(bad),
      ).toEqual(Array(5).fill('good'));
      expect(reported, JSON.stringify(bad)).toEqual([{ lessonId: 'x', reason: lessonProblem({ ...lesson, ...bad }) }]);
    }
  });

  it('occurrence documents with an unreadable start', () => {
    expect(occurrenceProblem({ originalStart: '2026-03-02T16:00:00.000Z', start: '' })).toBeNull();
    expect(occurrenceProblem({ originalStart: '', start: '' })).toBe('its original start is empty');
    expect(occurrenceProblem({ originalStart: '2026-03-02T16:00:00.000Z', start: 'soon' })).toBe('its start "soon" is not a date and time');
  });
});
