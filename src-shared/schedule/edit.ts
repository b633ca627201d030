/**
 * Editing lessons and series as pure functions that return the documents to write: create a
 * lesson, skip/restore one date, move or change one occurrence, edit "this / this and following /
 * all", end a series. Nothing here touches a database; the caller upserts `lessons` and
 * `occurrences` and removes `deleteOccurrenceIds`.
 *
 * Occurrence ids are `${lessonId}@${originalStart}`: when an edit changes which instants a rule
 * generates (or moves occurrences to a new series), stored Occurrence documents of the affected
 * future instances are carried over to the instance on the same local date, and occurrence docs
 * that cannot be carried but hold attendance are reported as `orphaned` (never deleted silently).
 */
import { DateTime } from 'luxon';
import { stampChange, type ChangeContext, type SyncMeta } from '../model/meta';
import type { Lesson, Occurrence } from '../model/types';
import { occurrenceId } from './expand';
import {
  WEEKDAY_CODES,
  firstInstance,
  isRuleInstance,
  joinRRuleParts,
  ruleInstances,
  rruleCount,
  rruleParts,
  withRRuleEnd,
  type WeekdayCode,
} from './recurrence';
import { canonicalInstant, isValidZone, localDate, startOfLocalDay, toMs } from './time';
import { isAllowedLessonRule, isKnownTimeZone } from '../model/timing';

export type LessonValues = Omit<Lesson, keyof SyncMeta>;
/** Fields a user may change on a lesson. `start` means: where the occurrence being edited should now start. */
export type LessonChanges = Partial<Omit<LessonValues, 'exdates' | 'splitFrom' | 'cancelled'>>;
/** Fields one occurrence can override without leaving its series. */
export interface OccurrencePatch {
  start?: string;
  durationMinutes?: number;
  tutorId?: string;
  room?: string;
}
export type EditScope = 'this' | 'following' | 'all';

/** Documents to write for one edit. */
export interface SchedulePlan {
  lessons: Lesson[];
  occurrences: Occurrence[];
  deleteOccurrenceIds: string[];
  /** Occurrence docs holding attendance whose instance no longer exists: kept, shown to the user. */
  orphaned: Occurrence[];
}

export type FieldErrors = Record<string, string>;

const OVERRIDABLE = new Set(['start', 'durationMinutes', 'tutorId', 'room']);
const TIMING = new Set(['start', 'rrule', 'timeZone']);

function emptyPlan(): SchedulePlan {
  return { lessons: [], occurrences: [], deleteOccurrenceIds: [], orphaned: [] };
}

export function lessonValues(lesson: Lesson): LessonValues {
  const { id: _id, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...values } = lesson;
  return values;
}

export function defaultLessonValues(): LessonValues {
  return {
    tutorId: '',
    studentIds: [],
    subject: '',
    location: '',
    onlineUrl: '',
    room: '',
    rateOverride: null,
    start: '',
    durationMinutes: 60,
    timeZone: 'UTC',
    rrule: '',
    exdates: [],
    splitFrom: '',
    makeupForOccurrenceId: '',
    notes: '',
    cancelled: false,
  };
}

/** Field → message for the lesson editor ({} when valid). */
export function validateLessonValues(v: Partial<LessonValues>): FieldErrors {
  const errors: FieldErrors = {};
  if (!v.tutorId) errors.tutorId = 'Choose a tutor';
  if (!v.studentIds || v.studentIds.length === 0) errors.studentIds = 'Choose at least one student';
  if (!v.start || !Number.isFinite(Date.parse(v.start))) errors.start = 'Enter a start date and time';
  if (!Number.isInteger(v.durationMinutes) || (v.durationMinutes ?? 0) < 1 || (v.durationMinutes ?? 0) > 24 * 60)
    errors.durationMinutes = 'The duration must be between 1 minute and 24 hours';
  if (!v.timeZone || !isKnownTimeZone(v.timeZone) || !isValidZone(v.timeZone)) errors.timeZone = 'Choose a valid time zone';
  if (v.rrule && !isAllowedLessonRule(v.rrule)) errors.rrule = 'This repeat pattern is not valid';
  else if (!errors.start && !errors.timeZone && v.rrule) {
    try {
      if (firstInstance(v.rrule, v.start!, v.timeZone!) === null) errors.rrule = 'This repeat pattern has no lessons';
    } catch {
      errors.rrule = 'This repeat pattern is not valid';
    }
  }
  if (v.onlineUrl && !/^https?:\/\/\S+$/i.test(v.onlineUrl)) errors.onlineUrl = 'Enter a web address starting with https://';
  return errors;
}

