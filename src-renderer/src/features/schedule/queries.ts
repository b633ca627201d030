/**
 * Read side of the schedule UI: expansion of the visible range from the in-memory store
 * (memoised per store version and range), the conflict sweep of that range, conflicts that an
 * edit would create, and the directory of names/colours. All scheduling rules come from
 * src-shared/schedule; this file only decides what to expand and caches it.
 */
import { useEffect, useMemo } from 'react';
import type { Lesson, Occurrence, Staff, Student } from '../../../../src-shared/model/types';
import {
  expandLessons,
  type ExpandedOccurrence,
  findConflicts,
  isActive,
  slotOf,
  type Conflict,
  type SchedulePlan,
  parseOccurrenceId,
  materialise,
  isRuleInstance,
  DAY_MS,
  type TimeRange,
} from '../../../../src-shared/schedule';
import { conflictedIds, conflictsBetween } from '../../../../src-shared/schedule/conflicts';
import { inRoom } from '../../../../src-shared/schedule/rooms';
import { useLiveQuery } from '../../app/AppContext';
import type { ScheduleStore } from './store';

export interface ScheduleFilters {
  tutorId: string;
  studentId: string;
  location: string;
  /** A room's name, NO_ROOM (lessons without one) or '' (all). */
  room: string;
}

export const NO_FILTERS: ScheduleFilters = { tutorId: '', studentId: '', location: '', room: '' };

/** Whether any filter is on. */
export function isFiltered(f: ScheduleFilters): boolean {
  return Boolean(f.tutorId || f.studentId || f.location || f.room);
}

interface CacheEntry {
  key: string;
  occurrences: ExpandedOccurrence[];
  conflicts: Set<string> | null;
}
const cache = new WeakMap<ScheduleStore, { version: number; entries: CacheEntry[] }>();

function entryFor(store: ScheduleStore, range: TimeRange, tz: string): CacheEntry {
  let c = cache.get(store);
  if (!c || c.version !== store.version) cache.set(store, (c = { version: store.version, entries: [] }));
  const key = `${range.start}|${range.end}|${tz}`;
  let e = c.entries.find((x) => x.key === key);
  if (!e) {
    e = { key, occurrences: expandLessons(store.allLessons(), store.occurrenceIndex, store.allClosures(), range, tz), conflicts: null };
    c.entries.unshift(e);
    if (c.entries.length > 12) c.entries.pop();
  }
  return e;
}

/** Every occurrence of the practice in `range` (unfiltered), memoised per store version. */
export function expandRange(store: ScheduleStore, range: TimeRange, tz: string): ExpandedOccurrence[] {
  return entryFor(store, range, tz).occurrences;
}

/** Ids of the double-booked occurrences of the range (checked among all, never only the filtered ones). */
export function rangeConflicts(store: ScheduleStore, range: TimeRange, tz: string): Set<string> {
  const e = entryFor(store, range, tz);
  if (!e.conflicts) e.conflicts = conflictedIds(e.occurrences);
  return e.conflicts;
}

/** Runs `task` when the window is idle; returns what cancels it. */
export type IdleScheduler = (task: () => void) => () => void;

const whenIdle: IdleScheduler = (task) => {
  const handle = requestIdleCallback(task);
  return () => cancelIdleCallback(handle);
};

/**
 * Expands, while the window is idle, the ranges the user is likely to open next (the pages
 * before and after the one shown), so "Next week" finds its lessons and conflicts already worked
 * out. One idle task per range, in the order given; a click that comes before its range is done
 * works it out itself, as it would without this. The work goes into the same cache as the
 * screen's own (keyed by the store's version), so a change to the data after it makes it unused,
 * never shown. A task that finds the store changed since `version` stops: the screen starts
 * over with the new version. Returns what cancels the tasks not yet run.
 */
export function prefetchRanges(
  store: ScheduleStore,
  version: number,
  ranges: readonly TimeRange[],
  tz: string,
  idle: IdleScheduler = whenIdle,
): () => void {
  const pending = ranges.filter((r) => store.covers(r));
  let cancel: (() => void) | null = null;
  const next = () => {
    const range = pending.shift();
    if (!range) return;
    cancel = idle(() => {
      cancel = null;
      if (store.version !== version) return;
      rangeConflicts(store, range, tz);
      next();
    });
  };
  next();
  return () => cancel?.();
}

