/**
 * The lesson editor dialog: create a lesson or series, or edit an occurrence ("this lesson only",
 * "this and following", "all lessons"). It turns the form into a SchedulePlan with the pure
 * functions of src-shared/schedule/edit.ts and hands it to the screen, which checks conflicts and
 * writes it. Times are entered as wall-clock time in the practice's time zone.
 */
import { useId, useMemo, useState } from 'react';
import { DateTime } from 'luxon';
import type { Lesson, Money } from '../../../../src-shared/model/types';
import { moneyToInput, parseMoneyInput } from '../../../../src-shared/money';
import {
  buildRRule,
  createLesson,
  describeRecurrence,
  editLesson,
  parseRRule,
  validateLessonValues,
  WEEKDAY_CODES,
  type EditScope,
  type ExpandedOccurrence,
  type LessonChanges,
  type RecurrenceSpec,
  type SchedulePlan,
  type WeekdayCode,
} from '../../../../src-shared/schedule';
import { instantAt, isLocalDate } from '../../../../src-shared/schedule/calendar';
import { useApp } from '../../app/AppContext';
import { Dialog } from '../../ui/Dialog';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { emptyPlan, newId } from './actions';
import { studentFullName, type Directory } from './queries';
import type { ScheduleStore } from './store';

type Repeat = 'none' | 'weekly' | 'interval' | 'weekdays' | 'custom';
type Ends = 'never' | 'until' | 'count';

