/**
 * What the attendance controls tell the user about a student cancellation: how much notice was
 * given and what the practice's policy makes of it (settings.attendance), e.g.
 * "Cancelled 30 hours before: in time, make-up credit granted".
 */
import type { PracticeSettings } from '../model/types';
import { classifyCancellation } from './attendance';
import { HOUR_MS, MINUTE_MS, toMs } from './time';
import { countOf } from '../locale/count';
import { NOUNS } from '../locale/wording';

export interface CancellationNotice {
  /** Lesson start − moment of cancelling, in ms (negative: cancelled after the start). */
  noticeMs: number;
  inTime: boolean;
  grantsMakeup: boolean;
  /** "30 hours before", "2 days 3 hours before", "20 minutes after the start". */
  noticeText: string;
  /** The full sentence for the user. */
  text: string;
}

/** A duration in words: minutes under an hour, hours up to 72 hours, then days and hours. */
export function formatNotice(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < HOUR_MS) return countOf(Math.floor(abs / MINUTE_MS), NOUNS.minute);
  const hours = Math.floor(abs / HOUR_MS);
  if (hours < 72) return countOf(hours, NOUNS.hour);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${countOf(days, NOUNS.day)} ${countOf(rest, NOUNS.hour)}` : countOf(days, NOUNS.day);
}

export function describeCancellationNotice(
  lessonStart: string | number,
  cancelledAt: string | number | Date,
  settings: PracticeSettings['attendance'],
): CancellationNotice {
  const noticeMs = toMs(lessonStart) - toMs(cancelledAt);
  const inTime = classifyCancellation(lessonStart, cancelledAt, settings.cancellationNoticeHours) === 'cancelled_student_in_time';
  const grantsMakeup = inTime && settings.makeupForInTimeCancellation;
  const noticeText = noticeMs >= 0 ? `${formatNotice(noticeMs)} before` : `${formatNotice(noticeMs)} after the start`;
  const window = countOf(settings.cancellationNoticeHours, NOUNS.hour);
  const text = inTime
    ? `Cancelled ${noticeText}: in time, ${grantsMakeup ? 'make-up credit granted' : 'no make-up credit (make-up credits are turned off)'}`
    : `Cancelled ${noticeText}: late (less than ${window}’ notice), no make-up credit`;
  return { noticeMs, inTime, grantsMakeup, noticeText, text };
}
