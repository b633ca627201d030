import { describe, expect, it } from 'vitest';
import { clockFormat, practiceFormat, taxRateLabel } from '../../../src-shared/locale/practice-locale';
import { hourLabel, lessonLabel, timeOf, timeRange } from '../../../src-renderer/src/features/schedule/format';
import { formatLessonStart } from '../../../src-shared/billing/dates';

// 16:00–17:30 in London on 3 November 2026 (GMT).
const START = Date.parse('2026-11-03T16:00:00.000Z');
const END = Date.parse('2026-11-03T17:30:00.000Z');
const NINE = Date.parse('2026-11-03T09:05:00.000Z');
const LONDON = 'Europe/London';

describe('clockFormat: clock times in the practice locale', () => {
  it('writes 12-hour times for en-US and 24-hour for en-GB', () => {
    expect(clockFormat('en-US', LONDON).time(START)).toBe('4:00 PM');
    expect(clockFormat('en-GB', LONDON).time(START)).toBe('16:00');
    expect(clockFormat('en-US', LONDON).time(NINE)).toBe('9:05 AM');
    expect(clockFormat('de-DE', LONDON).time(NINE)).toBe('09:05');
    expect(clockFormat('en-GB', LONDON).time(NINE)).toBe('09:05');
    expect(clockFormat('en-US', LONDON).hour12).toBe(true);
    expect(clockFormat('en-GB', LONDON).hour12).toBe(false);
  });

  it('writes a range once, the way the locale does', () => {
    expect(clockFormat('en-GB', LONDON).range(START, END)).toBe('16:00–17:30');
    expect(clockFormat('en-US', LONDON).range(START, END).replace(/\s/g, ' ')).toBe('4:00 – 5:30 PM');
    // No end (or an end before the start) gives the start only.
    expect(clockFormat('en-GB', LONDON).range(START, START)).toBe('16:00');
  });

  it('writes a compact range for narrow week columns', () => {
    const nineThirty = Date.parse('2026-11-03T09:30:00.000Z');
    const tenFifteen = Date.parse('2026-11-03T10:15:00.000Z');
    const five = Date.parse('2026-11-03T17:00:00.000Z');
    expect(clockFormat('en-US', LONDON).rangeCompact(START, five).replace(/\s/g, ' ')).toBe('4–5 PM');
    expect(clockFormat('en-US', LONDON).rangeCompact(nineThirty, tenFifteen).replace(/\s/g, ' ')).toBe('9:30–10:15 AM');
    expect(clockFormat('en-GB', LONDON).rangeCompact(START, five)).toBe('16:00–17:00');
    // Kolkata is UTC+5:30: 16:00 UTC is 21:30 there, not on the hour.
    expect(clockFormat('en-IN', 'Asia/Kolkata').rangeCompact(START, five).replace(/\s/g, ' ')).toBe('9:30–10:30 pm');
  });

  it('writes the time without its day period for the narrowest boxes', () => {
    expect(clockFormat('en-US', LONDON).timeBare(START)).toBe('4:00');
    expect(clockFormat('en-GB', LONDON).timeBare(START)).toBe('16:00');
    expect(clockFormat('ko-KR', LONDON).timeBare(START)).not.toMatch(/오후/);
  });

  it('labels the hours of a time axis', () => {
    expect(clockFormat('en-GB', LONDON).hour(16)).toBe('16:00');
    expect(clockFormat('en-GB', LONDON).hour(8)).toBe('08:00');
    expect(clockFormat('en-US', LONDON).hour(16)).toBe('4 PM');
    expect(clockFormat('en-US', LONDON).hour(0)).toBe('12 AM');
  });

  it('uses the practice zone, not the machine’s', () => {
    expect(clockFormat('en-US', 'America/New_York').time(START)).toBe('11:00 AM');
  });
});

describe('schedule display strings follow the practice locale', () => {
  const gb = { tz: LONDON, locale: 'en-GB' };
  const us = { tz: LONDON, locale: 'en-US' };

  it('times and ranges', () => {
    expect(timeOf(START, gb)).toBe('16:00');
    expect(timeOf(START, us)).toBe('4:00 PM');
    expect(timeRange({ startMs: START, endMs: END }, gb)).toBe('16:00–17:30');
    expect(timeRange({ startMs: START, endMs: END }, us).replace(/\s/g, ' ')).toBe('4:00 – 5:30 PM');
    expect(hourLabel(16, us)).toBe('4 PM');
    expect(hourLabel(16, gb)).toBe('16:00');
  });

  it('the accessible name of a lesson on the calendar', () => {
    const dir = { studentName: () => 'Ada Lovelace' } as never;
    const o = {
      startMs: START,
      endMs: END,
      subject: 'Maths',
      studentIds: ['s'],
      closed: false,
      status: 'scheduled',
      moved: false,
    } as never;
    expect(lessonLabel(o, dir, us, false).replace(/\s/g, ' ')).toBe('Maths with Ada Lovelace, 4:00 – 5:30 PM');
    expect(lessonLabel(o, dir, gb, false)).toBe('Maths with Ada Lovelace, 16:00–17:30');
  });

  it('lesson starts on invoice lines: "4:00 PM", never "04:00 PM"', () => {
    expect(formatLessonStart(START, 'en-US', LONDON)).not.toMatch(/04:00/);
    expect(formatLessonStart(START, 'en-US', LONDON)).toMatch(/4:00\sPM/);
    expect(formatLessonStart(START, 'en-GB', LONDON)).toMatch(/16:00/);
  });
});

describe('percentages in the practice locale', () => {
  it('tax rates and rates use Intl percent style, not "${n} %"', () => {
    expect(taxRateLabel(2000, 'en-GB')).toBe('20%');
    expect(taxRateLabel(750, 'en-GB')).toBe('7.5%');
    expect(taxRateLabel(750, 'de-DE')).toBe('7,5\u00a0%');
    expect(practiceFormat('fr-FR', 'UTC', 'EUR').percent(0.925, 1)).toMatch(/^92,5\s%$/);
  });
});