function assertValid(v: Partial<LessonValues>): void {
  const errors = validateLessonValues(v);
  const first = Object.entries(errors)[0];
  if (first) throw new Error(`${first[0]}: ${first[1]}`);
}

/** Creates a lesson document; a series' start is moved to its first real instance. */
export function createLesson(values: Partial<LessonValues>, ctx: ChangeContext, newId: () => string): Lesson {
  const v: LessonValues = { ...defaultLessonValues(), ...values };
  assertValid(v);
  v.start = canonicalInstant(v.rrule ? firstInstance(v.rrule, v.start, v.timeZone)! : v.start);
  v.exdates = [...new Set(v.exdates.map(canonicalInstant))].sort();
  return stampChange<Lesson>(undefined, v, ctx, newId);
}

function update(lesson: Lesson, values: Partial<LessonValues>, ctx: ChangeContext): Lesson {
  return stampChange<Lesson>(lesson, { ...lessonValues(lesson), ...values }, ctx, () => lesson.id);
}

function defaultOccurrenceValues(lessonId: string, originalStart: string, lessonTutorId: string): Omit<Occurrence, keyof SyncMeta> {
  return {
    lessonId,
    originalStart,
    start: '',
    durationMinutes: 0,
    tutorId: '',
    lessonTutorId,
    room: '',
    status: 'scheduled',
    statusChangedAt: '',
    studentStatus: {},
    makeupGranted: false,
  };
}

/**
 * Builds (or updates) the Occurrence document of one instance. It always carries the lesson's
 * current tutor (`lessonTutorId`): the server rules let a tutor touch only occurrences of their
 * own lessons (docs/security.md).
 */
export function writeOccurrence(
  lesson: Pick<Lesson, 'id' | 'tutorId'>,
  originalStart: string | number,
  existing: Occurrence | null | undefined,
  values: Partial<Omit<Occurrence, keyof SyncMeta | 'lessonId' | 'originalStart' | 'lessonTutorId'>>,
  ctx: ChangeContext,
): Occurrence {
  const original = canonicalInstant(originalStart);
  const id = occurrenceId(lesson.id, original);
  const base = existing
    ? (() => {
        const { id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...rest } = existing;
        return rest;
      })()
    : defaultOccurrenceValues(lesson.id, original, lesson.tutorId);
  return stampChange<Occurrence>(existing ?? undefined, { ...base, ...values, lessonTutorId: lesson.tutorId, id }, ctx, () => id);
}

function hasAttendanceData(o: Occurrence): boolean {
  return o.status !== 'scheduled' || Object.keys(o.studentStatus).length > 0 || o.makeupGranted;
}

function assertInstance(lesson: Lesson, originalStart: string): number {
  const ms = toMs(originalStart);
  if (!isRuleInstance(lesson, ms)) throw new Error(`${originalStart} is not an occurrence of lesson ${lesson.id}`);
  return ms;
}

/** Skips one date of a series (adds an exdate); for a one-off lesson, cancels the lesson. */
export function skipOccurrence(lesson: Lesson, originalStart: string, ctx: ChangeContext): Lesson {
  const ms = assertInstance(lesson, originalStart);
  if (!lesson.rrule) return update(lesson, { cancelled: true }, ctx);
  const exdates = [...new Set([...lesson.exdates.map(canonicalInstant), new Date(ms).toISOString()])].sort();
  return update(lesson, { exdates }, ctx);
}

