/**
 * Lesson notes (attached to one occurrence: what was covered, homework, next steps) and progress
 * notes (on a student over time), and a student's timeline of both, newest first.
 */
import { stampChange, type ChangeContext, type SyncMeta } from '../model/meta';
import type { Note, NoteKind } from '../model/types';
import { parseOccurrenceId, type ExpandedOccurrence } from '../schedule/expand';

export type NoteValues = Omit<Note, keyof SyncMeta>;

export interface TimelineEntry {
  note: Note;
  kind: NoteKind;
  /** The instant the entry is dated by: the lesson's start for a lesson note, else createdAt. */
  date: string;
  /** The lesson's start (lesson notes only), '' otherwise. */
  lessonStart: string;
  hasConflicts: boolean;
}

/** Values of a new lesson note for an occurrence (all its students). */
export function newLessonNote(o: Pick<ExpandedOccurrence, 'id' | 'lessonId' | 'studentIds' | 'subject'>, authorId: string): NoteValues {
  return {
    kind: 'lesson',
    studentIds: [...o.studentIds],
    lessonId: o.lessonId,
    occurrenceId: o.id,
    authorId,
    title: o.subject,
    body: '',
    covered: '',
    homework: '',
    nextSteps: '',
    conflicts: [],
  };
}

/** Values of a new progress note on one student. */
export function newProgressNote(studentId: string, authorId: string, title = ''): NoteValues {
  return {
    kind: 'progress',
    studentIds: [studentId],
    lessonId: '',
    occurrenceId: '',
    authorId,
    title,
    body: '',
    covered: '',
    homework: '',
    nextSteps: '',
    conflicts: [],
  };
}

/**
 * Autosave: the next version of a note (or a new one) with the edited text fields. Only fields
 * that really changed get a new field-clock stamp, so the sync merge stays per field.
 */
export function saveNote(previous: Note | undefined, values: Partial<NoteValues>, ctx: ChangeContext, newId: () => string): Note {
  const base: NoteValues = previous
    ? (({ id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...rest }) => rest)(previous)
    : {
        kind: 'progress',
        studentIds: [],
        lessonId: '',
        occurrenceId: '',
        authorId: ctx.staffId,
        title: '',
        body: '',
        covered: '',
        homework: '',
        nextSteps: '',
        conflicts: [],
      };
  return stampChange<Note>(previous, { ...base, ...values }, ctx, newId);
}

/** The lesson note of an occurrence, if any (the most recently edited when several exist). */
export function noteForOccurrence(notes: readonly Note[], occurrenceId: string): Note | undefined {
  return notes
    .filter((n) => n.kind === 'lesson' && n.occurrenceId === occurrenceId)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
}

/**
 * A student's timeline: their lesson notes and progress notes, newest first. A lesson note is
 * dated by its lesson (from the occurrence id, or `lessonStart(occurrenceId)` when given, e.g.
 * the moved start), a progress note by its creation.
 */
export function studentTimeline(
  studentId: string,
  notes: readonly Note[],
  opts: { lessonStart?: (occurrenceId: string) => string | undefined } = {},
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const note of notes) {
    if (!note.studentIds.includes(studentId)) continue;
    let lessonStart = '';
    if (note.kind === 'lesson' && note.occurrenceId)
      lessonStart = opts.lessonStart?.(note.occurrenceId) ?? parseOccurrenceId(note.occurrenceId)?.originalStart ?? '';
    out.push({ note, kind: note.kind, date: lessonStart || note.createdAt, lessonStart, hasConflicts: note.conflicts.length > 0 });
  }
  return out.sort(
    (a, b) => b.date.localeCompare(a.date) || b.note.updatedAt.localeCompare(a.note.updatedAt) || a.note.id.localeCompare(b.note.id),
  );
}