interface FormValues {
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
  | { mode: 'new'; date: string; minutes: number }
  | { mode: 'edit'; occurrence: ExpandedOccurrence; lesson: Lesson };

export interface EditorResult {
  plan: SchedulePlan;
  /** Conflicts are checked from this instant on. */
  fromMs: number;
  message: string;
}

const WEEKDAY_NAMES: Record<WeekdayCode, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const DURATIONS = [15, 20, 30, 40, 45, 50, 60, 75, 90, 105, 120, 150, 180];

function weekdayCodeOf(date: string): WeekdayCode {
  return WEEKDAY_CODES[DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1]!;
}

function initialValues(target: EditorTarget, tz: string, defaultTutor: string): FormValues {
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

type Errors = Partial<Record<keyof FormValues | 'form', string>>;

function toSpec(v: FormValues): RecurrenceSpec | null {
  if (v.repeat === 'none') return { frequency: 'none', interval: 1, weekdays: [], end: { kind: 'never' } };
  if (v.repeat === 'custom') return null;
  const end = v.ends === 'until' ? { kind: 'until' as const, date: v.until } : v.ends === 'count' ? { kind: 'count' as const, count: Number(v.count) } : { kind: 'never' as const };
  if (v.repeat === 'weekly') return { frequency: 'weekly', interval: 1, weekdays: [weekdayCodeOf(v.date)], end };
  if (v.repeat === 'interval') return { frequency: 'weekly', interval: Number(v.interval), weekdays: [weekdayCodeOf(v.date)], end };
  return { frequency: 'weekly', interval: 1, weekdays: v.weekdays, end };
}

/** Checks the form fields and builds the start instant and rule (or the field errors). */
function readForm(v: FormValues, tz: string, currency: string, originalRule: string): { errors: Errors; start?: string; rrule?: string; rate?: Money | null; duration?: number } {
  const errors: Errors = {};
  if (!isLocalDate(v.date)) errors.date = 'Enter a date';
  if (!/^\d{2}:\d{2}$/.test(v.time)) errors.time = 'Enter a start time, e.g. 16:00';
  const duration = Number(v.duration);
  if (!Number.isInteger(duration) || duration < 5 || duration > 12 * 60) errors.duration = 'Choose a duration between 5 minutes and 12 hours';
  if (v.repeat === 'interval' && !(Number.isInteger(Number(v.interval)) && Number(v.interval) >= 2 && Number(v.interval) <= 52)) errors.interval = 'Enter a number of weeks from 2 to 52';
  if (v.repeat === 'weekdays' && v.weekdays.length === 0) errors.weekdays = 'Choose at least one day';
  if (v.repeat !== 'none' && v.repeat !== 'custom') {
    if (v.ends === 'until') {
      if (!isLocalDate(v.until)) errors.until = 'Enter the date of the last lesson';
      else if (isLocalDate(v.date) && v.until < v.date) errors.until = 'The end date is before the first lesson';
    }
    if (v.ends === 'count' && !(Number.isInteger(Number(v.count)) && Number(v.count) >= 1 && Number(v.count) <= 500)) errors.count = 'Enter a number of lessons from 1 to 500';
  }
  let rate: Money | null = null;
  if (v.rate.trim()) {
    const parsed = parseMoneyInput(v.rate, currency);
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

function StudentPicker(props: { dir: Directory; value: string[]; onChange(ids: string[]): void; error?: string | undefined }) {
  const [query, setQuery] = useState('');
  const id = useId();
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    const active = props.dir.students.filter((s) => s.status !== 'archived' || props.value.includes(s.id));
    const found = q ? active.filter((s) => studentFullName(s).toLowerCase().includes(q)) : active;
    return found.slice(0, 50);
  }, [query, props.dir.students, props.value]);
  const toggle = (sid: string, on: boolean) => props.onChange(on ? [...props.value, sid] : props.value.filter((x) => x !== sid));
  return (
    <fieldset className="field student-picker" aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend className="label">
        Students<span aria-hidden="true"> *</span>
      </legend>
      {props.value.length > 0 && (
        <ul className="picked" aria-label="Chosen students">
          {props.value.map((sid) => (
            <li key={sid} className="chip picked-chip">
              {props.dir.studentName(sid)}
              <button type="button" className="chip-x" aria-label={`Remove ${props.dir.studentName(sid)}`} onClick={() => toggle(sid, false)}>
                <Icon name="x" size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <input className="input" aria-label="Find a student" placeholder="Type a name to find a student…" value={query} onChange={(e) => setQuery(e.target.value)} />
      <div className="picker-list" role="group" aria-label="Matching students">
        {matches.length === 0 && <p className="muted">No student matches “{query}”.</p>}
        {matches.map((s) => (
          <label key={s.id} className="picker-option">
            <input type="checkbox" checked={props.value.includes(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} />
            <span>{studentFullName(s)}</span>
            {s.subjects.length > 0 && <span className="muted">{s.subjects.join(', ')}</span>}
          </label>
        ))}
      </div>
      {props.error && (
        <span className="error" id={`${id}-error`} role="alert">
          <Icon name="alert" size={14} />
          {props.error}
        </span>
      )}
    </fieldset>
  );
}

export function LessonEditor(props: {
  target: EditorTarget;
  dir: Directory;
  store: ScheduleStore;
  onClose(): void;
  /** Checks conflicts, asks the user, writes; resolves false when the user wants to change the time. */
  onSubmit(result: EditorResult): Promise<boolean>;
}) {
  const app = useApp();
  const settings = app.settings!;
  const tz = settings.timeZone;
  const locale = settings.locale;
  const { target, dir } = props;
  const editing = target.mode === 'edit' ? target : null;
  const recurring = Boolean(editing?.lesson.rrule);
  const defaultTutor = app.me && dir.tutors.some((t) => t.id === app.me!.id) ? app.me.id : (dir.tutors[0]?.id ?? '');
  const [initial] = useState(() => initialValues(target, tz, defaultTutor));
  const [v, setV] = useState<FormValues>(initial);
  const [scope, setScope] = useState<EditScope>('this');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormValues>(k: K) => (value: FormValues[K]) => setV((p) => ({ ...p, [k]: value }));
  const repeatLocked = editing !== null && recurring && scope === 'this';
  const subjects = useMemo(() => [...new Set([...props.store.allLessons().map((l) => l.subject), ...dir.students.flatMap((s) => s.subjects)].filter(Boolean))].sort(), [props.store, dir.students]);
  const locations = useMemo(() => [...new Set(props.store.allLessons().map((l) => l.location).filter(Boolean))].sort(), [props.store]);

  const read = readForm(v, tz, settings.currency, editing?.lesson.rrule ?? '');
  let summary = '';
  if (read.start && read.rrule !== undefined && Object.keys(read.errors).length === 0) {
    try {
      summary = describeRecurrence(repeatLocked ? '' : read.rrule, read.start, tz, locale);
      if (repeatLocked) summary = `${summary} (this lesson only)`;
    } catch {
      summary = '';
    }
  }

  const pickStudents = (ids: string[]) => {
    setV((p) => {
      const first = ids[0] ? dir.studentById.get(ids[0]) : undefined;
      return { ...p, studentIds: ids, subject: p.subject || first?.subjects[0] || '' };
    });
  };

  const submit = async () => {
    const r = readForm(v, tz, settings.currency, editing?.lesson.rrule ?? '');
    const errs: Errors = { ...r.errors };
    const values = {
      tutorId: v.tutorId,
      studentIds: v.studentIds,
      subject: v.subject.trim(),
      location: v.location.trim(),
      onlineUrl: v.onlineUrl.trim(),
      room: v.room.trim(),
      rateOverride: r.rate ?? null,
      start: r.start ?? '',
      durationMinutes: r.duration ?? 60,
      timeZone: editing?.lesson.timeZone ?? tz,
      rrule: r.rrule ?? '',
      notes: v.notes,
    };
    const shared = validateLessonValues(values);
    if (shared.tutorId) errs.tutorId = shared.tutorId;
    if (shared.studentIds) errs.studentIds = shared.studentIds;
    if (shared.onlineUrl) errs.onlineUrl = shared.onlineUrl;
    if (shared.rrule && !errs.repeat) errs.repeat = shared.rrule;
    if (!values.subject) errs.subject = 'Enter a subject';
    setErrors(errs);
    if (Object.keys(errs).length) {
      // Move focus to the first invalid field, as a screen reader user expects.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('dialog[open] [aria-invalid="true"], dialog[open] .student-picker .input')?.focus());
      return;
    }
    const ctx = app.ctx();
    let result: EditorResult;
    try {
      if (!editing) {
        const lesson = createLesson(values, ctx, newId);
        result = { plan: { ...emptyPlan(), lessons: [lesson] }, fromMs: Date.parse(lesson.start), message: lesson.rrule ? 'Lessons booked' : 'Lesson booked' };
      } else {
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
        if (!repeatLocked && changed('repeat', 'interval', 'weekdays', 'ends', 'until', 'count')) changes.rrule = values.rrule;
        if (Object.keys(changes).length === 0) {
          props.onClose();
          return;
        }
        const occs = props.store.occurrencesOf(editing.lesson.id);
        const plan = editLesson(recurring ? scope : 'this', editing.lesson, editing.occurrence.originalStart, changes, ctx, newId, occs);
        const fromMs = scope === 'this' || !recurring ? Math.min(Date.parse(values.start), editing.occurrence.startMs) : editing.occurrence.startMs;
        result = { plan, fromMs, message: 'Lesson updated' };
      }
    } catch (e) {
      setErrors({ form: (e as Error).message });
      return;
    }
    setBusy(true);
    try {
      const done = await props.onSubmit(result);
      if (done) props.onClose();
    } catch (e) {
      setErrors({ form: `Could not save: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? 'Edit lesson' : 'New lesson';
  return (
    <Dialog
      title={title}
      description={`Times are in the practice's time zone (${tz.replace(/_/g, ' ')}).`}
      wide
      onClose={props.onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {editing ? 'Save changes' : 'Book lesson'}
          </button>
        </>
      }
    >
      {errors.form && (
        <div className="alert alert-error" role="alert">
          <Icon name="alert" />
          {errors.form}
        </div>
      )}
      {editing && recurring && (
        <fieldset className="group scope-group">
          <legend>Apply changes to</legend>
          <div className="segmented" role="radiogroup" aria-label="Apply changes to">
            {(
              [
                ['this', 'This lesson only'],
                ['following', 'This and following lessons'],
                ['all', 'All lessons in the series'],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className={`segment${scope === value ? ' is-on' : ''}`}>
                <input type="radio" name="scope" value={value} checked={scope === value} onChange={() => setScope(value)} />
                {label}
              </label>
            ))}
          </div>
          {scope === 'all' && <p className="hint muted">Lessons that already took place keep their time; a time change applies from the next lesson.</p>}
        </fieldset>
      )}
      <div className="editor-grid">
        <div className="stack">
          <SelectField
            label="Tutor"
            required
            value={v.tutorId}
            onChange={set('tutorId')}
            error={errors.tutorId}
            options={[{ value: '', label: 'Choose a tutor…' }, ...dir.tutors.map((t) => ({ value: t.id, label: t.name }))]}
          />
          <StudentPicker dir={dir} value={v.studentIds} onChange={pickStudents} error={errors.studentIds} />
          <TextField label="Subject" required value={v.subject} onChange={set('subject')} error={errors.subject} list="schedule-subjects" />
          <datalist id="schedule-subjects">
            {subjects.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <div className="grid-2">
            <TextField label="Location" value={v.location} onChange={set('location')} list="schedule-locations" placeholder="e.g. Main office" />
            <TextField label="Room" value={v.room} onChange={set('room')} placeholder="e.g. 2" />
          </div>
          <datalist id="schedule-locations">
            {locations.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <TextField label="Online link" type="url" value={v.onlineUrl} onChange={set('onlineUrl')} error={errors.onlineUrl} placeholder="https://…" />
          <TextField
            label="Rate override"
            value={v.rate}
            onChange={set('rate')}
            error={errors.rate}
            prefix={settings.currency}
            inputMode="decimal"
            hint="Leave empty to use the student's, family's or practice rate"
          />
        </div>
        <div className="stack">
          <div className="grid-2">
            <TextField label="Date" type="date" required value={v.date} onChange={set('date')} error={errors.date} />
            <TextField label="Start time" type="time" required value={v.time} onChange={set('time')} error={errors.time} />
          </div>
          <SelectField
            label="Duration"
            value={v.duration}
            onChange={set('duration')}
            error={errors.duration}
            options={[...new Set([...DURATIONS, Number(v.duration) || 60])].sort((a, b) => a - b).map((m) => ({ value: String(m), label: m < 60 ? `${m} minutes` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}` }))}
          />
          <fieldset className="group" disabled={repeatLocked}>
            <legend>Repeat</legend>
            <div className="stack">
              <SelectField
                label="Repeats"
                value={v.repeat}
                onChange={(r) => set('repeat')(r as Repeat)}
                error={errors.repeat}
                options={[
                  { value: 'none', label: 'Does not repeat' },
                  { value: 'weekly', label: 'Every week' },
                  { value: 'interval', label: 'Every few weeks' },
                  { value: 'weekdays', label: 'On specific weekdays' },
                  ...(v.repeat === 'custom' ? [{ value: 'custom', label: 'Custom rule (kept as it is)' }] : []),
                ]}
              />
              {v.repeat === 'interval' && <TextField label="Every how many weeks" type="number" value={v.interval} onChange={set('interval')} error={errors.interval} />}
              {v.repeat === 'weekdays' && (
                <fieldset className="weekday-picker" aria-describedby={errors.weekdays ? 'weekday-error' : undefined}>
                  <legend className="label">On these days</legend>
                  <div className="row wrap">
                    {WEEKDAY_CODES.map((code) => (
                      <label key={code} className={`day-toggle${v.weekdays.includes(code) ? ' is-on' : ''}`}>
                        <input
                          type="checkbox"
                          checked={v.weekdays.includes(code)}
                          onChange={(e) => set('weekdays')(e.target.checked ? [...v.weekdays, code] : v.weekdays.filter((d) => d !== code))}
                          aria-label={WEEKDAY_NAMES[code]}
                        />
                        <span aria-hidden="true">{WEEKDAY_NAMES[code].slice(0, 3)}</span>
                      </label>
                    ))}
                  </div>
                  {errors.weekdays && (
                    <span className="error" id="weekday-error" role="alert">
                      <Icon name="alert" size={14} />
                      {errors.weekdays}
                    </span>
                  )}
                </fieldset>
              )}
              {v.repeat !== 'none' && v.repeat !== 'custom' && (
                <div className="grid-2">
                  <SelectField
                    label="Ends"
                    value={v.ends}
                    onChange={(e) => set('ends')(e as Ends)}
                    options={[
                      { value: 'never', label: 'Never' },
                      { value: 'until', label: 'On a date' },
                      { value: 'count', label: 'After a number of lessons' },
                    ]}
                  />
                  {v.ends === 'until' && <TextField label="Last lesson on" type="date" value={v.until} onChange={set('until')} error={errors.until} />}
                  {v.ends === 'count' && <TextField label="Number of lessons" type="number" value={v.count} onChange={set('count')} error={errors.count} />}
                </div>
              )}
            </div>
          </fieldset>
          {repeatLocked && <p className="hint muted">To change how the series repeats, choose “This and following lessons” or “All lessons in the series”.</p>}
          <div className="rule-summary" aria-live="polite">
            <Icon name="calendar" size={16} />
            <span>
              <span className="sr-only">Summary: </span>
              {summary || 'Fill in the date and time to see when the lessons take place.'}
            </span>
          </div>
          <TextArea label="Notes for this lesson plan" value={v.notes} onChange={set('notes')} rows={2} />
        </div>
      </div>
    </Dialog>
  );
}
