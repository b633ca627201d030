/**
 * Today: the day's lessons with their attendance, each opening the same sections as the
 * calendar's occurrence panel (attendance, lesson note…), and the bulk action "Mark the rest of
 * today's lessons attended" (src-shared/schedule/attendance.ts markRestOfDayAttended).
 */
import { useEffect, useMemo, useState } from 'react';
import { clockHour } from '../../../../src-shared/locale/practice-locale';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { Dialog } from '../../ui/Dialog';
import { EmptyState } from '../../ui/EmptyState';
import { Icon } from '../../ui/Icon';
import { SkippedRecords } from '../../ui/SkippedRecords';
import { useToast } from '../../ui/Toast';
import { markRestOfDayAttended } from '../../../../src-shared/schedule/attendance';
import { studentAttendance, type ExpandedOccurrence } from '../../../../src-shared/schedule/expand';
import { localDate } from '../../../../src-shared/schedule/time';
import { OccurrencePanelSection, useOccurrencePanelSections } from '../../app/registry';
import { useStudentNames } from '../../app/queries';
import { STATUS_SHORT, statusTone } from './labels';
import { saveOccurrence, useDayOccurrences } from './queries';
import './attendance.css';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';
import { roomText } from '../../../../src-shared/schedule/rooms';

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function TodayScreen() {
  const app = useApp();
  const toast = useToast();
  const tz = app.settings?.timeZone ?? 'UTC';
  const locale = app.settings?.locale ?? 'en-GB';
  const now = useNow(30_000);
  const day = localDate(now, tz);
  const { occurrences, loading, skipped } = useDayOccurrences(day);
  const { docs: staff } = useLiveQuery('staff');
  const [tutorId, setTutorId] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [includeUpcoming, setIncludeUpcoming] = useState(false);
  const [saving, setSaving] = useState(false);

  const visible = useMemo(() => occurrences.filter((o) => !tutorId || o.tutorId === tutorId), [occurrences, tutorId]);
  const studentIds = useMemo(() => [...new Set(visible.flatMap((o) => o.studentIds))].sort(), [visible]);
  const names = useStudentNames(studentIds);
  const staffById = useMemo(() => new Map(staff.map((s) => [s.id, s])), [staff]);

  const plan = (upcoming: boolean) =>
    markRestOfDayAttended(
      visible,
      day,
      tz,
      { ...app.ctx(), now: new Date(now) },
      { ...(tutorId ? { tutorId } : {}), includeUpcoming: upcoming },
    );
  const startedCount = plan(false).length;
  const allCount = plan(true).length;
  const count = includeUpcoming ? allCount : startedCount;

  const time = new Intl.DateTimeFormat(locale, { hour: clockHour(locale), minute: '2-digit', timeZone: tz });
  const dayTitle = new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: tz,
  }).format(new Date(now));

  const markAll = async () => {
    setSaving(true);
    try {
      const docs = markRestOfDayAttended(visible, day, tz, app.ctx(), { ...(tutorId ? { tutorId } : {}), includeUpcoming });
      for (const d of docs) await saveOccurrence(app, d);
      toast(`${countOf(docs.length, NOUNS.lesson)} marked attended`);
      setConfirming(false);
    } catch (e) {
      toast(`Could not mark the lessons attended: ${(e as Error).message}`);
    } finally {
      setSaving(false);
    }
  };

  const studentsText = (o: ExpandedOccurrence) => o.studentIds.map((id) => names.get(id) ?? '…').join(', ');

  return (
    <div className="page today">
      <div className="page-header">
        <div>
          <h1>Today</h1>
          <p>{dayTitle}</p>
        </div>
        <div className="toolbar">
          <select className="input" style={{ width: 190 }} aria-label="Tutor" value={tutorId} onChange={(e) => setTutorId(e.target.value)}>
            <option value="">All tutors</option>
            {staff
              .filter((s) => s.active)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
          <button
            type="button"
            className="btn btn-primary"
            disabled={allCount === 0}
            onClick={() => {
              setIncludeUpcoming(startedCount === 0);
              setConfirming(true);
            }}
          >
            <Icon name="check" size={16} />
            Mark the rest of today’s lessons attended
          </button>
        </div>
      </div>
      <SkippedRecords records={skipped} noun={['lesson record', 'lesson records']} where="in today’s list" />
      {!loading && visible.length === 0 ? (
        <div className="card">
          <EmptyState icon="calendar" title="No lessons today">
            {tutorId ? 'This tutor has no lessons today.' : 'Nothing on the schedule for today. Enjoy the quiet!'}
          </EmptyState>
        </div>
      ) : (
        <ol className="today-list card" aria-label="Today’s lessons">
          {visible.map((o) => {
            const expanded = open === o.id;
            const tutor = staffById.get(o.tutorId);
            const statuses = o.studentIds.length ? o.studentIds.map((s) => studentAttendance(o, s)) : [o.status];
            const mixed = new Set(statuses).size > 1;
            const label = `${time.format(o.startMs)} ${o.subject || 'Lesson'} with ${studentsText(o)}`;
            return (
              <li key={o.id} className={`today-item${expanded ? ' open' : ''}${o.startMs <= now && o.endMs > now ? ' now' : ''}`}>
                <button
                  type="button"
                  className="today-row"
                  aria-expanded={expanded}
                  aria-label={label}
                  onClick={() => setOpen(expanded ? null : o.id)}
                >
                  <span className="today-time num">
                    {time.format(o.startMs)}
                    <span className="muted">{time.format(o.endMs)}</span>
                  </span>
                  <span className="today-colour" style={{ background: tutor?.colour ?? 'var(--border-strong)' }} aria-hidden="true" />
                  <span className="today-main">
                    <span className="today-subject">{o.subject || 'Lesson'}</span>
                    <span className="muted">
                      {studentsText(o)}
                      {tutor ? ` · ${tutor.name}` : ''}
                      {o.room ? ` · ${roomText(o.room)}` : ''}
                      {o.lesson.makeupForOccurrenceId ? ' · Make-up lesson' : ''}
                    </span>
                  </span>
                  <span className={`att-badge tone-${o.closed ? 'neutral' : mixed ? 'warn' : statusTone(statuses[0]!)}`}>
                    {o.closed ? `Closed: ${o.closureLabel}` : mixed ? 'Mixed' : STATUS_SHORT[statuses[0]!]}
                  </span>
                  <Icon name={expanded ? 'up' : 'down'} size={16} />
                </button>
                {expanded && <OccurrenceDetails occurrence={o} />}
              </li>
            );
          })}
        </ol>
      )}
      {confirming && (
        <Dialog
          title="Mark lessons attended"
          onClose={() => setConfirming(false)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" className="btn btn-primary" disabled={saving || count === 0} onClick={() => void markAll()}>
                Mark {countOf(count, NOUNS.lesson)} attended
              </button>
            </>
          }
        >
          <div className="stack">
            <p>
              {count === 0
                ? 'No lesson that has started is still unmarked.'
                : `${countOf(count, NOUNS.lesson)} of today ${formOf(count, VERBS.is)} still marked “Scheduled” and will be marked attended${tutorId ? ` (${staffById.get(tutorId)?.name ?? 'this tutor'} only)` : ''}. Lessons already marked keep their status.`}
            </p>
            <label className="checkbox">
              <input type="checkbox" checked={includeUpcoming} onChange={(e) => setIncludeUpcoming(e.target.checked)} />
              <span>Include lessons that have not started yet ({allCount - startedCount})</span>
            </label>
          </div>
        </Dialog>
      )}
    </div>
  );
}

/** The occurrence panel sections the features contribute, inline under a lesson of the Today list. */
function OccurrenceDetails({ occurrence }: { occurrence: ExpandedOccurrence }) {
  const sections = useOccurrencePanelSections();
  return (
    <div className="today-details">
      {sections.map((s) => (
        <section key={s.id} className="today-section" aria-label={s.title ?? s.id}>
          {s.title && <h3>{s.title}</h3>}
          <OccurrencePanelSection section={s} occurrence={occurrence} lesson={occurrence.lesson} />
        </section>
      ))}
    </div>
  );
}
