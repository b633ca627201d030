/**
 * The lesson editor's form model: its values, how a lesson fills them, how they are checked and
 * read into a start instant and a recurrence rule, and how they become a SchedulePlan (with the
 * pure functions of src-shared/schedule/edit.ts). No React: LessonEditor.tsx is the dialog.
 */
import { DateTime } from 'luxon';
import type { ChangeContext } from '../../../../src-shared/model/meta';
import type { Lesson, Money } from '../../../../src-shared/model/types';
import { moneyToInput, parseMoneyInput } from '../../../../src-shared/money';
import {
  buildRRule,
  createLesson,
  editLesson,
  parseRRule,
  WEEKDAY_CODES,
  type EditScope,
  type ExpandedOccurrence,
  type LessonChanges,
  type RecurrenceSpec,
  type SchedulePlan,
  type WeekdayCode,
} from '../../../../src-shared/schedule';
import { instantAt, isLocalDate } from '../../../../src-shared/schedule/calendar';
import { emptyPlan, newId } from './actions';
import type { ScheduleStore } from './store';

export type Repeat = 'none' | 'weekly' | 'interval' | 'weekdays' | 'custom';
export type Ends = 'never' | 'until' | 'count';

export interface FormValues {
  tutorId: string;
  studentIds: string[];
  subject: string;
  location: string;
  onlineUrl: string;
  room: string;
  rate: string;
  date: string;
  time: string;
  duration: string;
  repeat: Repeat;
  interval: string;
  weekdays: WeekdayCode[];
  ends: Ends;
  until: string;
  count: string;
  notes: string;
}

export type EditorTarget =
  { mode: 'new'; date: string; minutes: number } | { mode: 'edit'; occurrence: ExpandedOccurrence; lesson: Lesson };

export interface EditorResult {
  plan: SchedulePlan;
  /** Conflicts are checked from this instant on. */
  fromMs: number;
  message: string;
}

export function weekdayCodeOf(date: string): WeekdayCode {
  return WEEKDAY_CODES[DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1]!;
}

export function initialValues(target: EditorTarget, tz: string, defaultTutor: string): FormValues {
  if (target.mode === 'new') {
    const hh = String(Math.floor(target.minutes / 60)).padStart(2, '0');
    const mm = String(target.minutes % 60).padStart(2, '0');
    return {
      tutorId: defaultTutor,
      studentIds: [],
      subject: '',
      location: '',
      onlineUrl: '',
      room: '',
      rate: '',
      date: target.date,
      time: `${hh}:${mm}`,
      duration: '60',
      repeat: 'weekly',
      interval: '2',
      weekdays: [weekdayCodeOf(target.date)],
      ends: 'never',
      until: '',
      count: '10',
      notes: '',
    };
  }
  const { occurrence: o, lesson } = target;
  const local = DateTime.fromMillis(o.startMs, { zone: tz });
  const spec = parseRRule(lesson.rrule, lesson.timeZone);
  const firstDay = weekdayCodeOf(local.toISODate()!);
  let repeat: Repeat = 'none';
  if (spec.frequency === 'custom') repeat = 'custom';
  else if (spec.frequency === 'weekly') {
    const single = spec.weekdays.length <= 1;
    repeat = spec.interval > 1 && single ? 'interval' : single ? 'weekly' : 'weekdays';
  }
  return {
    tutorId: o.tutorId,
    studentIds: [...lesson.studentIds],
    subject: lesson.subject,
    location: lesson.location,
    onlineUrl: lesson.onlineUrl,
    room: o.room,
    rate: lesson.rateOverride ? moneyToInput(lesson.rateOverride.amount, lesson.rateOverride.currency) : '',
    date: local.toISODate()!,
    time: local.toFormat('HH:mm'),
    duration: String(o.durationMinutes),
    repeat,
    interval: String(Math.max(2, spec.interval)),
    weekdays: spec.weekdays.length ? spec.weekdays : [firstDay],
    ends: spec.end.kind === 'count' ? 'count' : spec.end.kind === 'until' ? 'until' : 'never',
    until: spec.end.kind === 'until' ? spec.end.date : '',
    count: spec.end.kind === 'count' ? String(spec.end.count) : '10',
    notes: lesson.notes,
  };
}

export type Errors = Partial<Record<keyof FormValues | 'form', string>>;

function toSpec(v: FormValues): RecurrenceSpec | null {
  if (v.repeat === 'none') return { frequency: 'none', interval: 1, weekdays: [], end: { kind: 'never' } };
  if (v.repeat === 'custom') return null;
  const end =
    v.ends === 'until'
      ? { kind: 'until' as const, date: v.until }
      : v.ends === 'count'
        ? { kind: 'count' as const, count: Number(v.count) }
        : { kind: 'never' as const };
  if (v.repeat === 'weekly') return { frequency: 'weekly', interval: 1, weekdays: [weekdayCodeOf(v.date)], end };
  if (v.repeat === 'interval') return { frequency: 'weekly', interval: Number(v.interval), weekdays: [weekdayCodeOf(v.date)], end };
  return { frequency: 'weekly', interval: 1, weekdays: v.weekdays, end };
}