/** Undoes `skipOccurrence`. */
export function restoreOccurrence(lesson: Lesson, originalStart: string, ctx: ChangeContext): Lesson {
  const iso = canonicalInstant(originalStart);
  if (!lesson.rrule) return update(lesson, { cancelled: false }, ctx);
  return update(lesson, { exdates: lesson.exdates.map(canonicalInstant).filter((d) => d !== iso) }, ctx);
}

/**
 * Moves or changes one occurrence (start, duration, tutor, room) by writing its Occurrence override.
 * Values equal to the series' own are stored as "not overridden" ('' / 0).
 */
export function overrideOccurrence(
  lesson: Lesson,
  originalStart: string,
  existing: Occurrence | null | undefined,
  patch: OccurrencePatch,
  ctx: ChangeContext,
): Occurrence {
  const ms = assertInstance(lesson, originalStart);
  const values: Partial<Occurrence> = {};
  if (patch.start !== undefined) {
    const s = patch.start === '' ? ms : toMs(patch.start);
    values.start = s === ms ? '' : new Date(s).toISOString();
  }
  if (patch.durationMinutes !== undefined) {
    if (!Number.isInteger(patch.durationMinutes) || patch.durationMinutes < 0 || patch.durationMinutes > 24 * 60)
      throw new Error('The duration must be between 1 minute and 24 hours');
    values.durationMinutes = patch.durationMinutes === lesson.durationMinutes ? 0 : patch.durationMinutes;
  }
  if (patch.tutorId !== undefined) values.tutorId = patch.tutorId === lesson.tutorId ? '' : patch.tutorId;
  if (patch.room !== undefined) values.room = patch.room === lesson.room ? '' : patch.room;
  return writeOccurrence(lesson, ms, existing, values, ctx);
}

/**
 * When a weekly series is moved to another weekday without a new rule, its BYDAY follows the
 * move (MO,WE moved by one day becomes TU,TH). Other rules are returned unchanged.
 */
export function shiftRuleWeekdays(rrule: string, fromMs: number, fromZone: string, toMs_: number, toZone: string): string {
  const parts = rruleParts(rrule);
  const freq = parts.find(([k]) => k === 'FREQ')?.[1];
  const byday = parts.find(([k]) => k === 'BYDAY')?.[1];
  if (freq !== 'WEEKLY' || !byday || !/^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$/.test(byday)) return rrule;
  const from = DateTime.fromMillis(fromMs, { zone: fromZone });
  const to = DateTime.fromMillis(toMs_, { zone: toZone });
  const delta = (((to.weekday - from.weekday) % 7) + 7) % 7;
  if (delta === 0) return rrule;
  const shifted = byday
    .split(',')
    .map((d) => WEEKDAY_CODES[(WEEKDAY_CODES.indexOf(d as WeekdayCode) + delta) % 7]!)
    .sort((a, b) => WEEKDAY_CODES.indexOf(a) - WEEKDAY_CODES.indexOf(b));
  return joinRRuleParts(parts.map(([k, v]) => [k, k === 'BYDAY' ? shifted.join(',') : v]));
}

/** The instant of `lesson`'s instance on the same local date as `fromMs` was in `fromZone`. */
function instanceOnSameDate(lesson: Pick<Lesson, 'rrule' | 'start' | 'timeZone'>, fromMs: number, fromZone: string): number | null {
  const date = localDate(fromMs, fromZone);
  const dayStart = startOfLocalDay(date, lesson.timeZone);
  const dayEnd = DateTime.fromISO(date, { zone: lesson.timeZone }).plus({ days: 1 }).startOf('day').toMillis();
  return ruleInstances(lesson, dayStart, dayEnd)[0] ?? null;
}

/**
 * Carries the Occurrence docs of `from` with original start >= atMs to the instance of `to` on
 * the same local date (a time change keeps a cancellation made in advance).
 */
