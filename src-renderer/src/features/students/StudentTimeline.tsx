/**
 * A student's timeline (route /students/timeline?id=…&note=…): lesson notes and progress notes,
 * newest first (src-shared/notes/timeline.ts), editable in place with autosave, notes with
 * unresolved versions flagged, and the student's make-up credits with a booking action.
 * `note` scrolls to and highlights one note (search results lead here).
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { clockHour } from '../../../../src-shared/locale/practice-locale';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { EmptyState } from '../../ui/EmptyState';
import { Icon } from '../../ui/Icon';
import { avatarColour, initials, formatWhen } from '../../ui/format';
import { Alert } from '../../ui/Alert';
import type { Family, Note, Student } from '../../../../src-shared/model/types';
import { newProgressNote, studentTimeline, type NoteValues, type TimelineEntry } from '../../../../src-shared/notes/timeline';
import { getSearchService } from '../search';
import { LESSON_NOTE_FIELDS, NoteConflicts, NoteEditor, PROGRESS_NOTE_FIELDS } from '../notes';
import { MakeupCreditsBadge, MakeupCreditsCard } from '../attendance';
import { ProgressReportDialog } from '../mail';
import './timeline.css';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

const PAGE = 30;

function useDoc<T>(collection: 'students' | 'families', id: string): T | null | undefined {
  const { db } = useApp();
  const [doc, setDoc] = useState<T | null | undefined>(undefined);
  useEffect(() => {
    if (!id) {
      setDoc(null);
      return;
    }
    const sub = (
      db.collections[collection] as unknown as {
        findOne(id: string): { $: { subscribe(cb: (d: { toJSON(): unknown } | null) => void): { unsubscribe(): void } } };
      }
    )
      .findOne(id)
      .$.subscribe((d) => setDoc(d ? (d.toJSON() as T) : null));
    return () => sub.unsubscribe();
  }, [db, collection, id]);
  return doc;
}

/** The notes about a student, live: ids from the search service's bookkeeping, documents by id. */
function useStudentNotes(studentId: string): { notes: Note[]; loading: boolean } {
  const { db } = useApp();
  const service = useMemo(() => getSearchService(db), [db]);
  const version = useSyncExternalStore(service.subscribe, service.version);
  const ready = service.status !== 'building';
  const ids = ready ? service.noteIdsOfStudent(studentId).sort() : null;
  const key = ids?.join('\n') ?? null;
  const [notes, setNotes] = useState<{ key: string; notes: Note[] } | null>(null);
  useEffect(() => {
    if (key === null) return;
    const sub = db.notes
      .findByIds(key ? key.split('\n') : [])
      .$.subscribe((m) => setNotes({ key, notes: [...m.values()].map((d) => d.toJSON() as Note) }));
    return () => sub.unsubscribe();
  }, [db, key]);
  void version;
  return { notes: notes?.notes ?? [], loading: key === null || notes === null };
}