/** Checks the form fields and builds the start instant and rule (or the field errors). */
export function readForm(
  v: FormValues,
  tz: string,
  currency: string,
  originalRule: string,
  locale?: string,
): { errors: Errors; start?: string; rrule?: string; rate?: Money | null; duration?: number } {
  const errors: Errors = {};
  if (!isLocalDate(v.date)) errors.date = 'Enter a date';
  if (!/^\d{2}:\d{2}$/.test(v.time)) errors.time = 'Enter a start time, e.g. 16:00';
  const duration = Number(v.duration);
  if (!Number.isInteger(duration) || duration < 5 || duration > 12 * 60)
    errors.duration = 'Choose a duration between 5 minutes and 12 hours';
  if (v.repeat === 'interval' && !(Number.isInteger(Number(v.interval)) && Number(v.interval) >= 2 && Number(v.interval) <= 52))
    errors.interval = 'Enter a number of weeks from 2 to 52';
  if (v.repeat === 'weekdays' && v.weekdays.length === 0) errors.weekdays = 'Choose at least one day';
  if (v.repeat !== 'none' && v.repeat !== 'custom') {
    if (v.ends === 'until') {
      if (!isLocalDate(v.until)) errors.until = 'Enter the date of the last lesson';
      else if (isLocalDate(v.date) && v.until < v.date) errors.until = 'The end date is before the first lesson';
    }
    if (v.ends === 'count' && !(Number.isInteger(Number(v.count)) && Number(v.count) >= 1 && Number(v.count) <= 500))
      errors.count = 'Enter a number of lessons from 1 to 500';
  }
  let rate: Money | null = null;
  if (v.rate.trim()) {
    const parsed = parseMoneyInput(v.rate, currency, locale ? { locale } : {});
    if (!parsed.ok) errors.rate = parsed.error;
    else rate = { amount: parsed.amount, currency };
  }
  if (Object.keys(errors).length) return { errors };
  const [hh, mm] = v.time.split(':').map(Number) as [number, number];
  const start = new Date(instantAt(v.date, hh * 60 + mm, tz)).toISOString();
  const spec = toSpec(v);
  let rrule = originalRule;
  if (spec) {
    try {
      rrule = buildRRule(spec, start, tz);
    } catch (e) {
      errors.repeat = (e as Error).message;
      return { errors };
    }
  }
  return { errors, start, rrule, rate, duration };
}

/** The lesson values of a checked form (`read` is readForm's result without errors). */
export function lessonValuesOf(v: FormValues, read: ReturnType<typeof readForm>, timeZone: string) {
  return {
    tutorId: v.tutorId,
    studentIds: v.studentIds,
    subject: v.subject.trim(),
    location: v.location.trim(),
    onlineUrl: v.onlineUrl.trim(),
    room: v.room.trim(),
    rateOverride: read.rate ?? null,
    start: read.start ?? '',
    durationMinutes: read.duration ?? 60,
    timeZone,
    rrule: read.rrule ?? '',
    notes: v.notes,
  };
}

/**
 * The plan the form asks for: a new lesson or series, or the edit of an occurrence with the
 * fields that changed since `initial`, applied to `scope`. Null when an edit changes nothing.
 */
export function planFromForm(args: {
  v: FormValues;
  initial: FormValues;
  values: ReturnType<typeof lessonValuesOf>;
  editing: { occurrence: ExpandedOccurrence; lesson: Lesson } | null;
  scope: EditScope;
  repeatLocked: boolean;
  store: ScheduleStore;
  ctx: ChangeContext;
}): EditorResult | null {
  const { v, initial, values, editing, scope, ctx } = args;
  if (!editing) {
    const lesson = createLesson(values, ctx, newId);
    return {
      plan: { ...emptyPlan(), lessons: [lesson] },
      fromMs: Date.parse(lesson.start),
      message: lesson.rrule ? 'Lessons booked' : 'Lesson booked',
    };
  }
  const recurring = Boolean(editing.lesson.rrule);
  const changes: LessonChanges = {};
  const changed = <K extends keyof FormValues>(...keys: K[]) => keys.some((k) => JSON.stringify(v[k]) !== JSON.stringify(initial[k]));
  if (changed('tutorId')) changes.tutorId = values.tutorId;
  if (changed('studentIds')) changes.studentIds = values.studentIds;
  if (changed('subject')) changes.subject = values.subject;
  if (changed('location')) changes.location = values.location;
  if (changed('onlineUrl')) changes.onlineUrl = values.onlineUrl;
  if (changed('room')) changes.room = values.room;
  if (changed('rate')) changes.rateOverride = values.rateOverride;
  if (changed('notes')) changes.notes = values.notes;
  if (changed('date', 'time')) changes.start = values.start;
  if (changed('duration')) changes.durationMinutes = values.durationMinutes;
  if (!args.repeatLocked && changed('repeat', 'interval', 'weekdays', 'ends', 'until', 'count')) changes.rrule = values.rrule;
  if (Object.keys(changes).length === 0) return null;
  const occs = args.store.occurrencesOf(editing.lesson.id);
  const plan = editLesson(recurring ? scope : 'this', editing.lesson, editing.occurrence.originalStart, changes, ctx, newId, occs);
  const fromMs =
    scope === 'this' || !recurring ? Math.min(Date.parse(values.start), editing.occurrence.startMs) : editing.occurrence.startMs;
  return { plan, fromMs, message: 'Lesson updated' };
}
