/**
 * Attendance of one occurrence, in the occurrence panel: a status per student (scheduled,
 * attended, cancelled by the student — late or in time by the practice's notice window —,
 * cancelled by the tutor, no-show), what the policy makes of it (billed, paid, make-up credit)
 * and the make-up credit it granted, with a "Book make-up lesson" action.
 * All rules come from src-shared/schedule/attendance.ts; writes go through app.save.
 */
import { useId, useMemo, useState } from 'react';
import { clockHour } from '../../../../src-shared/locale/practice-locale';
import { useApp } from '../../app/AppContext';
import type { OccurrencePanelSectionProps } from '../../app/registry';
import type { AttendanceStatus } from '../../../../src-shared/model/types';
import {
  allMakeupCredits,
  cancelByStudent,
  isBillable,
  isPayable,
  recordAttendance,
  type MakeupCredit,
} from '../../../../src-shared/schedule/attendance';
import { writeOccurrence } from '../../../../src-shared/schedule/edit';
import { studentAttendance, type ExpandedOccurrence } from '../../../../src-shared/schedule/expand';
import { describeCancellationNotice } from '../../../../src-shared/schedule/cancellation-notice';
import { useToast } from '../../ui/Toast';
import { formatWhen } from '../../ui/format';
import { useStudentNames } from '../../app/queries';
import { CHOICES, STATUS_LABELS, choiceOf, type AttendanceChoice } from './labels';
import { attendanceSettings, saveOccurrence, useMakeupLessonsFor, useOccurrenceDoc } from './queries';
import { BookMakeupDialog } from './BookMakeupDialog';
import { fromLocalInput, toLocalInput } from './time-input';
import './attendance.css';

const isStudentCancellation = (s: AttendanceStatus) => s === 'cancelled_student_in_time' || s === 'cancelled_student_late';

