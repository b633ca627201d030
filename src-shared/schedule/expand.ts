/**
 * Expands lessons into the concrete occurrences of a visible range (never the whole series), with
 * per-occurrence overrides (Occurrence documents), skipped dates (Lesson.exdates) and practice
 * closures applied.
 */
import type { AttendanceStatus, Closure, Lesson, Occurrence } from '../model/types';
import { lessonProblem } from './validity';
import { ruleInstances } from './recurrence';
import { DAY_MS, MINUTE_MS, localDate, toMs, type TimeRange } from './time';

export interface ExpandedOccurrence {
  /** Deterministic occurrence id `${lessonId}@${originalStart}` (the Occurrence document id). */
  id: string;
  lessonId: string;
  /** The instant the rule generated (canonical ISO); stays the key when the occurrence is moved. */
  originalStart: string;
  /** Effective start/end (after a move or duration override), ISO instants. */
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  durationMinutes: number;
  tutorId: string;
  studentIds: string[];
  subject: string;
  location: string;
  onlineUrl: string;
  room: string;
  status: AttendanceStatus;
  /** Per-student status for group lessons (falls back to `status`): see `studentAttendance()`. */
  studentStatus: Record<string, AttendanceStatus>;
  makeupGranted: boolean;
  /** Part of a recurring series (vs. a one-off lesson). */
  recurring: boolean;
  /** The start was moved by a per-occurrence override. */
  moved: boolean;
  /** Any override (start, duration, tutor or room) applies. */
  overridden: boolean;
  /** Skipped because the practice is closed that day (series only; the calendar shows it greyed). */
  closed: boolean;
  /** Label of the closure covering the occurrence's day ('' if none); also set for one-offs. */
  closureLabel: string;
  /** This lesson is a make-up for that occurrence id ('' otherwise). */
  makeupForOccurrenceId: string;
  lesson: Lesson;
  /** The stored Occurrence document, if any. */
  occurrence: Occurrence | null;
}

/** A lesson the schedule could not expand (and skipped), with the reason for a person. */
export interface LessonProblem {
  lessonId: string;
  reason: string;
}

export interface ExpandOptions {
  /** Include occurrences skipped by a closure (flagged `closed`); default true. */
  includeClosed?: boolean;
  /**
   * Called for each lesson that cannot be expanded (unknown time zone, unsupported repeat rule,
   * invalid start, a rule making far too many lessons); the lesson is skipped, the rest of the
   * schedule is expanded as usual.
   */
  onBadLesson?: (problem: LessonProblem) => void;
}

export function occurrenceId(lessonId: string, originalStart: string | number): string {
  return `${lessonId}@${new Date(toMs(originalStart)).toISOString()}`;
}

/** Splits an occurrence id back into lesson id and original start. */
export function parseOccurrenceId(id: string): { lessonId: string; originalStart: string } | null {
  const at = id.lastIndexOf('@');
  if (at <= 0) return null;
  const originalStart = id.slice(at + 1);
  if (!Number.isFinite(Date.parse(originalStart))) return null;
  return { lessonId: id.slice(0, at), originalStart };
}

/** Finds the closure covering a local date (YYYY-MM-DD), if any. */
export function closureOn(date: string, closures: readonly Closure[]): Closure | undefined {
  return closures.find((c) => c.startDate <= date && date <= c.endDate);
}

/** Groups Occurrence documents by lesson id and original start, for expansion. */
export function indexOccurrences(occurrences: readonly Occurrence[]): Map<string, Map<number, Occurrence>> {
  const byLesson = new Map<string, Map<number, Occurrence>>();
  for (const o of occurrences) {
    let m = byLesson.get(o.lessonId);
    if (!m) byLesson.set(o.lessonId, (m = new Map()));
    m.set(toMs(o.originalStart), o);
  }
  return byLesson;
}