/** prefetchRanges for a screen: again whenever the data or the ranges change. */
export function usePrefetchRanges(store: ScheduleStore, version: number, ranges: readonly TimeRange[], tz: string): void {
  const key = ranges.map((r) => `${r.start}|${r.end}`).join(',');
  useEffect(() => {
    if (version < 0 || typeof requestIdleCallback !== 'function') return;
    return prefetchRanges(store, version, ranges, tz);
    // `key` stands for `ranges`, which is a new array on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, key, tz]);
}

/** The double bookings of one occurrence, each naming the other lesson (for the details panel). */
export function occurrenceConflicts(store: ScheduleStore, o: ExpandedOccurrence, tz: string): Conflict[] {
  const around = expandRange(
    store,
    { start: new Date(o.startMs - DAY_MS).toISOString(), end: new Date(o.endMs + DAY_MS).toISOString() },
    tz,
  );
  return isActive(o) ? findConflicts(slotOf(o), around) : [];
}

export function matchesFilters(o: ExpandedOccurrence, f: ScheduleFilters): boolean {
  if (f.tutorId && o.tutorId !== f.tutorId) return false;
  if (f.studentId && !o.studentIds.includes(f.studentId)) return false;
  if (f.location) {
    if (f.location === '__online') return o.onlineUrl !== '';
    if (o.location !== f.location) return false;
  }
  return inRoom(o, f.room);
}

/**
 * The visible occurrences and the conflict flags of a range, re-computed only when data or range
 * change. For a range older than what the store holds, older documents are loaded first
 * (`loading` is true meanwhile and nothing is shown, rather than lessons without their
 * attendance or moves).
 */
export function useRangeOccurrences(store: ScheduleStore, version: number, range: TimeRange, tz: string, filters: ScheduleFilters) {
  const covered = version >= 0 && store.covers(range);
  useEffect(() => {
    if (version >= 0 && !covered) void store.ensureLoaded(Date.parse(range.start));
  }, [store, version, covered, range.start]);
  return useMemo(() => {
    if (!covered) return { occurrences: [] as ExpandedOccurrence[], conflicts: new Set<string>(), loading: true };
    const all = expandRange(store, range, tz);
    const conflicts = rangeConflicts(store, range, tz);
    const occurrences = isFiltered(filters) ? all.filter((o) => matchesFilters(o, filters)) : all;
    return { occurrences, conflicts, loading: false };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, covered, range.start, range.end, tz, filters.tutorId, filters.studentId, filters.location, filters.room]);
}

/** Re-builds one expanded occurrence from the store by its id (null if it no longer exists). */
export function occurrenceById(store: ScheduleStore, id: string, tz: string): ExpandedOccurrence | null {
  const parsed = parseOccurrenceId(id);
  if (!parsed) return null;
  const lesson = store.lessons.get(parsed.lessonId);
  if (!lesson || lesson.cancelled) return null;
  const ms = Date.parse(parsed.originalStart);
  if (lesson.exdates.some((d) => Date.parse(d) === ms)) return null;
  try {
    if (!isRuleInstance(lesson, ms)) return null;
  } catch {
    return null;
  }
  return materialise(lesson, ms, store.occurrenceIndex.get(lesson.id)?.get(ms), store.allClosures(), tz);
}

/** The state after a plan is written, for checking it before writing. */
function simulate(store: ScheduleStore, plan: SchedulePlan): { lessons: Map<string, Lesson>; index: Map<string, Map<number, Occurrence>> } {
  const lessons = new Map(store.lessons);
  for (const l of plan.lessons) lessons.set(l.id, l);
  const index = new Map(store.occurrenceIndex);
  const touch = (lessonId: string) => {
    const copy = new Map(index.get(lessonId) ?? []);
    index.set(lessonId, copy);
    return copy;
  };
  const touched = new Map<string, Map<number, Occurrence>>();
  const get = (lessonId: string) => touched.get(lessonId) ?? (touched.set(lessonId, touch(lessonId)), touched.get(lessonId)!);
  for (const id of plan.deleteOccurrenceIds) {
    const p = parseOccurrenceId(id);
    if (p) get(p.lessonId).delete(Date.parse(p.originalStart));
  }
  for (const o of plan.occurrences) get(o.lessonId).set(Date.parse(o.originalStart), o);
  return { lessons, index };
}

/**
 * Double bookings an edit would create: the changed occurrences (a moved one, or every lesson of
 * a created/edited series from `fromMs` for a year) against the rest of the practice. Only
 * lessons that share a tutor, a student or a room with them are expanded.
 */
export function planConflicts(store: ScheduleStore, plan: SchedulePlan, tz: string, fromMs: number, horizonDays = 366): Conflict[] {
  const { lessons, index } = simulate(store, plan);
  const changedLessonIds = new Set(plan.lessons.map((l) => l.id));
  const changedOccurrenceIds = new Set(plan.occurrences.map((o) => o.id));
  const affectedIds = new Set([...changedLessonIds, ...plan.occurrences.map((o) => o.lessonId)]);
  const affected = [...affectedIds].map((id) => lessons.get(id)).filter((l): l is Lesson => Boolean(l && !l.cancelled));
  if (affected.length === 0) return [];
  const closures = store.allClosures();
  const range: TimeRange = { start: new Date(fromMs - DAY_MS).toISOString(), end: new Date(fromMs + horizonDays * DAY_MS).toISOString() };
  const mine = expandLessons(affected, index, closures, range, tz).filter(
    (o) => o.endMs > fromMs && (changedLessonIds.has(o.lessonId) || changedOccurrenceIds.has(o.id)),
  );
  if (mine.length === 0) return [];
  const tutors = new Set(mine.map((o) => o.tutorId));
  const students = new Set(mine.flatMap((o) => o.studentIds));
  const rooms = new Set(mine.map((o) => o.room.trim().toLowerCase()).filter(Boolean));
  const overrideHits = new Set<string>();
  for (const [lessonId, m] of index) {
    for (const o of m.values())
      if ((o.tutorId && tutors.has(o.tutorId)) || (o.room && rooms.has(o.room.trim().toLowerCase()))) overrideHits.add(lessonId);
  }
  const relevant = [...lessons.values()].filter(
    (l) =>
      !affectedIds.has(l.id) &&
      !l.cancelled &&
      (tutors.has(l.tutorId) ||
        l.studentIds.some((s) => students.has(s)) ||
        rooms.has(l.room.trim().toLowerCase()) ||
        overrideHits.has(l.id)),
  );
  const first = Math.min(...mine.map((o) => o.startMs));
  const last = Math.max(...mine.map((o) => o.endMs));
  const others = expandLessons(
    relevant,
    index,
    closures,
    { start: new Date(first - DAY_MS).toISOString(), end: new Date(last).toISOString() },
    tz,
  );
  return conflictsBetween(mine, others);
}

export interface Directory {
  staff: Staff[];
  tutors: Staff[];
  students: Student[];
  staffById: Map<string, Staff>;
  studentById: Map<string, Student>;
  tutorName(id: string): string;
  studentName(id: string): string;
  colour(tutorId: string): string;
}

export function studentFullName(s: Student): string {
  return `${s.firstName} ${s.lastName}`.trim();
}

/** Staff and students, by id, with display names and tutor colours. */
export function useDirectory(): Directory {
  const { docs: staff } = useLiveQuery('staff');
  const { docs: students } = useLiveQuery('students');
  return useMemo(() => {
    const staffById = new Map(staff.map((s) => [s.id, s]));
    const studentById = new Map(students.map((s) => [s.id, s]));
    const names = new Map(students.map((s) => [s.id, studentFullName(s)]));
    const sortedStaff = [...staff].sort((a, b) => a.name.localeCompare(b.name));
    let sortedStudents: Student[] | null = null;
    return {
      staff: sortedStaff,
      tutors: sortedStaff.filter((s) => s.active),
      // Sorted on first use (the always-mounted top bar item never asks; sorting 10,000 names
      // took ~30 ms of the Students screen's first render), then the same array.
      get students() {
        if (!sortedStudents) sortedStudents = [...students].sort((a, b) => (names.get(a.id) ?? '').localeCompare(names.get(b.id) ?? ''));
        return sortedStudents;
      },
      staffById,
      studentById,
      tutorName: (id: string) => staffById.get(id)?.name ?? 'Unknown tutor',
      studentName: (id: string) => names.get(id) ?? 'Unknown student',
      colour: (id: string) => staffById.get(id)?.colour || '#64748b',
    };
  }, [staff, students]);
}
