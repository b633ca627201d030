/**
 * The lesson note of one occurrence, in the occurrence panel of the calendar: what was covered,
 * homework, next steps and free text, autosaved. One note per occurrence with a deterministic id,
 * so two laptops writing the note of the same lesson offline produce one document that sync
 * merges (keeping both texts when they collide) instead of two notes.
 */
import { useMemo } from 'react';
import { useApp } from '../../app/AppContext';
import type { OccurrencePanelSectionProps } from '../../app/registry';
import { newLessonNote } from '../../../../src-shared/notes/timeline';
import { LESSON_NOTE_FIELDS, NoteEditor } from './NoteEditor';
import { useStudentNames } from '../../app/queries';

/** The id of an occurrence's lesson note. */
export function lessonNoteId(occurrenceId: string): string {
  const id = `note-${occurrenceId}`;
  if (id.length <= 100) return id;
  // Ids are at most 100 characters: fall back to a stable hash of long occurrence ids.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < occurrenceId.length; i += 1) {
    h1 = Math.imul(h1 ^ occurrenceId.charCodeAt(i), 16777619);
    h2 = Math.imul(h2 + occurrenceId.charCodeAt(i), 2246822519);
  }
  return `note-${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}-${occurrenceId.slice(-40)}`;
}

export function LessonNoteSection({ occurrence }: OccurrencePanelSectionProps) {
  const app = useApp();
  const noteId = lessonNoteId(occurrence.id);
  const createValues = useMemo(
    () => newLessonNote(occurrence, app.me?.id ?? app.device.meStaffId),
    [occurrence, app.me?.id, app.device.meStaffId],
  );
  return (
    <div className="lesson-note">
      <NoteEditor key={noteId} noteId={noteId} createValues={createValues} fields={LESSON_NOTE_FIELDS} label="Lesson note" />
      {occurrence.studentIds.length > 0 && <TimelineLinks studentIds={occurrence.studentIds} />}
    </div>
  );
}

function TimelineLinks({ studentIds }: { studentIds: string[] }) {
  const names = useStudentNames(studentIds);
  return (
    <p className="lesson-note-links muted">
      Timeline:{' '}
      {studentIds.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <a href={`#/students/timeline?id=${encodeURIComponent(id)}`}>{names.get(id) ?? 'student'}</a>
        </span>
      ))}
    </p>
  );
}