/** Builds one expanded occurrence of `lesson` at `originalMs` (no range or exdate checks). */
export function materialise(
  lesson: Lesson,
  originalMs: number,
  occ: Occurrence | null | undefined,
  closures: readonly Closure[],
  practiceTz: string,
): ExpandedOccurrence {
  const recurring = lesson.rrule !== '';
  const movedStart = occ?.start ? toMs(occ.start) : NaN;
  const moved = Number.isFinite(movedStart) && movedStart !== originalMs;
  const startMs = moved ? movedStart : originalMs;
  const durationMinutes = occ && occ.durationMinutes > 0 ? occ.durationMinutes : lesson.durationMinutes;
  const endMs = startMs + durationMinutes * MINUTE_MS;
  const tutorId = occ?.tutorId || lesson.tutorId;
  const room = occ?.room || lesson.room;
  const status = occ?.status ?? 'scheduled';
  const closure = closures.length ? closureOn(localDate(moved ? startMs : originalMs, practiceTz), closures) : undefined;
  const closed = recurring && !moved && closure !== undefined && status === 'scheduled';
  const originalStart = new Date(originalMs).toISOString();
  return {
    id: `${lesson.id}@${originalStart}`,
    lessonId: lesson.id,
    originalStart,
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    startMs,
    endMs,
    durationMinutes,
    tutorId,
    studentIds: lesson.studentIds,
    subject: lesson.subject,
    location: lesson.location,
    onlineUrl: lesson.onlineUrl,
    room,
    status,
    studentStatus: occ?.studentStatus ?? {},
    makeupGranted: occ?.makeupGranted ?? false,
    recurring,
    moved,
    overridden: moved || (occ !== null && occ !== undefined && (occ.durationMinutes > 0 || occ.tutorId !== '' || occ.room !== '')),
    closed,
    closureLabel: closure?.label ?? '',
    makeupForOccurrenceId: lesson.makeupForOccurrenceId,
    lesson,
    occurrence: occ ?? null,
  };
}

/**
 * All concrete occurrences of `lessons` that overlap `range` (start < range.end and end >
 * range.start), sorted by start then id. Cancelled lessons (Lesson.cancelled) and skipped dates
 * (exdates) are left out; occurrences on closed days are included flagged `closed` unless
 * `includeClosed: false`. Moved occurrences appear where they were moved to. Cost is proportional
 * to the occurrences in (and just around) the range, not to the length of the series.
 */
export function expandLessons(
  lessons: readonly Lesson[],
  occurrences: readonly Occurrence[] | Map<string, Map<number, Occurrence>>,
  closures: readonly Closure[],
  range: TimeRange,
  practiceTz: string,
  options: ExpandOptions = {},
): ExpandedOccurrence[] {
  const includeClosed = options.includeClosed ?? true;
  const fromMs = toMs(range.start);
  const toMs_ = toMs(range.end);
  const byLesson = occurrences instanceof Map ? occurrences : indexOccurrences(occurrences);
  const out: ExpandedOccurrence[] = [];
  for (const lesson of lessons) {
    if (lesson.cancelled) continue;
    const problem = lessonProblem(lesson);
    if (problem) {
      options.onBadLesson?.({ lessonId: lesson.id, reason: problem });
      continue;
    }
    const overrides = byLesson.get(lesson.id);
    const mine: ExpandedOccurrence[] = [];
    try {
      const exdates = lesson.exdates.length ? new Set(lesson.exdates.map(toMs)) : null;
      const seen = new Set<number>();
      const consider = (originalMs: number) => {
        if (seen.has(originalMs)) return;
        seen.add(originalMs);
        if (exdates?.has(originalMs)) return;
        const e = materialise(lesson, originalMs, overrides?.get(originalMs), closures, practiceTz);
        if (e.startMs < toMs_ && e.endMs > fromMs && (includeClosed || !e.closed)) mine.push(e);
      };
      // Longest possible duration before the range: the lesson's or the longest override's.
      let maxMinutes = lesson.durationMinutes;
      if (overrides) for (const o of overrides.values()) maxMinutes = Math.max(maxMinutes, o.durationMinutes);
      for (const ms of ruleInstances(lesson, fromMs - maxMinutes * MINUTE_MS, toMs_)) consider(ms);
      // Occurrences moved into the range from an original start outside it.
      if (overrides) {
        for (const [originalMs, o] of overrides) {
          if (seen.has(originalMs) || !o.start) continue;
          const s = toMs(o.start);
          if (s >= toMs_ || s + DAY_MS * 2 < fromMs) continue;
          if (ruleInstances(lesson, originalMs, originalMs + 1).length === 1) consider(originalMs);
        }
      }
    } catch (e) {
      options.onBadLesson?.({ lessonId: lesson.id, reason: (e as Error).message });
      continue;
    }
    for (const e of mine) out.push(e);
  }
  out.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

/** The attendance status of one student in an occurrence (group lessons may differ per student). */
export function studentAttendance(o: Pick<ExpandedOccurrence, 'status' | 'studentStatus'>, studentId: string): AttendanceStatus {
  return o.studentStatus[studentId] ?? o.status;
}

/** True when the occurrence takes place (not skipped for a closure and not cancelled). */
export function isActive(o: Pick<ExpandedOccurrence, 'closed' | 'status'>): boolean {
  return !o.closed && !o.status.startsWith('cancelled');
}