export function AttendanceSection({ occurrence, lesson }: OccurrencePanelSectionProps) {
  const app = useApp();
  const toast = useToast();
  const tz = app.settings?.timeZone ?? 'UTC';
  const policy = attendanceSettings(app.settings);
  const doc = useOccurrenceDoc(occurrence.id);
  const consumers = useMakeupLessonsFor(occurrence.id);
  const names = useStudentNames(occurrence.studentIds);
  const [booking, setBooking] = useState<MakeupCredit | null>(null);
  const [busy, setBusy] = useState(false);

  // The stored document is the truth (the panel's copy may be a render behind).
  const o: ExpandedOccurrence = useMemo(
    () =>
      doc === undefined
        ? occurrence
        : {
            ...occurrence,
            status: doc?.status ?? 'scheduled',
            studentStatus: doc?.studentStatus ?? {},
            makeupGranted: doc?.makeupGranted ?? false,
            occurrence: doc,
          },
    [occurrence, doc],
  );
  const credits = useMemo(
    () =>
      doc
        ? allMakeupCredits([lesson, ...consumers.filter((c) => c.id !== lesson.id)], [doc], policy).filter((c) => c.occurrenceId === o.id)
        : [],
    [doc, lesson, consumers, policy, o.id],
  );
  const group = o.studentIds.length > 1;
  const nameOf = (id: string) => names.get(id) ?? 'Student';

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      toast(`Could not save the attendance: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const choose = (choice: AttendanceChoice, studentId: string | undefined) =>
    run(async () => {
      const ctx = app.ctx();
      const opts = studentId && group ? { studentId } : {};
      if (choice === 'cancelled_student') {
        const r = cancelByStudent(o, ctx, policy, { ...opts, cancelledAt: ctx.now.toISOString() });
        await saveOccurrence(app, r.occurrence);
        return;
      }
      // In a group lesson the occurrence's statusChangedAt is when another student cancelled:
      // marking this student must not move that moment (it decides late / in time).
      const otherCancelled =
        studentId && group && o.studentIds.some((s) => s !== studentId && isStudentCancellation(studentAttendance(o, s)));
      const keep = otherCancelled && o.occurrence?.statusChangedAt ? { statusChangedAt: o.occurrence.statusChangedAt } : {};
      await saveOccurrence(app, recordAttendance(o, choice, ctx, opts), keep);
    });

  const setCancelledAt = (studentId: string | undefined, iso: string) =>
    run(async () => {
      const ctx = app.ctx();
      const r = cancelByStudent(o, ctx, policy, { ...(studentId && group ? { studentId } : {}), cancelledAt: iso });
      await saveOccurrence(app, r.occurrence, { statusChangedAt: iso });
    });

  const setMakeupGranted = (granted: boolean) =>
    run(async () => {
      await saveOccurrence(app, writeOccurrence(lesson, o.originalStart, o.occurrence, { makeupGranted: granted }, app.ctx()));
    });

  const rows: (string | undefined)[] = o.studentIds.length ? o.studentIds : [undefined];
  const statuses = rows.map((s) => (s ? studentAttendance(o, s) : o.status));
  const offerGrant = statuses.some((s) => s === 'cancelled_tutor' || s === 'no_show' || s === 'cancelled_student_late');
  const automaticOnly = statuses.every((s) => s === 'cancelled_student_in_time' || s === 'attended' || s === 'scheduled');

  return (
    <div className="attendance" aria-busy={busy}>
      {o.closed && <p className="alert alert-info">The practice is closed this day ({o.closureLabel}); this lesson does not take place.</p>}
      {rows.map((studentId) => {
        const status = studentId ? studentAttendance(o, studentId) : o.status;
        const name = studentId ? nameOf(studentId) : 'this lesson';
        const credit = studentId ? credits.find((c) => c.studentId === studentId) : undefined;
        return (
          <StudentAttendanceRow
            key={studentId ?? 'all'}
            name={name}
            showName={Boolean(studentId)}
            status={status}
            start={o.start}
            cancelledAt={o.occurrence?.statusChangedAt ?? ''}
            tz={tz}
            policy={policy}
            credit={credit}
            consumer={credit?.consumedByLessonId ? consumers.find((c) => c.id === credit.consumedByLessonId) : undefined}
            disabled={busy || o.closed}
            onChoose={(c) => choose(c, studentId)}
            onCancelledAt={(iso) => void setCancelledAt(studentId, iso)}
            onBook={() => credit && setBooking(credit)}
          />
        );
      })}
      <div className="attendance-foot">
        {group && (
          <button type="button" className="btn btn-sm" disabled={busy || o.closed} onClick={() => void choose('attended', undefined)}>
            Mark everyone attended
          </button>
        )}
        {offerGrant && !automaticOnly && (
          <label className="checkbox">
            <input type="checkbox" checked={o.makeupGranted} disabled={busy} onChange={(e) => void setMakeupGranted(e.target.checked)} />
            <span>Grant a make-up credit{statuses.includes('cancelled_student_late') ? ' anyway' : ''}</span>
          </label>
        )}
      </div>
      {booking && (
        <BookMakeupDialog
          credit={booking}
          lesson={lesson}
          occurrence={o}
          studentName={nameOf(booking.studentId)}
          onClose={() => setBooking(null)}
        />
      )}
    </div>
  );
}

function StudentAttendanceRow(props: {
  name: string;
  showName: boolean;
  status: AttendanceStatus;
  start: string;
  cancelledAt: string;
  tz: string;
  policy: ReturnType<typeof attendanceSettings>;
  credit: MakeupCredit | undefined;
  consumer: { start: string } | undefined;
  disabled: boolean;
  onChoose: (c: AttendanceChoice) => Promise<void> | void;
  onCancelledAt: (iso: string) => void;
  onBook: () => void;
}) {
  const app = useApp();
  const radioName = useId();
  const inputId = useId();
  // Show the choice at once; the stored status replaces it when the write lands (or fails).
  const [optimistic, setOptimistic] = useState<{ choice: AttendanceChoice; from: AttendanceStatus } | null>(null);
  const choice = optimistic && optimistic.from === props.status ? optimistic.choice : choiceOf(props.status);
  const studentCancelled = choice === 'cancelled_student';
  const notice = studentCancelled && props.cancelledAt ? describeCancellationNotice(props.start, props.cancelledAt, props.policy) : null;
  const [draftAt, setDraftAt] = useState<string | null>(null);
  const fmt = new Intl.DateTimeFormat(app.settings?.locale ?? 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: clockHour(app.settings?.locale ?? 'en-GB'),
    minute: '2-digit',
    timeZone: props.tz,
  });
  const billed = isBillable(props.status, props.policy);
  const paid = isPayable(props.status, props.policy);

  return (
    <div className="att-row" role="group" aria-label={props.showName ? props.name : 'Attendance'}>
      {props.showName && <div className="att-name">{props.name}</div>}
      <div className="att-choices" role="radiogroup" aria-label={`Attendance of ${props.name}`}>
        {CHOICES.map((c) => (
          <label key={c.value} className={choice === c.value ? 'on' : ''}>
            <input
              type="radio"
              name={radioName}
              value={c.value}
              checked={choice === c.value}
              disabled={props.disabled}
              onChange={() => {
                setOptimistic({ choice: c.value, from: props.status });
                void Promise.resolve(props.onChoose(c.value)).finally(() => setOptimistic(null));
              }}
            />
            <span>{c.label}</span>
          </label>
        ))}
      </div>
      <div className="att-facts">
        <span className={`att-status tone-${props.status}`}>{STATUS_LABELS[props.status]}</span>
        {props.status !== 'scheduled' && (
          <span className="muted">
            {billed ? 'Billed to the family' : 'Not billed'} · {paid ? 'tutor paid' : 'tutor not paid'}
          </span>
        )}
      </div>
      {studentCancelled && (
        <div className="att-cancel">
          <div className="field att-cancel-at">
            <label htmlFor={inputId}>Cancelled at</label>
            <input
              id={inputId}
              className="input"
              type="datetime-local"
              value={draftAt ?? (props.cancelledAt ? toLocalInput(props.cancelledAt, props.tz) : '')}
              disabled={props.disabled}
              onChange={(e) => {
                setDraftAt(e.target.value);
                const iso = fromLocalInput(e.target.value, props.tz);
                if (iso) {
                  props.onCancelledAt(iso);
                  setDraftAt(null);
                }
              }}
            />
          </div>
          {notice && (
            <p className={`att-notice ${notice.inTime ? 'in-time' : 'late'}`} role="status">
              {notice.text}
            </p>
          )}
        </div>
      )}
      {props.credit && (
        <div className={`att-credit ${props.credit.consumedByLessonId ? 'used' : 'available'}`}>
          {props.credit.consumedByLessonId ? (
            <span>Make-up credit used: make-up lesson {props.consumer ? `on ${formatWhen(fmt, props.consumer.start)}` : 'booked'}</span>
          ) : (
            <>
              <span>Make-up credit available</span>
              <button type="button" className="btn btn-sm" onClick={props.onBook} aria-label={`Book make-up lesson for ${props.name}`}>
                Book make-up lesson
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
