/**
 * Invoice lines say why they are charged (docs/billing.md "Why a line is charged"). A lesson that
 * did not take place as booked — a late cancellation, a no-show — or a make-up lesson is billed
 * with a second line of text under the lesson, in the words of the practice's attendance policy:
 *
 *   Maths · Tue 3 Mar 2026, 16:00 · 60 min — Aisha
 *   Late cancellation: cancelled with less than 24 hours' notice
 *
 * The reason is written into the line's description when the draft is generated (so the issued
 * invoice keeps the wording of the policy at that time, and the app, the PDF and the CSV all show
 * it), separated from the lesson by a line break: `splitLineDescription` takes it apart again for
 * the PDF layout and the CSV's "Charged as" column.
 *
 * Pure; the billing core does not import the schedule module.
 */
import type { AttendanceStatus, PracticeSettings } from '../model/types';
import { countOf, formOf } from '../locale/count';
import { NOUNS } from '../locale/wording';

/** Which kinds of reason a practice may word differently (planned: settings.attendance.chargeWording). */
export type ChargeReasonKind = 'late_cancellation' | 'no_show' | 'in_time_cancellation' | 'tutor_cancellation' | 'makeup';

/**
 * The default wording. `{notice}` is the practice's notice period ("24 hours'", "2 days'"),
 * `{date}` the date of the lesson a make-up replaces.
 */
export const DEFAULT_CHARGE_WORDING: Readonly<Record<ChargeReasonKind, string>> = {
  late_cancellation: 'Late cancellation: cancelled with less than {notice} notice',
  no_show: 'No-show: the lesson was missed without notice',
  in_time_cancellation: 'Cancelled with {notice} notice or more, charged under the cancellation policy',
  tutor_cancellation: 'Cancelled by the tutor, charged under the cancellation policy',
  makeup: 'Make-up for the lesson of {date}',
};

export interface ChargePolicy {
  cancellationNoticeHours: PracticeSettings['attendance']['cancellationNoticeHours'];
  /** Overrides of the wording (planned settings field); absent keys use DEFAULT_CHARGE_WORDING. */
  wording?: Partial<Record<ChargeReasonKind, string>>;
}

/** "24 hours'", "1 hour's", "2 days'" (whole days from 48 hours). */
export function noticeWords(hours: number): string {
  if (hours >= 48 && hours % 24 === 0) return `${hours / 24} days'`;
  return `${countOf(hours, NOUNS.hour)}${formOf(hours, { one: "'s", other: "'" })}`;
}

const STATUS_REASON: Partial<Record<AttendanceStatus, ChargeReasonKind>> = {
  cancelled_student_late: 'late_cancellation',
  no_show: 'no_show',
  cancelled_student_in_time: 'in_time_cancellation',
  cancelled_tutor: 'tutor_cancellation',
};

/** The start instant named by an occurrence id (`${lessonId}@${originalStart}`), '' when none. */
export function occurrenceStart(occurrenceId: string): string {
  const at = occurrenceId.lastIndexOf('@');
  if (at <= 0) return '';
  const start = occurrenceId.slice(at + 1);
  return Number.isFinite(Date.parse(start)) ? start : '';
}

/**
 * Why a billed lesson is charged, in the policy's words ('' for a lesson attended as booked).
 * `formatDate` writes the replaced lesson's date for a make-up (in the practice zone and locale).
 */
export function chargeReason(
  args: { status: AttendanceStatus; makeupForOccurrenceId?: string },
  policy: ChargePolicy,
  formatDate: (instant: string) => string,
): string {
  const words = (kind: ChargeReasonKind) => policy.wording?.[kind]?.trim() || DEFAULT_CHARGE_WORDING[kind];
  const parts: string[] = [];
  const makeupStart = args.makeupForOccurrenceId ? occurrenceStart(args.makeupForOccurrenceId) : '';
  if (makeupStart) parts.push(words('makeup').replace('{date}', formatDate(makeupStart)));
  const kind = STATUS_REASON[args.status];
  if (kind) parts.push(words(kind).replace('{notice}', noticeWords(policy.cancellationNoticeHours)));
  return parts.join(' · ');
}

/** Appends the reason under the lesson text ('' = no reason, the description unchanged). */
export function withChargeReason(description: string, reason: string): string {
  return reason ? `${description}\n${reason}` : description;
}

/** A line's description taken apart: the first line, and the reason written under it ('' when none). */
export function splitLineDescription(description: string): { main: string; reason: string } {
  const i = description.indexOf('\n');
  return i < 0 ? { main: description, reason: '' } : { main: description.slice(0, i), reason: description.slice(i + 1).trim() };
}