function carryOccurrences(
  from: Lesson,
  to: Lesson,
  occurrences: readonly Occurrence[],
  atMs: number,
  ctx: ChangeContext,
  plan: SchedulePlan,
): void {
  for (const o of occurrences) {
    if (o.lessonId !== from.id) continue;
    const origMs = toMs(o.originalStart);
    if (origMs < atMs) continue;
    const target = to.rrule
      ? instanceOnSameDate(to, origMs, from.timeZone)
      : localDate(origMs, from.timeZone) === localDate(to.start, to.timeZone) || !from.rrule
        ? toMs(to.start)
        : null;
    const targetExdated = target !== null && to.exdates.some((d) => toMs(d) === target);
    if (target === null || targetExdated) {
      if (hasAttendanceData(o)) plan.orphaned.push(o);
      else plan.deleteOccurrenceIds.push(o.id);
      continue;
    }
    const newId = occurrenceId(to.id, target);
    // A one-off's own start is edited directly, so an old move of its only occurrence is dropped.
    const moved = to.rrule && o.start && toMs(o.start) !== target ? new Date(toMs(o.start)).toISOString() : '';
    const values = {
      start: moved,
      durationMinutes: o.durationMinutes === to.durationMinutes ? 0 : o.durationMinutes,
      tutorId: o.tutorId === to.tutorId ? '' : o.tutorId,
      room: o.room === to.room ? '' : o.room,
      status: o.status,
      statusChangedAt: o.statusChangedAt,
      studentStatus: o.studentStatus,
      makeupGranted: o.makeupGranted,
    };
    if (newId === o.id) {
      plan.occurrences.push(writeOccurrence(to, target, o, values, ctx));
    } else {
      plan.occurrences.push(writeOccurrence(to, target, null, values, ctx));
      plan.deleteOccurrenceIds.push(o.id);
    }
  }
}

/** Exdates of `from` at/after atMs re-targeted to `to`'s instance on the same local date. */
function carryExdates(from: Lesson, to: Pick<Lesson, 'rrule' | 'start' | 'timeZone'>, atMs: number): string[] {
  const out = new Set<string>();
  for (const d of from.exdates) {
    const ms = toMs(d);
    if (ms < atMs) continue;
    const t = instanceOnSameDate(to, ms, from.timeZone);
    if (t !== null) out.add(new Date(t).toISOString());
  }
  return [...out].sort();
}

function timingChanged(lesson: Lesson, changes: LessonChanges): boolean {
  if (changes.start !== undefined && toMs(changes.start) !== toMs(lesson.start)) return true;
  return Object.keys(changes).some(
    (k) =>
      TIMING.has(k) &&
      k !== 'start' &&
      changes[k as keyof LessonChanges] !== undefined &&
      changes[k as keyof LessonChanges] !== lesson[k as keyof Lesson],
  );
}

/**
 * "This and following": the original series ends just before `atOriginalStart` (UNTIL) and a new
 * series (`splitFrom` = original id) with `changes` continues from there. A COUNT is the total of
 * the whole series (as the editor shows it): the new series gets COUNT minus the lessons before
 * the split, so the total stays right. Exdates and Occurrence docs at/after the split move to the
 * new series. Splitting at the first occurrence edits the series in place (`newSeries` null).
 */
