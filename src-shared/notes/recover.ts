/**
 * Recovery of note text typed but not confirmed saved (the app was closed or crashed mid-save).
 * The editor journals unsaved text synchronously; at the next start each journal entry is applied
 * here, without ever losing text:
 * - the note does not exist yet → it is created with the draft's text;
 * - a field already holds the draft's text → nothing to do;
 * - a field was not changed after the draft was typed → the draft's text is written;
 * - a field was changed after the draft was typed (e.g. on another laptop, replicated since) →
 *   the current text stays and the draft becomes a version in `note.conflicts` for the user to
 *   resolve (the same mechanism as sync conflicts, src-shared/notes/merge.ts).
 */
import type { ChangeContext } from '../model/meta';
import type { Note, NoteConflictVersion } from '../model/types';
import { NOTE_TEXT_FIELDS, type NoteTextField } from './merge';
import { saveNote, type NoteValues } from './timeline';

export interface NoteDraft {
  noteId: string;
  /** Values to create the note with if it does not exist yet. */
  values: NoteValues;
  /** Text fields typed and not confirmed saved. */
  changes: Partial<Record<NoteTextField, string>>;
  /** Instant of the last keystroke of the draft (ISO). */
  typedAt: string;
}

/** The instant part of a field-clock stamp (`<ISO>|<counter>|<device>`). */
function stampInstant(stamp: string | undefined): string {
  return stamp ? (stamp.split('|')[0] ?? '') : '';
}

/** The next version of the note with the draft applied, or null when there is nothing to write. */
export function applyNoteDraft(current: Note | undefined, draft: NoteDraft, ctx: ChangeContext): Note | null {
  const fields = (Object.keys(draft.changes) as NoteTextField[]).filter((f) => (NOTE_TEXT_FIELDS as readonly string[]).includes(f));
  if (!current) {
    if (fields.every((f) => (draft.changes[f] ?? '') === draft.values[f])) return null;
    return saveNote(undefined, { ...draft.values, ...draft.changes }, ctx, () => draft.noteId);
  }
  const apply: Partial<Record<NoteTextField, string>> = {};
  const clash: Partial<Record<NoteTextField, string>> = {};
  for (const f of fields) {
    const v = draft.changes[f]!;
    if (current[f] === v) continue;
    if (stampInstant(current.fieldClock[f]) > draft.typedAt) clash[f] = v;
    else apply[f] = v;
  }
  if (Object.keys(apply).length === 0 && Object.keys(clash).length === 0) return null;
  let conflicts = current.conflicts;
  if (Object.keys(clash).length > 0) {
    const version: NoteConflictVersion = {
      title: clash.title ?? current.title,
      body: clash.body ?? current.body,
      covered: clash.covered ?? current.covered,
      homework: clash.homework ?? current.homework,
      nextSteps: clash.nextSteps ?? current.nextSteps,
      updatedAt: draft.typedAt,
      updatedBy: ctx.staffId,
      deviceId: ctx.deviceId,
    };
    conflicts = [...current.conflicts, version];
  }
  return saveNote(current, { ...apply, conflicts }, ctx, () => current.id);
}
