/**
 * The lesson editor dialog: create a lesson or series, or edit an occurrence ("this lesson only",
 * "this and following", "all lessons"). It turns the form into a SchedulePlan with the pure
 * functions of src-shared/schedule/edit.ts and hands it to the screen, which checks conflicts and
 * writes it. Times are entered as wall-clock time in the practice's time zone.
 */
import { useMemo, useState } from 'react';
import {
  describeRecurrence,
  findRoom,
  roomChoices,
  validateLessonValues,
  WEEKDAY_CODES,
  type EditScope,
  type WeekdayCode,
} from '../../../../src-shared/schedule';
import { useApp, usePermissions } from '../../app/AppContext';
import { useRateCheck } from '../../app/queries';
import { FigureConfirmation } from '../../ui/FigureConfirmation';
import { ownOnlyReason } from '../../../../src-shared/sync/permissions';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { Combobox, MultiCombobox, type ComboOption } from '../../ui/Combobox';
import { formFieldErrors, humaniseWriteError } from '../../../../src-shared/validation/schema-limits';
import { Icon } from '../../ui/Icon';
import {
  initialValues,
  lessonValuesOf,
  planFromForm,
  readForm,
  type EditorResult,
  type EditorTarget,
  type Ends,
  type Errors,
  type FormValues,
  type Repeat,
} from './lesson-form';
import { studentFullName, type Directory } from './queries';
import type { ScheduleStore } from './store';
import type { Lesson } from '../../../../src-shared/model/types';

export type { EditorResult, EditorTarget } from './lesson-form';

const WEEKDAY_NAMES: Record<WeekdayCode, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
const DURATIONS = [15, 20, 30, 40, 45, 50, 60, 75, 90, 105, 120, 150, 180];

type DirStudent = Directory['students'][number];
const optionOf = (s: DirStudent): ComboOption => ({
  value: s.id,
  label: studentFullName(s),
  ...(s.subjects.length > 0 ? { detail: s.subjects.join(', ') } : {}),
});

/**
 * Built once per list of students (10,000 of them) and kept while that list lives, so opening the
 * dialog again does not rebuild them (nor, through the picker's cache, their search text).
 */
const activeOptionsCache = new WeakMap<readonly DirStudent[], ComboOption[]>();
function activeStudentOptions(students: readonly DirStudent[]): ComboOption[] {
  let o = activeOptionsCache.get(students);
  if (!o) {
    o = students.filter((s) => s.status !== 'archived').map(optionOf);
    activeOptionsCache.set(students, o);
  }
  return o;
}

/** The subjects offered (of every lesson and student) and the lessons' locations, once per change of either list. */
const subjectsCache = new WeakMap<readonly Lesson[], WeakMap<readonly DirStudent[], string[]>>();
function subjectChoices(lessons: readonly Lesson[], students: readonly DirStudent[]): string[] {
  let byStudents = subjectsCache.get(lessons);
  if (!byStudents) subjectsCache.set(lessons, (byStudents = new WeakMap()));
  let subjects = byStudents.get(students);
  if (!subjects) {
    const set = new Set<string>();
    for (const l of lessons) if (l.subject) set.add(l.subject);
    for (const s of students) for (const subject of s.subjects) if (subject) set.add(subject);
    subjects = [...set].sort();
    byStudents.set(students, subjects);
  }
  return subjects;
}
const locationsCache = new WeakMap<readonly Lesson[], string[]>();
function locationChoices(lessons: readonly Lesson[]): string[] {
  let locations = locationsCache.get(lessons);
  if (!locations) {
    const set = new Set<string>();
    for (const l of lessons) if (l.location) set.add(l.location);
    locations = [...set].sort();
    locationsCache.set(lessons, locations);
  }
  return locations;
}

/** The lesson's students: a searchable list of every student not archived (and those already chosen). */
function StudentPicker(props: { dir: Directory; value: string[]; onChange(ids: string[]): void; error?: string | undefined }) {
  const { dir, value } = props;
  // Archived students only when chosen.
  const active = activeStudentOptions(dir.students);
  const archivedChosen = value.filter((id) => dir.studentById.get(id)?.status === 'archived').join(' ');
  const options = useMemo(
    () => (archivedChosen ? [...active, ...archivedChosen.split(' ').map((id) => optionOf(dir.studentById.get(id)!))] : active),
    [active, archivedChosen, dir.studentById],
  );
  return (
    <MultiCombobox
      label="Students"
      className="student-picker"
      required
      values={value}
      onChange={props.onChange}
      options={options}
      nameOf={dir.studentName}
      chosenLabel="Chosen students"
      placeholder="Type a name to find a student…"
      error={props.error}
    />
  );
}