export function splitSeries(
  lesson: Lesson,
  atOriginalStart: string,
  changes: LessonChanges,
  ctx: ChangeContext,
  newId: () => string,
  occurrences: readonly Occurrence[] = [],
): SchedulePlan & { updatedOriginal: Lesson; newSeries: Lesson | null } {
  if (!lesson.rrule) throw new Error('Only a recurring series can be split');
  const atMs = assertInstance(lesson, atOriginalStart);
  const before = ruleInstances(lesson, toMs(lesson.start), atMs).length;
  if (before === 0) {
    const plan = editSeriesInPlace(lesson, changes, ctx, occurrences);
    return { ...plan, updatedOriginal: plan.lessons[0]!, newSeries: null };
  }
  const plan = emptyPlan();
  const sourceRule =
    changes.rrule ??
    (changes.start !== undefined
      ? shiftRuleWeekdays(lesson.rrule, atMs, lesson.timeZone, toMs(changes.start), changes.timeZone ?? lesson.timeZone)
      : lesson.rrule);
  const total = rruleCount(sourceRule);
  let rrule = sourceRule;
  if (total !== null) {
    if (total - before < 1) throw new Error(`The series has only ${total} lessons; ${before} are before this one`);
    rrule = withRRuleEnd(sourceRule, { count: total - before });
  }
  const values: LessonValues = {
    ...lessonValues(lesson),
    ...changes,
    start: canonicalInstant(changes.start ?? atMs),
    rrule,
    exdates: [],
    splitFrom: lesson.id,
    cancelled: false,
  };
  assertValid(values);
  const first = firstInstance(values.rrule, values.start, values.timeZone);
  if (first === null) throw new Error('The new series has no lessons');
  values.start = first;
  values.exdates = carryExdates(lesson, values, atMs);
  const newSeries = stampChange<Lesson>(undefined, values, ctx, newId);
  const updatedOriginal = update(
    lesson,
    {
      rrule: withRRuleEnd(lesson.rrule, { untilMs: atMs - 1000 }),
      exdates: lesson.exdates.map(canonicalInstant).filter((d) => toMs(d) < atMs),
    },
    ctx,
  );
  plan.lessons.push(updatedOriginal, newSeries);
  carryOccurrences(lesson, newSeries, occurrences, atMs, ctx, plan);
  return { ...plan, updatedOriginal, newSeries };
}

/** Applies changes to the whole series in place; `changes.start` is the new first instance. */
function editSeriesInPlace(lesson: Lesson, changes: LessonChanges, ctx: ChangeContext, occurrences: readonly Occurrence[]): SchedulePlan {
  const plan = emptyPlan();
  const values: LessonValues = { ...lessonValues(lesson), ...changes };
  if (changes.start !== undefined) values.start = canonicalInstant(changes.start);
  if (changes.rrule === undefined && changes.start !== undefined && values.rrule)
    values.rrule = shiftRuleWeekdays(lesson.rrule, toMs(lesson.start), lesson.timeZone, toMs(values.start), values.timeZone);
  assertValid(values);
  if (values.rrule) {
    const first = firstInstance(values.rrule, values.start, values.timeZone);
    if (first === null) throw new Error('The series has no lessons');
    values.start = first;
  }
  const retimed = timingChanged(lesson, { ...changes, start: values.start });
  if (retimed) values.exdates = values.rrule ? carryExdates(lesson, values, toMs(lesson.start)) : [];
  const updated = update(lesson, values, ctx);
  plan.lessons.push(updated);
  if (retimed) carryOccurrences(lesson, updated, occurrences, toMs(lesson.start), ctx, plan);
  else {
    // Overrides equal to the new series values are no longer overrides; every occurrence carries
    // the lesson's tutor, so a new tutor is written to all of them.
    for (const o of occurrences) {
      if (o.lessonId !== lesson.id) continue;
      if (
        o.lessonTutorId !== updated.tutorId ||
        (o.tutorId && o.tutorId === updated.tutorId) ||
        (o.room && o.room === updated.room) ||
        (o.durationMinutes && o.durationMinutes === updated.durationMinutes)
      ) {
        plan.occurrences.push(
          writeOccurrence(
            updated,
            o.originalStart,
            o,
            {
              tutorId: o.tutorId === updated.tutorId ? '' : o.tutorId,
              room: o.room === updated.room ? '' : o.room,
              durationMinutes: o.durationMinutes === updated.durationMinutes ? 0 : o.durationMinutes,
            },
            ctx,
          ),
        );
      }
    }
  }
  return plan;
}