export function StudentTimeline() {
  const app = useApp();
  const route = useRoute();
  const studentId = route.query.get('id') ?? '';
  const target = route.query.get('note') ?? '';
  const tz = app.settings?.timeZone ?? 'UTC';
  const locale = app.settings?.locale ?? 'en-GB';
  const student = useDoc<Student>('students', studentId);
  const family = useDoc<Family>('families', student?.familyId ?? '');
  const { notes, loading } = useStudentNotes(studentId);
  const { docs: staff } = useLiveQuery('staff');
  const [shown, setShown] = useState(PAGE);
  const [editing, setEditing] = useState<string | null>(null);
  const [drafting, setDrafting] = useState<{ id: string; values: NoteValues } | null>(null);
  const [reporting, setReporting] = useState(false);

  const entries = useMemo(
    () => studentTimeline(studentId, notes).filter((e) => e.note.id !== drafting?.id),
    [studentId, notes, drafting?.id],
  );
  const targetIndex = target ? entries.findIndex((e) => e.note.id === target) : -1;
  const visibleCount = Math.max(shown, targetIndex + 1);
  const staffName = (id: string) => staff.find((s) => s.id === id)?.name ?? '';
  const dateFmt = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: tz });
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: clockHour(locale), minute: '2-digit', timeZone: tz });

  if (student === undefined) return <div className="page" aria-busy="true" />;
  if (student === null)
    return (
      <div className="page">
        <div className="card">
          <EmptyState
            icon="students"
            title="Student not found"
            actions={
              <a className="btn" href="#/students">
                Back to students
              </a>
            }
          >
            This student may have been deleted on another computer.
          </EmptyState>
        </div>
      </div>
    );

  const name = `${student.firstName} ${student.lastName}`.trim();
  const conflicted = entries.filter((e) => e.hasConflicts).length;

  const startDraft = () => {
    setEditing(null);
    setDrafting({ id: `note-${crypto.randomUUID()}`, values: newProgressNote(student.id, app.me?.id ?? app.device.meStaffId) });
  };

  return (
    <div className="page timeline-page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/students">Students</a> <span aria-hidden="true">/</span> <span aria-current="page">{name}</span>
      </nav>
      <div className="page-header">
        <div className="timeline-who">
          <span className="avatar avatar-lg" style={{ background: avatarColour(student.id) }} aria-hidden="true">
            {initials(student.firstName, student.lastName)}
          </span>
          <div>
            <h1>{name}</h1>
            <p>
              Timeline of lesson notes and progress notes
              {family ? ` · ${family.kind === 'self' ? 'pays for themselves' : family.name}` : ''}
            </p>
          </div>
        </div>
        <div className="toolbar">
          <button type="button" className="btn" onClick={() => navigate(`/students?id=${encodeURIComponent(student.id)}`)}>
            Edit details
          </button>
          <button type="button" className="btn" onClick={() => setReporting(true)} disabled={!family}>
            <Icon name="mail" size={16} />
            Progress report…
          </button>
          <button type="button" className="btn btn-primary" onClick={startDraft} disabled={drafting !== null}>
            <Icon name="plus" size={16} />
            New progress note
          </button>
        </div>
      </div>

      <div className="timeline-layout">
        <div className="timeline-main">
          {conflicted > 0 && (
            <Alert tone="warning" role="alert">
              {countOf(conflicted, NOUNS.note)} {formOf(conflicted, VERBS.was)} edited on two computers at once. Both versions are kept
              below: choose what to keep.
            </Alert>
          )}
          {drafting && (
            <section className="card card-pad tl-draft" aria-label="New progress note">
              <div className="tl-draft-head">
                <h2>New progress note</h2>
                <button type="button" className="btn btn-sm" onClick={() => setDrafting(null)}>
                  Done
                </button>
              </div>
              <NoteEditor
                noteId={drafting.id}
                createValues={drafting.values}
                fields={PROGRESS_NOTE_FIELDS}
                label="New progress note"
                autoFocus
              />
            </section>
          )}
          {loading ? (
            <p className="muted">Loading notes…</p>
          ) : entries.length === 0 && !drafting ? (
            <div className="card">
              <EmptyState
                icon="notes"
                title="No notes yet"
                actions={
                  <button type="button" className="btn btn-primary" onClick={startDraft}>
                    Write a progress note
                  </button>
                }
              >
                Lesson notes written in the calendar and progress notes appear here, newest first.
              </EmptyState>
            </div>
          ) : (
            <ol className="timeline" aria-label={`Timeline of ${name}`}>
              {entries.slice(0, visibleCount).map((e) => (
                <TimelineItem
                  key={e.note.id}
                  entry={e}
                  isTarget={e.note.id === target}
                  editing={editing === e.note.id}
                  onEdit={() => setEditing(editing === e.note.id ? null : e.note.id)}
                  author={staffName(e.note.authorId)}
                  date={formatWhen(dateFmt, e.date)}
                  time={e.kind === 'lesson' && e.lessonStart ? formatWhen(timeFmt, e.lessonStart, '') : ''}
                />
              ))}
            </ol>
          )}
          {entries.length > visibleCount && (
            <button type="button" className="btn" onClick={() => setShown(visibleCount + PAGE)}>
              Show older notes ({entries.length - visibleCount} more)
            </button>
          )}
        </div>
        <aside className="timeline-side">
          <StudentFacts student={student} family={family ?? null} />
          <MakeupCreditsCard studentId={studentId} studentName={name} dateFmt={dateFmt} />
        </aside>
      </div>
      {reporting && family && <ProgressReportDialog student={student} family={family} onClose={() => setReporting(false)} />}
    </div>
  );
}

