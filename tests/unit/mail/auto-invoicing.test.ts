/** Automatic invoicing: the run day (short months), once per month, the practice time zone, missed months. */
import { describe, expect, it } from 'vitest';
import { autoInvoicingDue, runDayIn } from '../../../src-shared/mail/auto-invoicing';

const TZ = 'Europe/London';
const due = (now: string, dayOfMonth: number, lastRunMonth = '', enabled = true, timeZone = TZ) =>
  autoInvoicingDue({ settings: { enabled, dayOfMonth }, lastRunMonth, now: new Date(now), timeZone });

describe('runDayIn', () => {
  it('takes the last day of a shorter month', () => {
    expect(runDayIn('2026-04', 31)).toBe(30);
    expect(runDayIn('2026-02', 30)).toBe(28);
    expect(runDayIn('2028-02', 31)).toBe(29);
    expect(runDayIn('2026-01', 31)).toBe(31);
    expect(runDayIn('2026-01', 1)).toBe(1);
  });
});

describe('autoInvoicingDue', () => {
  it('does nothing when turned off', () => {
    expect(due('2026-05-20T12:00:00Z', 1, '', false)).toBeNull();
  });

  it('runs on the first start on or after the day, billing the month just ended', () => {
    expect(due('2026-05-04T12:00:00Z', 5)).toBeNull();
    expect(due('2026-05-05T08:00:00Z', 5)).toEqual({ month: '2026-04', runMonth: '2026-05', missed: [] });
    expect(due('2026-05-28T08:00:00Z', 5, '2026-04')).toEqual({ month: '2026-04', runMonth: '2026-05', missed: [] });
  });

  it('runs once per month', () => {
    expect(due('2026-05-06T08:00:00Z', 5, '2026-05')).toBeNull();
    expect(due('2026-05-31T23:00:00Z', 5, '2026-05')).toBeNull(); // 1 June 00:00 BST: June's day not reached
    expect(due('2026-06-05T08:00:00Z', 5, '2026-05')).toEqual({ month: '2026-05', runMonth: '2026-06', missed: [] });
  });

  it('day 31 in a 30-day month, and 29–31 in February, mean the last day', () => {
    expect(due('2026-04-29T12:00:00Z', 31, '2026-03')).toBeNull();
    expect(due('2026-04-30T12:00:00Z', 31, '2026-03')).toEqual({ month: '2026-03', runMonth: '2026-04', missed: [] });
    expect(due('2026-02-27T12:00:00Z', 29, '2026-01')).toBeNull();
    expect(due('2026-02-28T12:00:00Z', 29, '2026-01')).toMatchObject({ month: '2026-01' });
    expect(due('2028-02-28T12:00:00Z', 30, '2028-01')).toBeNull();
    expect(due('2028-02-29T12:00:00Z', 30, '2028-01')).toMatchObject({ month: '2028-01' });
    // December's run on the 31st bills November; January's bills December.
    expect(due('2026-12-31T12:00:00Z', 31, '2026-11')).toMatchObject({ month: '2026-11', runMonth: '2026-12' });
    expect(due('2027-01-31T12:00:00Z', 31, '2026-12')).toMatchObject({ month: '2026-12', runMonth: '2027-01' });
  });

  it('uses the practice time zone for the day', () => {
    // 30 April 23:30 UTC is 1 May 00:30 in London, but still 30 April in New York.
    expect(due('2026-04-30T23:30:00Z', 1, '2026-04')).toMatchObject({ month: '2026-04', runMonth: '2026-05' });
    expect(due('2026-04-30T23:30:00Z', 1, '2026-04', true, 'America/New_York')).toBeNull();
  });

  it('lists the months whose run was missed', () => {
    expect(due('2026-04-10T12:00:00Z', 5, '2026-01')).toEqual({ month: '2026-03', runMonth: '2026-04', missed: ['2026-01', '2026-02'] });
    expect(due('2026-04-10T12:00:00Z', 5, '2026-03')?.missed).toEqual([]);
  });

  it('refuses nonsense settings', () => {
    expect(() => due('2026-04-10T12:00:00Z', 0)).toThrow(RangeError);
    expect(() => due('2026-04-10T12:00:00Z', 32)).toThrow(RangeError);
    expect(() => due('2026-04-10T12:00:00Z', 5, 'April')).toThrow(RangeError);
    expect(() => due('2026-04-10T12:00:00Z', 5, '', true, 'Mars/Olympus')).toThrow(RangeError);
  });
});