/** The wall-clock shift from `fromMs` (in fromZone) to `toMs_` (in toZone), applied to `baseMs`. */
function shiftWallClock(baseMs: number, baseZone: string, fromMs: number, toMs_: number, toZone: string): number {
  const from = DateTime.fromMillis(fromMs, { zone: baseZone });
  const to = DateTime.fromMillis(toMs_, { zone: toZone });
  const days = Math.round(
    to
      .startOf('day')
      .setZone('UTC', { keepLocalTime: true })
      .diff(from.startOf('day').setZone('UTC', { keepLocalTime: true }), 'days').days,
  );
  const minutes = to.hour * 60 + to.minute - (from.hour * 60 + from.minute);
  const base = DateTime.fromMillis(baseMs, { zone: baseZone }).setZone(toZone, { keepLocalTime: true });
  return base.plus({ days, minutes }).toMillis();
}

/**
 * Applies a lesson edit in one of the three scopes, for the occurrence at `originalStart`:
 * - 'this': start/duration/tutor/room become an Occurrence override; any other change detaches
 *   the occurrence into a one-off lesson (the series gets an exdate; attendance is carried over).
 * - 'following': `splitSeries`.
 * - 'all': non-timing changes apply to the whole series. A timing change (start, rrule, zone)
 *   never rewrites lessons that already started: if some are before `now`, the series is split at
 *   the first lesson at/after `now`. `changes.start` is where the edited occurrence should start;
 *   the same wall-clock shift applies to every lesson of the series.
 * One-off lessons are edited directly (their Occurrence doc, if any, follows the new start).
 */
