import { useId } from 'react';
import type { NoteTextField } from '../../../../src-shared/notes/merge';
import type { NoteValues } from '../../../../src-shared/notes/timeline';
import { usePermissions } from '../../app/AppContext';
import { SaveStatus } from '../../ui/SaveStatus';
import { NoteConflicts } from './NoteConflicts';
import { useNoteEditor } from './useNoteEditor';
import './notes.css';

export interface NoteFieldSpec {
  field: NoteTextField;
  label: string;
  placeholder?: string;
  rows?: number;
  /** A single-line input instead of a text area. */
  line?: boolean;
}

export const LESSON_NOTE_FIELDS: NoteFieldSpec[] = [
  { field: 'covered', label: 'What was covered', placeholder: 'Topics, pages, pieces…', rows: 2 },
  { field: 'homework', label: 'Homework', placeholder: 'What to practise before next time', rows: 2 },
  { field: 'nextSteps', label: 'Next steps', placeholder: 'Plan for the next lesson', rows: 2 },
  { field: 'body', label: 'Notes', placeholder: 'Anything else: how it went, things to tell the family…', rows: 3 },
];

export const PROGRESS_NOTE_FIELDS: NoteFieldSpec[] = [
  { field: 'title', label: 'Title', placeholder: 'e.g. End of term review', line: true },
  { field: 'body', label: 'Progress note', placeholder: 'Strengths, difficulties, goals…', rows: 4 },
];

/** An autosaving note form (lesson note or progress note). */
export function NoteEditor(props: {
  noteId: string;
  createValues: NoteValues;
  fields: NoteFieldSpec[];
  label: string;
  autoFocus?: boolean;
}) {
  const ed = useNoteEditor(props.noteId, props.createValues);
  const permissions = usePermissions();
  const baseId = useId();
  if (ed.note === undefined) return <p className="muted">Loading note…</p>;
  // Another tutor's note is shown, not edited (docs/security.md, the permission table).
  const may = ed.note ? permissions.decide('notes', 'change', ed.note) : permissions.decide('notes', 'create');
  return (
    <div className="note-editor" role="group" aria-label={props.label}>
      <div className="note-editor-status">
        {may.allowed ? (
          <SaveStatus status={ed.status} error={ed.error} exists={ed.note !== null} />
        ) : (
          <span className="save-status save-readonly" id={`${baseId}-why`}>
            Read only: {may.reason}
          </span>
        )}
      </div>
      {may.allowed && ed.note && ed.note.conflicts.length > 0 && <NoteConflicts note={ed.note} beforeResolve={ed.flush} />}
      {props.fields.map((f, i) => {
        const id = `${baseId}-${f.field}`;
        const common = {
          id,
          className: 'input',
          value: ed.text[f.field],
          placeholder: f.placeholder,
          autoFocus: may.allowed && props.autoFocus && i === 0,
          readOnly: !may.allowed,
          'aria-describedby': may.allowed ? undefined : `${baseId}-why`,
          onBlur: () => void (may.allowed && ed.flush()),
        };
        return (
          <div className="field" key={f.field}>
            <label htmlFor={id}>{f.label}</label>
            {f.line ? (
              <input {...common} onChange={(e) => ed.setField(f.field, e.target.value)} />
            ) : (
              <textarea {...common} rows={f.rows ?? 3} onChange={(e) => ed.setField(f.field, e.target.value)} />
            )}
          </div>
        );
      })}
    </div>
  );
}
