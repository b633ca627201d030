/**
 * Where a make-up lesson is first proposed. A week after the missed lesson is where the student's
 * own weekly lesson usually is, so the proposal is the first day after both the missed lesson and
 * now, at the missed lesson's local time of day, when neither the student, the tutor nor the room
 * is booked and the practice is not closed. The person booking may still pick any time.
 */
import { DateTime } from 'luxon';
import type { Closure, Lesson, Occurrence } from '../model/types';
import { findConflicts } from './conflicts';
import { expandLessons } from './expand';
import { MINUTE_MS, toMs } from './time';

export interface MakeupSlotInput {
  /** Start of the missed occurrence (UTC instant). */
  missedStart: string;
  durationMinutes: number;
  tutorId: string;
  studentId: string;
  room: string;
  /** The practice's IANA zone: the time of day is kept in it across DST changes. */
  zone: string;
  now: string;
  lessons: readonly Lesson[];
  occurrences: readonly Occurrence[];
  closures: readonly Closure[];
  /** How many days are tried (default 28). */
  maxDays?: number;
}

/** True when the local day `day` (YYYY-MM-DD) is inside one of the closures. */
function closedOn(day: string, closures: readonly Closure[]): boolean {
  return closures.some((c) => c.startDate <= day && day <= c.endDate);
}

/** Candidate starts: each following day at the missed lesson's local time, after `now`. */
function candidates(input: MakeupSlotInput, days: number): DateTime[] {
  const missed = DateTime.fromISO(input.missedStart, { zone: input.zone });
  const now = DateTime.fromISO(input.now, { zone: input.zone });
  const from = (now > missed ? now : missed).startOf('day');
  const out: DateTime[] = [];
  for (let i = 1; i <= days; i += 1) {
    const day = from.plus({ days: i });
    const at = day.set({ hour: missed.hour, minute: missed.minute, second: 0, millisecond: 0 });
    if (at > now) out.push(at);
  }
  return out;
}

/**
 * The proposed start (UTC ISO) of a make-up lesson; a week after the missed lesson (or after now)
 * when no day in `maxDays` is free, so the dialog's clash warning then explains the choice.
 */
export function proposeMakeupStart(input: MakeupSlotInput): string {
  const days = input.maxDays ?? 28;
  const slots = candidates(input, days);
  const fallback = DateTime.fromISO(input.missedStart, { zone: input.zone }).plus({ weeks: 1 });
  if (slots.length === 0) return fallback.toUTC().toISO()!;
  const durationMs = input.durationMinutes * MINUTE_MS;
  const range = {
    start: slots[0]!.toUTC().toISO()!,
    end: new Date(toMs(slots[slots.length - 1]!.toUTC().toISO()!) + durationMs).toISOString(),
  };
  const others = expandLessons(input.lessons, input.occurrences, input.closures, range, input.zone);
  for (const at of slots) {
    if (closedOn(at.toISODate()!, input.closures)) continue;
    const start = at.toUTC().toISO()!;
    const slot = {
      start,
      end: new Date(toMs(start) + durationMs).toISOString(),
      tutorId: input.tutorId,
      studentIds: [input.studentId],
      room: input.room,
    };
    if (findConflicts(slot, others).length === 0) return start;
  }
  let late = fallback;
  const now = DateTime.fromISO(input.now, { zone: input.zone });
  while (late < now) late = late.plus({ weeks: 1 });
  return late.toUTC().toISO()!;
}
