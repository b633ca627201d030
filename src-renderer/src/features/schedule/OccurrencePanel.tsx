/**
 * The occurrence details panel (opens beside the calendar when a lesson is clicked): when, who,
 * where, status, double bookings; actions edit / move (keyboard alternative to dragging) / skip /
 * cancel / end series; and the sections other features contribute in their manifests
 * (attendance, lesson notes…; app/registry.tsx).
 */
import { useEffect, useRef, useState } from 'react';
import { DateTime } from 'luxon';
import type { Lesson } from '../../../../src-shared/model/types';
import {
  ATTENDANCE_LABELS,
  describeConflict,
  describeRecurrence,
  endSeries,
  recordAttendance,
  restoreOccurrence,
  skipOccurrence,
  type Conflict,
  type ExpandedOccurrence,
} from '../../../../src-shared/schedule';
import { instantAt, isLocalDate } from '../../../../src-shared/schedule/calendar';
import { formatMoney } from '../../../../src-shared/money';
import { useApp, usePermissions } from '../../app/AppContext';
import { getBridge } from '../../platform/bridge';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { PermissionButton, PermissionNote } from '../../ui/Permission';
import { useToast } from '../../ui/Toast';
import { Alert } from '../../ui/Alert';
import { applyPlan, emptyPlan } from './actions';
import { OccurrencePanelSection, useOccurrencePanelSections } from '../../app/registry';
import { fullDateTime, lessonTitle, timeOf, type Fmt } from './format';
import type { Directory } from './queries';
import type { ScheduleStore } from './store';
import { formOf } from '../../../../src-shared/locale/count';
import { roomText } from '../../../../src-shared/schedule/rooms';

