/**
 * The fixed time zone list (src-shared/model/time-zones.ts) and the lesson timing rules
 * (src-shared/model/timing.ts): generated from the pinned library, accepted by this engine, and
 * covering every zone the engine offers (tests/e2e/time-zones.spec.ts checks Chromium).
 */
import { describe, expect, it } from 'vitest';
import { timeZonesSource } from '../../../scripts/gen-time-zones';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TIME_ZONES, isAllowedLessonRule, isKnownTimeZone } from '../../../src-shared/model/timing';
import { lessonProblem } from '../../../src-shared/schedule/validity';
import { buildRRule, withRRuleEnd } from '../../../src-shared/schedule/recurrence';

describe('time zone list', () => {
  it('is what npm run gen:time-zones writes', () => {
    expect(readFileSync(resolve(import.meta.dirname, '../../../src-shared/model/time-zones.ts'), 'utf8')).toBe(timeZonesSource());
  });

  it('holds only names this engine accepts, and every name it offers', () => {
    const rejected = TIME_ZONES.filter((z) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: z });
        return false;
      } catch {
        return true;
      }
    });
    expect(rejected).toEqual([]);
    const missing = Intl.supportedValuesOf('timeZone').filter((z) => !isKnownTimeZone(z));
    expect(missing).toEqual([]);
    for (const alias of [
      'UTC',
      'Etc/UTC',
      'Europe/London',
      'Asia/Calcutta',
      'Asia/Kolkata',
      'Europe/Kiev',
      'Europe/Kyiv',
      'US/Eastern',
      'America/Ciudad_Juarez',
    ]) {
      expect(isKnownTimeZone(alias), alias).toBe(true);
    }
    for (const bad of ['Not/AZone', '', 'europe/london', 'PT', 'Mars/Olympus', 'UTC ']) expect(isKnownTimeZone(bad), bad).toBe(false);
  });
});

describe('lesson repeat rules', () => {
  const start = '2026-03-02T16:00:00.000Z';
  it('accept every rule the lesson editor builds', () => {
    const specs = [
      { frequency: 'weekly', interval: 1, weekdays: [], end: { kind: 'never' } },
      { frequency: 'weekly', interval: 2, weekdays: ['MO'], end: { kind: 'count', count: 10 } },
      { frequency: 'weekly', interval: 52, weekdays: ['MO'], end: { kind: 'count', count: 500 } },
      {
        frequency: 'weekly',
        interval: 1,
        weekdays: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'],
        end: { kind: 'until', date: '2026-07-20' },
      },
    ] as const;
    for (const spec of specs) {
      const rule = buildRRule(spec as never, start, 'Europe/London');
      expect(isAllowedLessonRule(rule), rule).toBe(true);
      // splitting and ending a series rewrite the end
      expect(isAllowedLessonRule(withRRuleEnd(rule, { untilMs: Date.parse('2026-05-01T00:00:00Z') }))).toBe(true);
      expect(isAllowedLessonRule(withRRuleEnd(rule, { count: 3 }))).toBe(true);
    }
    expect(isAllowedLessonRule('')).toBe(true);
  });

  it('refuse other frequencies and parts', () => {
    for (const bad of [
      'FREQ=SECONDLY',
      'FREQ=DAILY',
      'FREQ=MONTHLY;BYMONTHDAY=1',
      'FREQ=WEEKLY;BYHOUR=1,2,3',
      'FREQ=WEEKLY;INTERVAL=0',
      'FREQ=WEEKLY;INTERVAL=53',
      'FREQ=WEEKLY;COUNT=0',
      'FREQ=WEEKLY;COUNT=1000',
      'FREQ=WEEKLY;UNTIL=20260720',
      'FREQ=WEEKLY;BYDAY=XX',
      'RRULE:FREQ=WEEKLY',
      'FREQ=WEEKLY;',
      'FREQ=WEEKLY;UNTIL=20260720T000000Z;COUNT=3',
    ]) {
      expect(isAllowedLessonRule(bad), bad).toBe(false);
    }
  });

  it('lessonProblem names what is wrong, including a repeat rule outside the allowed set', () => {
    const timing = { exdates: [] as string[], durationMinutes: 60 };
    expect(lessonProblem({ ...timing, timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY', start })).toBeNull();
    expect(lessonProblem({ ...timing, timeZone: 'Not/AZone', rrule: '', start })).toMatch(/time zone "Not\/AZone" is unknown/);
    expect(lessonProblem({ ...timing, timeZone: 'UTC', rrule: 'FREQ=SECONDLY', start })).toMatch(
      /repeat rule "FREQ=SECONDLY" cannot be read \(it is not a pattern TutorDesk makes\)/,
    );
    expect(lessonProblem({ ...timing, timeZone: 'UTC', rrule: '', start: '' })).toMatch(/start date and time are empty/);
  });
});