export function editLesson(
  scope: EditScope,
  lesson: Lesson,
  originalStart: string,
  changes: LessonChanges,
  ctx: ChangeContext,
  newId: () => string,
  occurrences: readonly Occurrence[] = [],
): SchedulePlan {
  const atMs = assertInstance(lesson, originalStart);
  const own = occurrences.filter((o) => o.lessonId === lesson.id);
  const existing = own.find((o) => toMs(o.originalStart) === atMs) ?? null;
  const changed = Object.fromEntries(
    Object.entries(changes).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(lesson[k as keyof Lesson])),
  ) as LessonChanges;
  if (changed.start !== undefined && toMs(changed.start) === atMs) delete changed.start;

  if (!lesson.rrule) {
    const plan = emptyPlan();
    const values: LessonValues = { ...lessonValues(lesson), ...changed };
    if (changed.start !== undefined) values.start = canonicalInstant(changed.start);
    if (changed.rrule) values.start = firstInstance(changed.rrule, values.start, values.timeZone) ?? values.start;
    assertValid(values);
    const updated = update(lesson, values, ctx);
    plan.lessons.push(updated);
    if (toMs(updated.start) !== toMs(lesson.start) || updated.rrule !== lesson.rrule)
      carryOccurrences(lesson, updated, own, atMs, ctx, plan);
    return plan;
  }

  if (scope === 'this') {
    const plan = emptyPlan();
    const keys = Object.keys(changed);
    if (keys.every((k) => OVERRIDABLE.has(k))) {
      const patch: OccurrencePatch = {};
      if (changes.start !== undefined) patch.start = changes.start;
      if (changes.durationMinutes !== undefined) patch.durationMinutes = changes.durationMinutes;
      if (changes.tutorId !== undefined) patch.tutorId = changes.tutorId;
      if (changes.room !== undefined) patch.room = changes.room;
      plan.occurrences.push(overrideOccurrence(lesson, originalStart, existing, patch, ctx));
      return plan;
    }
    // Detach: the series skips this date, a one-off lesson takes its place.
    const effectiveStart = existing?.start ? toMs(existing.start) : atMs;
    const values: LessonValues = {
      ...lessonValues(lesson),
      durationMinutes: existing?.durationMinutes || lesson.durationMinutes,
      tutorId: existing?.tutorId || lesson.tutorId,
      room: existing?.room || lesson.room,
      ...changed,
      rrule: '',
      exdates: [],
      splitFrom: lesson.id,
      start: canonicalInstant(changed.start ?? effectiveStart),
      cancelled: false,
    };
    assertValid(values);
    const oneOff = stampChange<Lesson>(undefined, values, ctx, newId);
    plan.lessons.push(skipOccurrence(lesson, originalStart, ctx), oneOff);
    if (existing) {
      plan.deleteOccurrenceIds.push(existing.id);
      if (hasAttendanceData(existing)) {
        plan.occurrences.push(
          writeOccurrence(
            oneOff,
            oneOff.start,
            null,
            {
              status: existing.status,
              statusChangedAt: existing.statusChangedAt,
              studentStatus: existing.studentStatus,
              makeupGranted: existing.makeupGranted,
            },
            ctx,
          ),
        );
      }
    }
    return plan;
  }

  if (scope === 'following') {
    const { updatedOriginal: _o, newSeries: _n, ...plan } = splitSeries(lesson, originalStart, changed, ctx, newId, own);
    return plan;
  }

  // scope === 'all'
  const targetZone = changed.timeZone ?? lesson.timeZone;
  const seriesChanges: LessonChanges = { ...changed };
  if (changed.start !== undefined || changed.timeZone !== undefined) {
    const newAt = changed.start !== undefined ? toMs(changed.start) : atMs;
    seriesChanges.start = canonicalInstant(shiftWallClock(toMs(lesson.start), lesson.timeZone, atMs, newAt, targetZone));
  }
  if (!timingChanged(lesson, seriesChanges)) return editSeriesInPlace(lesson, seriesChanges, ctx, own);
  const nowMs = ctx.now.getTime();
  if (toMs(lesson.start) >= nowMs) return editSeriesInPlace(lesson, seriesChanges, ctx, own);
  const upcoming = ruleInstances(lesson, nowMs, nowMs + 366 * 10 * 86_400_000)[0];
  if (upcoming === undefined) throw new Error('This series has ended: edit its past lessons one by one');
  const splitChanges: LessonChanges = { ...changed };
  if (seriesChanges.start !== undefined) {
    const newAt = changed.start !== undefined ? toMs(changed.start) : atMs;
    splitChanges.start = canonicalInstant(shiftWallClock(upcoming, lesson.timeZone, atMs, newAt, targetZone));
  }
  const {
    updatedOriginal: _o,
    newSeries: _n,
    ...plan
  } = splitSeries(lesson, new Date(upcoming).toISOString(), splitChanges, ctx, newId, own);
  return plan;
}

/**
 * Ends a series after local day `lastDay` (YYYY-MM-DD, inclusive, in the lesson's zone): UNTIL is
 * set to the last remaining lesson (COUNT is dropped). A series with no lesson left is cancelled.
 */
export function endSeries(lesson: Lesson, lastDay: string, ctx: ChangeContext, occurrences: readonly Occurrence[] = []): SchedulePlan {
  const plan = emptyPlan();
  const cut = DateTime.fromISO(lastDay, { zone: lesson.timeZone }).plus({ days: 1 }).startOf('day').toMillis();
  if (!Number.isFinite(cut)) throw new Error(`Invalid date: ${lastDay}`);
  const remaining = ruleInstances(lesson, toMs(lesson.start), cut);
  const last = remaining.at(-1);
  const updated =
    last === undefined
      ? update(lesson, { cancelled: true }, ctx)
      : update(
          lesson,
          lesson.rrule
            ? {
                rrule: withRRuleEnd(lesson.rrule, { untilMs: last }),
                exdates: lesson.exdates.map(canonicalInstant).filter((d) => toMs(d) < cut),
              }
            : {},
          ctx,
        );
  plan.lessons.push(updated);
  for (const o of occurrences) {
    if (o.lessonId !== lesson.id || toMs(o.originalStart) < cut) continue;
    if (hasAttendanceData(o)) plan.orphaned.push(o);
    else plan.deleteOccurrenceIds.push(o.id);
  }
  return plan;
}