function MoveForm(props: { o: ExpandedOccurrence; fmt: Fmt; onMove(newStartMs: number): Promise<void> }) {
  const local = DateTime.fromMillis(props.o.startMs, { zone: props.fmt.tz });
  const [date, setDate] = useState(local.toISODate()!);
  const [time, setTime] = useState(local.toFormat('HH:mm'));
  const [error, setError] = useState('');
  useEffect(() => {
    setDate(local.toISODate()!);
    setTime(local.toFormat('HH:mm'));
    setError('');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.o.id, props.o.startMs]);
  return (
    <form
      className="move-form"
      aria-label="Move this lesson"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!isLocalDate(date) || !/^\d{2}:\d{2}$/.test(time)) return setError('Enter a date and a time');
        const [h, m] = time.split(':').map(Number) as [number, number];
        const ms = instantAt(date, h * 60 + m, props.fmt.tz);
        if (ms === props.o.startMs) return setError('That is the current time of the lesson');
        setError('');
        void props.onMove(ms);
      }}
    >
      <div className="row move-fields">
        <TextField label="Move to date" type="date" value={date} onChange={setDate} />
        <TextField label="Move to time" type="time" value={time} onChange={setTime} />
        <button type="submit" className="btn btn-sm">
          Move
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function OccurrencePanel(props: {
  occurrence: ExpandedOccurrence;
  lesson: Lesson;
  conflicts: Conflict[];
  dir: Directory;
  fmt: Fmt;
  store: ScheduleStore;
  onClose(): void;
  onEdit(): void;
  onMove(o: ExpandedOccurrence, newStartMs: number): Promise<void>;
}) {
  const app = useApp();
  const toast = useToast();
  const { occurrence: o, lesson, dir, fmt } = props;
  const sections = useOccurrencePanelSections();
  const permissions = usePermissions();
  // The lesson (edit, skip, end the series) and this date's record (cancel, move, attendance):
  // a tutor may change only their own (the occurrence belongs to its substitute, else the lesson's tutor).
  const mayLesson = permissions.decide('lessons', 'change', lesson);
  const mayOcc = permissions.decide('occurrences', 'change', { tutorId: o.tutorId, lessonTutorId: lesson.tutorId });
  const panelReason = [...new Set([mayLesson, mayOcc].filter((d) => !d.allowed).map((d) => d.reason))].join(' ');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [ending, setEnding] = useState(false);
  const [endDay, setEndDay] = useState('');
  const [endError, setEndError] = useState('');
  const localDay = DateTime.fromMillis(o.originalStart ? Date.parse(o.originalStart) : o.startMs, { zone: lesson.timeZone }).toISODate()!;

  useEffect(() => {
    headingRef.current?.focus();
  }, [o.id]);

  const cancelled = o.status.startsWith('cancelled');
  const run = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      toast(`Could not ${what}: ${(e as Error).message}`);
    }
  };

  const skip = () =>
    run('skip the lesson', async () => {
      const ctx = app.ctx();
      const updated = skipOccurrence(lesson, o.originalStart, ctx);
      await applyPlan(app, { ...emptyPlan(), lessons: [updated] });
      props.onClose();
      toast(lesson.rrule ? `Skipped ${fullDateTime(o, fmt)}` : 'Lesson removed from the calendar', {
        label: 'Undo',
        run: () =>
          void applyPlan(app, {
            ...emptyPlan(),
            lessons: [restoreOccurrence(props.store.lessons.get(lesson.id) ?? updated, o.originalStart, app.ctx())],
          }),
      });
    });

  const setStatus = (status: 'cancelled_tutor' | 'scheduled') =>
    run('change the lesson', async () => {
      await applyPlan(app, { ...emptyPlan(), occurrences: [recordAttendance(o, status, app.ctx())] });
      toast(status === 'scheduled' ? 'Lesson reinstated' : 'Lesson cancelled by the tutor');
    });

  const end = () =>
    run('end the series', async () => {
      if (!isLocalDate(endDay)) return setEndError('Enter the date of the last lesson');
      const plan = endSeries(lesson, endDay, app.ctx(), props.store.occurrencesOf(lesson.id));
      const orphaned = await applyPlan(app, plan);
      setEnding(false);
      props.onClose();
      toast(orphaned ? `Series ended. ${orphaned} later lessons with attendance are kept for the records.` : 'Series ended');
    });

  let rule = '';
  try {
    rule = describeRecurrence(lesson.rrule, lesson.start, lesson.timeZone, fmt.locale);
  } catch {
    rule = '';
  }
  const names = { tutorName: dir.tutorName, studentName: dir.studentName, timeZone: fmt.tz, locale: fmt.locale };

  return (
    <aside className="occ-panel card" aria-labelledby="occ-panel-title">
      <div className="occ-panel-head" style={{ ['--tutor' as string]: dir.colour(o.tutorId) }}>
        <div>
          <h2 id="occ-panel-title" tabIndex={-1} ref={headingRef}>
            {lessonTitle(o, dir)}
          </h2>
          <p className="occ-when">{fullDateTime(o, fmt)}</p>
        </div>
        <button type="button" className="btn btn-ghost icon-btn" aria-label="Close lesson details" onClick={props.onClose}>
          <Icon name="x" />
        </button>
      </div>
      <div className="occ-panel-body">
        <div className="row wrap">
          <span
            className={`badge ${cancelled || o.status === 'no_show' ? 'badge-archived' : o.status === 'attended' ? 'badge-active' : 'badge-paused'}`}
          >
            {o.closed ? 'Closed day' : ATTENDANCE_LABELS[o.status]}
          </span>
          {lesson.rrule && <span className="chip">Series</span>}
          {o.moved && (
            <span className="chip">
              Moved from {DateTime.fromISO(o.originalStart, { zone: fmt.tz }).setLocale(fmt.locale).toFormat('ccc d LLL')},{' '}
              {timeOf(Date.parse(o.originalStart), fmt)}
            </span>
          )}
        </div>
        {o.closed && (
          <Alert tone="info">
            <Icon name="calendar" />
            Skipped: the practice is closed ({o.closureLabel}).
          </Alert>
        )}
        {!o.closed && o.closureLabel && (
          <Alert tone="warning">
            <Icon name="alert" />
            Booked on a closed day ({o.closureLabel}).
          </Alert>
        )}
        {props.conflicts.length > 0 && (
          <Alert tone="error" role="status">
            <Icon name="alert" />
            <div>
              <strong>Double-booked</strong>
              <ul className="conflict-list">
                {[...new Set(props.conflicts.map((c) => describeConflict(c, names)))].map((t) => (
                  <li key={t}>{t}</li>
                ))}
              </ul>
            </div>
          </Alert>
        )}
        <dl className="detail-grid occ-details">
          <dt>Tutor</dt>
          <dd>
            <span className="swatch" style={{ background: dir.colour(o.tutorId) }} aria-hidden="true" /> {dir.tutorName(o.tutorId)}
          </dd>
          <dt>{formOf(o.studentIds.length, { one: 'Student', other: 'Students' })}</dt>
          <dd>
            {o.studentIds.map((id) => (
              <a key={id} className="student-link" href={`#/students?id=${encodeURIComponent(id)}`}>
                {dir.studentName(id)}
              </a>
            ))}
          </dd>
          {(o.location || o.room) && (
            <>
              <dt>Where</dt>
              <dd>{[o.room ? roomText(o.room) : '', o.location].filter(Boolean).join(', ')}</dd>
            </>
          )}
          {o.onlineUrl && (
            <>
              <dt>Online</dt>
              <dd>
                <button type="button" className="link-btn" onClick={() => void getBridge().openExternal(o.onlineUrl)}>
                  Join online lesson
                </button>
              </dd>
            </>
          )}
          <dt>Repeats</dt>
          <dd>{lesson.rrule ? rule : 'One-off lesson'}</dd>
          {lesson.rateOverride && (
            <>
              <dt>Rate</dt>
              <dd>{formatMoney(lesson.rateOverride, fmt.locale)}</dd>
            </>
          )}
          {lesson.notes && (
            <>
              <dt>Notes</dt>
              <dd className="pre">{lesson.notes}</dd>
            </>
          )}
        </dl>
        {panelReason && <PermissionNote id="occ-permission" reason={panelReason} />}
        <div className="toolbar">
          <PermissionButton className="btn btn-sm" decision={mayLesson} reasonId="occ-permission" onClick={props.onEdit}>
            <Icon name="notes" size={15} /> Edit
          </PermissionButton>
          <PermissionButton
            className="btn btn-sm"
            decision={lesson.rrule ? mayOcc : mayLesson}
            reasonId="occ-permission"
            onClick={() => void skip()}
          >
            {lesson.rrule ? 'Skip this date' : 'Delete lesson'}
          </PermissionButton>
          {!o.closed &&
            (cancelled ? (
              <PermissionButton
                className="btn btn-sm"
                decision={mayOcc}
                reasonId="occ-permission"
                onClick={() => void setStatus('scheduled')}
              >
                Reinstate
              </PermissionButton>
            ) : (
              <PermissionButton
                className="btn btn-sm btn-danger"
                decision={mayOcc}
                reasonId="occ-permission"
                onClick={() => void setStatus('cancelled_tutor')}
              >
                Cancel lesson
              </PermissionButton>
            ))}
          {lesson.rrule && (
            <PermissionButton
              decision={mayLesson}
              reasonId="occ-permission"
              className="btn btn-sm"
              onClick={() => {
                setEndDay(localDay);
                setEndError('');
                setEnding(true);
              }}
            >
              End series…
            </PermissionButton>
          )}
        </div>
        {!o.closed && (
          <fieldset
            className="permission-fieldset"
            disabled={!mayOcc.allowed}
            {...(mayOcc.allowed ? {} : { 'aria-describedby': 'occ-permission' })}
          >
            <MoveForm o={o} fmt={fmt} onMove={(ms) => props.onMove(o, ms)} />
          </fieldset>
        )}
        {sections.map((s) => (
          <section key={s.id} className="occ-section" aria-label={s.title ?? s.id}>
            {s.title && <h3>{s.title}</h3>}
            <OccurrencePanelSection section={s} occurrence={o} lesson={lesson} />
          </section>
        ))}
      </div>
      {ending && (
        <Dialog
          title="End this series"
          description="Lessons after the date you choose are removed from the calendar; lessons with recorded attendance are kept."
          onClose={() => setEnding(false)}
          onSubmit={() => void end()}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setEnding(false)}>
                Keep the series
              </button>
              <button type="submit" className="btn btn-primary">
                End series
              </button>
            </>
          }
        >
          <TextField label="Last lesson on" type="date" value={endDay} onChange={setEndDay} error={endError} />
        </Dialog>
      )}
    </aside>
  );
}
