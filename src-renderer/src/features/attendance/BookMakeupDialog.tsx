/**
 * Books a make-up lesson that consumes a make-up credit: a one-off Lesson for that student with
 * `makeupForOccurrenceId` = the occurrence that granted the credit (src-shared/schedule/attendance.ts
 * derives credits from that link, so nothing is counted twice across laptops). Double bookings are
 * checked with the schedule's conflict detection; the user may still book.
 */
import { useEffect, useRef, useState } from 'react';
import { DateTime } from 'luxon';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { formatWhen } from '../../ui/format';
import { newId } from '../../data';
import type { Closure, Lesson, Occurrence, Student } from '../../../../src-shared/model/types';
import { canBookMakeup, type MakeupCredit } from '../../../../src-shared/schedule/attendance';
import { describeConflict, findLessonConflicts } from '../../../../src-shared/schedule/conflicts';
import { roomChoices, roomKey } from '../../../../src-shared/schedule/rooms';
import { createLesson, lessonValues, validateLessonValues } from '../../../../src-shared/schedule/edit';
import type { ExpandedOccurrence } from '../../../../src-shared/schedule/expand';
import { proposeMakeupStart } from '../../../../src-shared/schedule/makeup-slot';
import { fromLocalInput, toLocalInput } from './time-input';
import { attendanceSettings } from './queries';

/** Shown until the free slot is worked out: a week after the missed lesson, never in the past. */
function defaultStart(original: string, zone: string): string {
  let dt = DateTime.fromISO(original, { zone }).plus({ weeks: 1 });
  const now = DateTime.now().setZone(zone);
  while (dt < now) dt = dt.plus({ weeks: 1 });
  return dt.toUTC().toISO()!;
}

/** The first day, at the missed lesson's time, when the student, tutor and room are all free. */
async function freeMakeupStart(
  app: ReturnType<typeof useApp>,
  slot: { missedStart: string; durationMinutes: number; tutorId: string; studentId: string; room: string; zone: string },
): Promise<string> {
  const [allLessons, closures] = await Promise.all([
    app.db.lessons.find({ selector: { cancelled: false } }).exec(),
    app.db.closures.find().exec(),
  ]);
  const room = slot.room.trim().toLowerCase();
  const lessons = allLessons
    .map((d) => d.toJSON() as Lesson)
    .filter(
      (l) => l.tutorId === slot.tutorId || l.studentIds.includes(slot.studentId) || (room !== '' && l.room.trim().toLowerCase() === room),
    );
  const occurrences = (await app.db.occurrences.find({ selector: { lessonId: { $in: lessons.map((l) => l.id) } } }).exec()).map(
    (d) => d.toJSON() as Occurrence,
  );
  return proposeMakeupStart({
    ...slot,
    now: new Date().toISOString(),
    lessons,
    occurrences,
    closures: closures.map((c) => c.toJSON() as Closure),
  });
}

