/**
 * Double-booking detection: the same tutor, the same student or the same room in two lessons that
 * overlap in time. Intervals are half-open, so a lesson ending at 17:00 and one starting at 17:00
 * do not conflict. Occurrences skipped for a closure or cancelled do not occupy their slot.
 */
import { DateTime } from 'luxon';
import { expandLessons, isActive, type ExpandedOccurrence } from './expand';
import type { Closure, Lesson, Occurrence } from '../model/types';
import { roomKey } from './rooms';
import { MINUTE_MS, overlaps, toMs, type TimeRange } from './time';

export type ConflictKind = 'tutor' | 'student' | 'room';

/** The slot being booked or moved. */
export interface CandidateSlot {
  /** Occurrence id of the candidate when it already exists (so it is not compared with itself). */
  id?: string;
  /** Lesson id of the candidate: other occurrences of the same lesson are compared too (a series
   *  can collide with itself only through a moved occurrence). */
  lessonId?: string;
  start: string;
  end: string;
  tutorId: string;
  studentIds: readonly string[];
  room: string;
}

export interface Conflict {
  kind: ConflictKind;
  /** The candidate occurrence id (or '' for a slot that does not exist yet). */
  candidateId: string;
  candidateStart: string;
  /** The other lesson: its subject, students, tutor, room and time are on it. */
  other: ExpandedOccurrence;
  /** For 'student': the students booked in both; for 'tutor': [tutorId]; for 'room': [room]. */
  shared: string[];
  overlapStart: string;
  overlapEnd: string;
}

function slotConflicts(candidate: CandidateSlot, other: ExpandedOccurrence): Conflict[] {
  const s = toMs(candidate.start);
  const e = toMs(candidate.end);
  if (other.id === candidate.id || !isActive(other) || !overlaps(s, e, other.startMs, other.endMs)) return [];
  const base = {
    candidateId: candidate.id ?? '',
    candidateStart: new Date(s).toISOString(),
    other,
    overlapStart: new Date(Math.max(s, other.startMs)).toISOString(),
    overlapEnd: new Date(Math.min(e, other.endMs)).toISOString(),
  };
  const out: Conflict[] = [];
  if (candidate.tutorId && candidate.tutorId === other.tutorId) out.push({ ...base, kind: 'tutor', shared: [candidate.tutorId] });
  const students = candidate.studentIds.filter((id) => other.studentIds.includes(id));
  if (students.length) out.push({ ...base, kind: 'student', shared: students });
  if (candidate.room.trim() && roomKey(candidate.room) === roomKey(other.room))
    out.push({ ...base, kind: 'room', shared: [candidate.room.trim()] });
  return out;
}

/**
 * Conflicts of one slot with the occurrences around it (expand the range around the slot first,
 * e.g. the slot's day). The user may still proceed: this only informs the warning.
 */
export function findConflicts(candidate: CandidateSlot, others: readonly ExpandedOccurrence[]): Conflict[] {
  const out: Conflict[] = [];
  for (const o of others) out.push(...slotConflicts(candidate, o));
  return out.sort((a, b) => a.other.startMs - b.other.startMs || a.kind.localeCompare(b.kind));
}

/** The candidate slot of an expanded occurrence (e.g. to check where it was dragged to). */
export function slotOf(o: ExpandedOccurrence, moveTo?: { start: string; durationMinutes?: number }): CandidateSlot {
  const start = moveTo ? toMs(moveTo.start) : o.startMs;
  const minutes = moveTo?.durationMinutes ?? o.durationMinutes;
  return {
    id: o.id,
    lessonId: o.lessonId,
    start: new Date(start).toISOString(),
    end: new Date(start + minutes * MINUTE_MS).toISOString(),
    tutorId: o.tutorId,
    studentIds: o.studentIds,
    room: o.room,
  };
}

/**
 * Conflicts of a lesson being created or edited (one-off or series) with the existing lessons,
 * over `range` (for a series: e.g. the next 12 months). `draft` may be unsaved (any id); the
 * existing version of the same lesson id is left out of `lessons` automatically.
 */
export function findLessonConflicts(
  draft: Lesson,
  lessons: readonly Lesson[],
  occurrences: readonly Occurrence[],
  closures: readonly Closure[],
  range: TimeRange,
  practiceTz: string,
): Conflict[] {
  const mine = expandLessons([draft], occurrences, closures, range, practiceTz).filter(isActive);
  if (mine.length === 0) return [];
  const lastEnd = mine.reduce((max, o) => Math.max(max, o.endMs), 0);
  const widened: TimeRange = { start: mine[0]!.start, end: new Date(lastEnd).toISOString() };
  const others = expandLessons(
    lessons.filter((l) => l.id !== draft.id),
    occurrences,
    closures,
    widened,
    practiceTz,
  );
  return conflictsBetween(mine, others);
}

/**
 * Conflicts of each occurrence of `mine` with `others` (both expanded, e.g. a series after an
 * edit and the rest of the practice over the same range). Both lists are sorted by start here and
 * swept instead of compared pairwise; occurrences longer than a day are not supported as `others`.
 */
export function conflictsBetween(mine: readonly ExpandedOccurrence[], others: readonly ExpandedOccurrence[]): Conflict[] {
  const byStart = (x: ExpandedOccurrence, y: ExpandedOccurrence) => x.startMs - y.startMs;
  const a = mine.filter(isActive).sort(byStart);
  const b = others.slice().sort(byStart);
  const out: Conflict[] = [];
  let from = 0;
  for (const m of a) {
    while (from < b.length && b[from]!.startMs + 24 * 60 * MINUTE_MS <= m.startMs) from += 1;
    for (let i = from; i < b.length && b[i]!.startMs < m.endMs; i += 1) out.push(...slotConflicts(slotOf(m), b[i]!));
  }
  return out;
}