function TimelineItem(props: {
  entry: TimelineEntry;
  isTarget: boolean;
  editing: boolean;
  onEdit: () => void;
  author: string;
  date: string;
  time: string;
}) {
  const { note, kind } = props.entry;
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (props.isTarget && ref.current) {
      ref.current.scrollIntoView({ block: 'center' });
      ref.current.focus({ preventScroll: true });
    }
  }, [props.isTarget]);
  const title = note.title || (kind === 'lesson' ? 'Lesson note' : 'Progress note');
  // The editor's starting values: made once per note. Later versions (a sync, another window)
  // reach the open editor through its own merge, not by resetting it here.
  const values = useMemo<NoteValues>(
    () => (({ id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...rest }) => rest)(note),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [note.id],
  );
  const headingId = `tl-${note.id}`;
  const fields = kind === 'lesson' ? LESSON_NOTE_FIELDS : PROGRESS_NOTE_FIELDS.filter((f) => f.field !== 'title');
  const empty = fields.every((f) => !note[f.field].trim());
  return (
    <li
      ref={ref}
      tabIndex={-1}
      className={`tl-item kind-${kind}${props.isTarget ? ' target' : ''}`}
      aria-current={props.isTarget ? 'true' : undefined}
    >
      <div className="tl-dot" aria-hidden="true">
        <Icon name={kind === 'lesson' ? 'calendar' : 'notes'} size={14} />
      </div>
      <article className="card tl-card" aria-labelledby={headingId}>
        <header className="tl-head">
          <div className="tl-title">
            <span className={`tl-kind kind-${kind}`}>{kind === 'lesson' ? 'Lesson note' : 'Progress note'}</span>
            <h3 id={headingId}>{title}</h3>
            <span className="muted tl-meta">
              {props.date}
              {props.time ? `, ${props.time}` : ''}
              {props.author ? ` · ${props.author}` : ''}
            </span>
          </div>
          <button
            type="button"
            className="btn btn-sm"
            aria-expanded={props.editing}
            aria-label={props.editing ? `Done editing ${title}` : `Edit ${title}`}
            onClick={props.onEdit}
          >
            {props.editing ? 'Done' : 'Edit'}
          </button>
        </header>
        {props.editing ? (
          <NoteEditor
            noteId={note.id}
            createValues={values}
            fields={kind === 'lesson' ? LESSON_NOTE_FIELDS : PROGRESS_NOTE_FIELDS}
            label={`Editing ${title}`}
            autoFocus
          />
        ) : (
          <>
            {note.conflicts.length > 0 && <NoteConflicts note={note} />}
            {empty ? (
              <p className="muted">Empty note.</p>
            ) : (
              <dl className="tl-fields">
                {fields
                  .filter((f) => note[f.field].trim())
                  .map((f) => (
                    <div key={f.field} className={`tl-field field-${f.field}`}>
                      {(kind === 'lesson' || f.field !== 'body') && <dt>{f.label}</dt>}
                      <dd>{note[f.field]}</dd>
                    </div>
                  ))}
              </dl>
            )}
          </>
        )}
      </article>
    </li>
  );
}

function StudentFacts({ student, family }: { student: Student; family: Family | null }) {
  return (
    <section className="card card-pad tl-facts" aria-label="About the student">
      <dl className="detail-grid">
        <dt>Status</dt>
        <dd>
          <span className={`badge badge-${student.status}`}>{student.status[0]!.toUpperCase() + student.status.slice(1)}</span>
        </dd>
        {student.subjects.length > 0 && (
          <>
            <dt>Subjects</dt>
            <dd>
              {student.subjects.map((s) => (
                <span className="chip" key={s}>
                  {s}
                </span>
              ))}
            </dd>
          </>
        )}
        {student.gradeLevel && (
          <>
            <dt>Grade</dt>
            <dd>{student.gradeLevel}</dd>
          </>
        )}
        {family && family.kind === 'family' && (
          <>
            <dt>Family</dt>
            <dd>
              <a href={`#/families?id=${encodeURIComponent(family.id)}`}>{family.name}</a>
            </dd>
          </>
        )}
        {(student.email || family?.email) && (
          <>
            <dt>E-mail</dt>
            <dd>{student.email || family?.email}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** A strip in the student dialog: the way to the timeline, with the make-up credits available. */
export function StudentTimelineLink({ studentId }: { studentId: string }) {
  return (
    <div className="timeline-link">
      <a className="btn btn-sm" href={`#/students/timeline?id=${encodeURIComponent(studentId)}`}>
        <Icon name="notes" size={15} />
        Notes &amp; timeline
      </a>
      <MakeupCreditsBadge studentId={studentId} />
    </div>
  );
}