export function BookMakeupDialog(props: {
  credit: MakeupCredit;
  lesson: Lesson;
  occurrence: ExpandedOccurrence;
  studentName: string;
  onClose: () => void;
  onBooked?: (lesson: Lesson) => void;
}) {
  const app = useApp();
  const toast = useToast();
  const tz = app.settings?.timeZone ?? 'UTC';
  const { docs: staff } = useLiveQuery('staff', { selector: { active: true }, sort: [{ name: 'asc' }] } as never);
  const [v, setV] = useState({
    start: toLocalInput(defaultStart(props.occurrence.start, tz), tz),
    duration: String(props.occurrence.durationMinutes || props.lesson.durationMinutes),
    tutorId: props.occurrence.tutorId || props.lesson.tutorId,
    subject: props.lesson.subject,
    room: props.lesson.room,
  });
  // The proposal replaces the provisional start unless the person already changed it.
  const startEdited = useRef(false);
  useEffect(() => {
    let live = true;
    void freeMakeupStart(app, {
      missedStart: props.occurrence.start,
      durationMinutes: Number(v.duration) || 60,
      tutorId: v.tutorId,
      studentId: props.credit.studentId,
      room: v.room,
      zone: tz,
    })
      .then((start) => {
        if (live && !startEdited.current) setV((p) => ({ ...p, start: toLocalInput(start, tz) }));
      })
      .catch(() => {});
    return () => {
      live = false;
    };
    // Proposed once, when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [warnings, setWarnings] = useState<string[] | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (k: keyof typeof v) => (value: string) => {
    if (k === 'start') startEdited.current = true;
    setV((p) => ({ ...p, [k]: value }));
    setWarnings(null);
  };
  const fmt = new Intl.DateTimeFormat(app.settings?.locale ?? 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: tz });

  const book = async () => {
    const start = fromLocalInput(v.start, tz);
    const values = {
      tutorId: v.tutorId,
      studentIds: [props.credit.studentId],
      subject: v.subject.trim(),
      location: props.lesson.location,
      onlineUrl: props.lesson.onlineUrl,
      room: v.room.trim(),
      rateOverride: props.lesson.rateOverride,
      start: start ?? '',
      durationMinutes: Number(v.duration),
      timeZone: tz,
      rrule: '',
      makeupForOccurrenceId: props.credit.occurrenceId,
      notes: `Make-up for the lesson of ${formatWhen(fmt, props.credit.originalStart)}`,
    };
    const errs = validateLessonValues(values);
    if (Object.keys(errs).length) {
      setErrors({ ...errs, ...(errs.start ? { start: 'Enter the date and time of the make-up lesson' } : {}) });
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const ctx = app.ctx();
      const draft = createLesson(values, ctx, newId);
      // The credit may have been used meanwhile (another laptop, another window).
      const [allLessons, closures] = await Promise.all([
        app.db.lessons.find({ selector: { cancelled: false } }).exec(),
        app.db.closures.find().exec(),
      ]);
      const lessons = allLessons.map((d) => d.toJSON() as Lesson);
      const ownOccurrences = (await app.db.occurrences.find({ selector: { lessonId: props.lesson.id } }).exec()).map(
        (d) => d.toJSON() as Occurrence,
      );
      if (!canBookMakeup(props.credit.studentId, props.credit.occurrenceId, lessons, ownOccurrences, attendanceSettings(app.settings))) {
        setErrors({ _form: 'This make-up credit has already been used.' });
        return;
      }
      if (warnings === null) {
        const relevant = lessons.filter(
          (l) =>
            l.tutorId === draft.tutorId ||
            l.studentIds.some((s) => draft.studentIds.includes(s)) ||
            (roomKey(draft.room) !== '' && roomKey(l.room) === roomKey(draft.room)),
        );
        const occs = (await app.db.occurrences.find({ selector: { lessonId: { $in: relevant.map((l) => l.id) } } }).exec()).map(
          (d) => d.toJSON() as Occurrence,
        );
        const end = new Date(Date.parse(draft.start) + draft.durationMinutes * 60_000).toISOString();
        const conflicts = findLessonConflicts(
          draft,
          relevant,
          occs,
          closures.map((c) => c.toJSON() as Closure),
          { start: draft.start, end },
          tz,
        );
        if (conflicts.length > 0) {
          const studentDocs = await app.db.students.findByIds([...new Set(conflicts.flatMap((c) => c.other.studentIds))]).exec();
          const studentName = (id: string) => {
            const s = studentDocs.get(id)?.toJSON() as Student | undefined;
            return s ? `${s.firstName} ${s.lastName}` : 'a student';
          };
          const tutorName = (id: string) => staff.find((s) => s.id === id)?.name ?? 'The tutor';
          setWarnings(
            conflicts.map((c) => describeConflict(c, { tutorName, studentName, timeZone: tz, locale: app.settings?.locale ?? 'en-GB' })),
          );
          return;
        }
      }
      const saved = await app.save('lessons', undefined, lessonValues(draft));
      toast(`Make-up lesson booked for ${props.studentName} on ${formatWhen(fmt, saved.start)}`);
      props.onBooked?.(saved);
      props.onClose();
    } catch (e) {
      setErrors({ _form: `Could not book the lesson: ${(e as Error).message}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormDialog
      title="Book make-up lesson"
      description={`${props.studentName} · uses the credit from ${props.credit.subject || 'the lesson'} on ${formatWhen(fmt, props.credit.originalStart)}`}
      onClose={props.onClose}
      onSubmit={book}
      submitLabel={warnings && warnings.length ? 'Book anyway' : 'Book make-up lesson'}
      busy={saving}
      {...(errors._form ? { error: errors._form } : {})}
    >
      {warnings && warnings.length > 0 && (
        <Alert tone="warning" role="alert">
          <strong>Double booking</strong>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Alert>
      )}
      <div className="grid-2">
        <TextField label="Date and time" type="datetime-local" value={v.start} onChange={set('start')} error={errors.start} required />
        <TextField
          label="Duration (minutes)"
          type="number"
          inputMode="decimal"
          value={v.duration}
          onChange={set('duration')}
          error={errors.durationMinutes}
          required
        />
        <SelectField
          label="Tutor"
          value={v.tutorId}
          onChange={set('tutorId')}
          error={errors.tutorId}
          options={[{ value: '', label: 'Choose…' }, ...staff.map((s) => ({ value: s.id, label: s.name }))]}
        />
        <TextField label="Subject" value={v.subject} onChange={set('subject')} />
        <SelectField label="Room" value={v.room} onChange={set('room')} options={roomChoices(app.settings?.rooms, v.room)} />
      </div>
    </FormDialog>
  );
}