/** True when two occurrences share a tutor, a student or a room (time not checked). */
function mayClash(a: ExpandedOccurrence, b: ExpandedOccurrence): boolean {
  if (a.tutorId && a.tutorId === b.tutorId) return true;
  if (a.room && b.room && roomKey(a.room) !== '' && roomKey(a.room) === roomKey(b.room)) return true;
  for (const s of a.studentIds) if (b.studentIds.includes(s)) return true;
  return false;
}

export interface ConflictPair {
  a: ExpandedOccurrence;
  b: ExpandedOccurrence;
  kinds: ConflictKind[];
}

/**
 * Every double booking among already expanded occurrences (e.g. the visible range, after two
 * laptops booked the same slot offline). Returns the pairs and, per occurrence id, the conflicts
 * it is part of, so the calendar can flag each one.
 */
export function findAllConflicts(occurrences: readonly ExpandedOccurrence[]): {
  pairs: ConflictPair[];
  byOccurrence: Map<string, Conflict[]>;
} {
  const active = occurrences
    .filter(isActive)
    .slice()
    .sort((x, y) => x.startMs - y.startMs);
  const pairs: ConflictPair[] = [];
  const byOccurrence = new Map<string, Conflict[]>();
  const open: ExpandedOccurrence[] = [];
  for (const cur of active) {
    for (let i = open.length - 1; i >= 0; i -= 1) if (open[i]!.endMs <= cur.startMs) open.splice(i, 1);
    for (const prev of open) {
      // Cheap key check first: in a busy hour most overlapping lessons share nothing.
      if (!mayClash(prev, cur)) continue;
      const forward = slotConflicts(slotOf(prev), cur);
      if (!forward.length) continue;
      pairs.push({ a: prev, b: cur, kinds: forward.map((c) => c.kind) });
      const backward = slotConflicts(slotOf(cur), prev);
      byOccurrence.set(prev.id, [...(byOccurrence.get(prev.id) ?? []), ...forward]);
      byOccurrence.set(cur.id, [...(byOccurrence.get(cur.id) ?? []), ...backward]);
    }
    open.push(cur);
  }
  return { pairs, byOccurrence };
}

/**
 * The ids of the occurrences that are double-booked with another one in the list (what the
 * calendar flags), without building the Conflict objects: a sweep over start times with a cheap
 * shared tutor / student / room check, so a busy range (thousands of lessons, many at the same
 * hour) stays fast. Same answer as the keys of `findAllConflicts(...).byOccurrence`.
 */
export function conflictedIds(occurrences: readonly ExpandedOccurrence[]): Set<string> {
  const active = occurrences
    .filter(isActive)
    .slice()
    .sort((x, y) => x.startMs - y.startMs);
  const out = new Set<string>();
  const open: ExpandedOccurrence[] = [];
  for (const cur of active) {
    let keep = 0;
    for (let i = 0; i < open.length; i += 1) {
      const prev = open[i]!;
      if (prev.endMs <= cur.startMs) continue;
      open[keep++] = prev;
      if (prev.id !== cur.id && cur.endMs > prev.startMs && mayClash(prev, cur)) {
        out.add(prev.id);
        out.add(cur.id);
      }
    }
    open.length = keep;
    open.push(cur);
  }
  return out;
}

export interface ConflictNames {
  tutorName: (id: string) => string;
  studentName: (id: string) => string;
  timeZone: string;
  locale?: string;
}

/** A sentence for the warning dialog, naming the other lesson, e.g.
 * "Emily Chen is already teaching Maths (Olivia Smith) on Mon 10 Mar, 16:00–17:00." */
export function describeConflict(c: Conflict, names: ConflictNames): string {
  const locale = names.locale ?? 'en-GB';
  const s = DateTime.fromMillis(c.other.startMs, { zone: names.timeZone }).setLocale(locale);
  const e = DateTime.fromMillis(c.other.endMs, { zone: names.timeZone }).setLocale(locale);
  const when = `${s.toFormat('ccc d LLL')}, ${s.toLocaleString(DateTime.TIME_SIMPLE)}–${e.toLocaleString(DateTime.TIME_SIMPLE)}`;
  const students = c.other.studentIds.map(names.studentName).join(', ');
  const lesson = `${c.other.subject || 'a lesson'}${students ? ` (${students})` : ''}`;
  if (c.kind === 'tutor') return `${names.tutorName(c.shared[0]!)} is already teaching ${lesson} on ${when}.`;
  if (c.kind === 'student')
    return `${c.shared.map(names.studentName).join(', ')} ${c.shared.length > 1 ? 'are' : 'is'} already booked for ${lesson} with ${names.tutorName(c.other.tutorId)} on ${when}.`;
  return `${roomPhrase(c.shared[0]!)} is already used by ${lesson} on ${when}.`;
}

/** A room's name at the start of a sentence: "12" → "Room 12", "room 1" → "Room 1", "Studio" → "“Studio”". */
export function roomPhrase(name: string): string {
  if (/^\d/.test(name)) return `Room ${name}`;
  if (/^room\b/i.test(name)) return `R${name.slice(1)}`;
  return `“${name}”`;
}