type Setter = <K extends keyof FormValues>(k: K) => (value: FormValues[K]) => void;

/** How the lesson repeats: weekly, every few weeks, on some weekdays; until when. Locked for "this lesson only". */
function RepeatFields({ v, set, errors, locked }: { v: FormValues; set: Setter; errors: Errors; locked: boolean }) {
  return (
    <fieldset className="group" disabled={locked}>
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
        {v.repeat === 'interval' && (
          <TextField label="Every how many weeks" type="number" value={v.interval} onChange={set('interval')} error={errors.interval} />
        )}
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
            {v.ends === 'until' && (
              <TextField label="Last lesson on" type="date" value={v.until} onChange={set('until')} error={errors.until} />
            )}
            {v.ends === 'count' && (
              <TextField label="Number of lessons" type="number" value={v.count} onChange={set('count')} error={errors.count} />
            )}
          </div>
        )}
      </div>
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
  const permissions = usePermissions();
  // A tutor books and moves only their own lessons (the permission table): the others are not offered.
  const tutorChoices = dir.tutors.filter((t) => permissions.decide('lessons', editing ? 'change' : 'create', { tutorId: t.id }).allowed);
  const tutorOptions = tutorChoices.map((t) => ({ value: t.id, label: t.name }));
  const tutorHint = tutorChoices.length < dir.tutors.length ? ownOnlyReason('lessons') : undefined;
  const defaultTutor = app.me && tutorChoices.some((t) => t.id === app.me!.id) ? app.me.id : (tutorChoices[0]?.id ?? '');
  const [initial] = useState(() => initialValues(target, tz, defaultTutor));
  const [v, setV] = useState<FormValues>(initial);
  const rateCheck = useRateCheck(v.rate);
  const [scope, setScope] = useState<EditScope>('this');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const set =
    <K extends keyof FormValues>(k: K) =>
    (value: FormValues[K]) =>
      setV((p) => ({ ...p, [k]: value }));
  const repeatLocked = editing !== null && recurring && scope === 'this';
  // allLessons() is the same array until a lesson changes: the lists are built once per change, not per open.
  const subjects = subjectChoices(props.store.allLessons(), dir.students);
  const locations = locationChoices(props.store.allLessons());

  const read = readForm(v, tz, settings.currency, editing?.lesson.rrule ?? '', settings.locale);
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

  // The room is chosen from Settings › Rooms; its location comes with it (still editable).
  const rooms = settings.rooms;
  const pickRoom = (name: string) =>
    setV((p) => {
      const before = findRoom(rooms, p.room)?.location ?? '';
      const after = findRoom(rooms, name)?.location ?? '';
      return { ...p, room: name, location: after || (p.location === before ? '' : p.location) };
    });
  const hasRooms = (rooms ?? []).some((r) => r.active);

  const submit = async () => {
    const r = readForm(v, tz, settings.currency, editing?.lesson.rrule ?? '', settings.locale);
    const errs: Errors = { ...r.errors };
    const values = lessonValuesOf(v, r, editing?.lesson.timeZone ?? tz);
    const shared = validateLessonValues(values);
    if (shared.tutorId) errs.tutorId = shared.tutorId;
    if (shared.studentIds) errs.studentIds = shared.studentIds;
    if (shared.onlineUrl) errs.onlineUrl = shared.onlineUrl;
    if (shared.rrule && !errs.repeat) errs.repeat = shared.rrule;
    if (!values.subject) errs.subject = 'Enter a subject';
    // The schema's limits, at the field that breaks them (docs/data-model.md "Limits and error messages").
    const limits = formFieldErrors(
      'lesson',
      {
        subject: values.subject,
        location: values.location,
        room: values.room,
        onlineUrl: values.onlineUrl,
        notes: values.notes,
      },
      app.settings?.locale,
    );
    for (const [field, message] of Object.entries(limits)) errs[field as keyof Errors] ??= message;
    setErrors(errs);
    if (Object.keys(errs).length) {
      // Move focus to the first invalid field, as a screen reader user expects.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('dialog[open] [aria-invalid="true"]')?.focus());
      return;
    }
    // A rate override far above the practice's range asks first, naming the figure (only when it was changed).
    if (v.rate !== initial.rate) {
      const gate = await rateCheck.gate(values.rateOverride?.amount, v.rate);
      if (gate === 'ask') return;
      if (gate) return setErrors({ rate: gate.error });
    }
    let result: EditorResult | null;
    try {
      result = planFromForm({ v, initial, values, editing, scope, repeatLocked, store: props.store, ctx: app.ctx() });
    } catch (e) {
      setErrors({ form: (e as Error).message });
      return;
    }
    if (!result) {
      props.onClose();
      return;
    }
    setBusy(true);
    try {
      const done = await props.onSubmit(result);
      if (done) props.onClose();
    } catch (e) {
      // Never RxDB's own text: the field's name and its limit, or a plain sentence.
      const human = humaniseWriteError(e, { collection: 'lessons', locale: app.settings?.locale });
      const fields: Errors = {};
      for (const [path, message] of Object.entries(human.fields)) if (path in v) fields[path as keyof FormValues] = message;
      setErrors({ ...fields, form: human.summary });
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? 'Edit lesson' : 'New lesson';
  return (
    <FormDialog
      title={title}
      description={`Times are in the practice's time zone (${tz.replace(/_/g, ' ')}).`}
      wide
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel={rateCheck.pending ? rateCheck.pending.confirmLabel : editing ? 'Save changes' : 'Book lesson'}
      busy={busy}
      {...(errors.form ? { error: errors.form } : {})}
    >
      <FigureConfirmation confirmation={rateCheck.pending} what="the rate" />
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
          {scope === 'all' && (
            <p className="hint muted">Lessons that already took place keep their time; a time change applies from the next lesson.</p>
          )}
        </fieldset>
      )}
      <div className="editor-grid">
        <div className="stack">
          <Combobox
            label="Tutor"
            required
            value={v.tutorId}
            onChange={set('tutorId')}
            error={errors.tutorId}
            {...(tutorHint ? { hint: tutorHint } : {})}
            placeholder="Choose a tutor…"
            options={tutorOptions}
          />
          <StudentPicker dir={dir} value={v.studentIds} onChange={pickStudents} error={errors.studentIds} />
          <TextField label="Subject" required value={v.subject} onChange={set('subject')} error={errors.subject} list="schedule-subjects" />
          <datalist id="schedule-subjects">
            {subjects.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <div className="grid-2">
            <SelectField
              label="Room"
              value={v.room}
              onChange={pickRoom}
              error={errors.room}
              options={roomChoices(rooms, v.room)}
              {...(hasRooms ? {} : { hint: 'Add rooms in Settings › Rooms' })}
            />
            <TextField
              label="Location"
              value={v.location}
              onChange={set('location')}
              error={errors.location}
              list="schedule-locations"
              placeholder="e.g. Main office"
            />
          </div>
          <datalist id="schedule-locations">
            {locations.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <TextField
            label="Online link"
            type="url"
            value={v.onlineUrl}
            onChange={set('onlineUrl')}
            error={errors.onlineUrl}
            placeholder="https://…"
          />
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
            options={[...new Set([...DURATIONS, Number(v.duration) || 60])]
              .sort((a, b) => a - b)
              .map((m) => ({
                value: String(m),
                label: m < 60 ? `${m} minutes` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`,
              }))}
          />
          <RepeatFields v={v} set={set} errors={errors} locked={repeatLocked} />
          {repeatLocked && (
            <p className="hint muted">
              To change how the series repeats, choose “This and following lessons” or “All lessons in the series”.
            </p>
          )}
          <div className="rule-summary" aria-live="polite">
            <Icon name="calendar" size={16} />
            <span>
              <span className="sr-only">Summary: </span>
              {summary || 'Fill in the date and time to see when the lessons take place.'}
            </span>
          </div>
          <TextArea label="Notes for this lesson plan" value={v.notes} onChange={set('notes')} error={errors.notes} rows={2} />
        </div>
      </div>
    </FormDialog>
  );
}
