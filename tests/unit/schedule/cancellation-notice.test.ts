import { describe, expect, it } from 'vitest';
import type { PracticeSettings } from '../../../src-shared/model/types';
import { describeCancellationNotice, formatNotice } from '../../../src-shared/schedule/cancellation-notice';

const policy: PracticeSettings['attendance'] = {
  billable: ['attended'],
  payable: ['attended'],
  cancellationNoticeHours: 24,
  makeupForInTimeCancellation: true,
};
const start = '2026-03-10T16:00:00.000Z';

describe('cancellation notice', () => {
  it('says how much notice was given and whether it is in time by the notice window', () => {
    const inTime = describeCancellationNotice(start, '2026-03-09T10:00:00.000Z', policy);
    expect(inTime).toMatchObject({ inTime: true, grantsMakeup: true, noticeText: '30 hours before' });
    expect(inTime.text).toBe('Cancelled 30 hours before: in time, make-up credit granted');

    const late = describeCancellationNotice(start, '2026-03-10T11:00:00.000Z', policy);
    expect(late).toMatchObject({ inTime: false, grantsMakeup: false });
    expect(late.text).toBe('Cancelled 5 hours before: late (less than 24 hours’ notice), no make-up credit');

    // Exactly the window is in time; one minute less is late.
    expect(describeCancellationNotice(start, '2026-03-09T16:00:00.000Z', policy).inTime).toBe(true);
    expect(describeCancellationNotice(start, '2026-03-09T16:01:00.000Z', policy).inTime).toBe(false);
  });

  it('follows the settings: a different window, make-up credits off, cancelling after the start', () => {
    const off = describeCancellationNotice(start, '2026-03-10T11:00:00.000Z', {
      billable: [],
      payable: [],
      cancellationNoticeHours: 4,
      makeupForInTimeCancellation: false,
    });
    expect(off).toMatchObject({ inTime: true, grantsMakeup: false });
    expect(off.text).toBe('Cancelled 5 hours before: in time, no make-up credit (make-up credits are turned off)');
    const after = describeCancellationNotice(start, '2026-03-10T16:20:00.000Z', policy);
    expect(after.text).toBe('Cancelled 20 minutes after the start: late (less than 24 hours’ notice), no make-up credit');
  });

  it('formats durations in minutes, hours, then days and hours', () => {
    expect(formatNotice(60_000)).toBe('1 minute');
    expect(formatNotice(45 * 60_000)).toBe('45 minutes');
    expect(formatNotice(3_600_000)).toBe('1 hour');
    expect(formatNotice(71 * 3_600_000 + 59 * 60_000)).toBe('71 hours');
    expect(formatNotice(72 * 3_600_000)).toBe('3 days');
    expect(formatNotice(99 * 3_600_000)).toBe('4 days 3 hours');
  });
});
