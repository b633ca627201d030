/**
 * Versions of a note that sync could not merge (two laptops edited the same text offline) or that
 * were recovered after a crash: both texts side by side, and the user chooses to keep this
 * version, the other one, or both (src-shared/notes/merge.ts resolveNoteConflict).
 */
import { useState } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { useToast } from '../../ui/Toast';
import { formatWhen } from '../../ui/format';
import type { Note, NoteConflictVersion } from '../../../../src-shared/model/types';
import { NOTE_TEXT_FIELDS, resolveNoteConflict, type NoteConflictChoice, type NoteTextField } from '../../../../src-shared/notes/merge';
import './notes.css';

const LABELS: Record<NoteTextField, string> = {
  title: 'Title',
  covered: 'What was covered',
  homework: 'Homework',
  nextSteps: 'Next steps',
  body: 'Notes',
};

function differing(note: Note, v: NoteConflictVersion): NoteTextField[] {
  return NOTE_TEXT_FIELDS.filter((f) => v[f] !== undefined && v[f] !== note[f]);
}

export function NoteConflicts({ note, beforeResolve }: { note: Note; beforeResolve?: () => Promise<void> }) {
  const app = useApp();
  const toast = useToast();
  const { docs: staff } = useLiveQuery('staff');
  const [busy, setBusy] = useState(false);
  const who = (id: string) => staff.find((s) => s.id === id)?.name ?? 'someone';
  const fmt = new Intl.DateTimeFormat(app.settings?.locale ?? 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: app.settings?.timeZone,
  });

  const resolve = async (choice: NoteConflictChoice, version: NoteConflictVersion) => {
    setBusy(true);
    try {
      await beforeResolve?.();
      const fresh = await app.db.notes.findOne(note.id).exec();
      const current = (fresh?.toJSON() as Note | undefined) ?? note;
      // The list may have changed meanwhile (sync): find the same version again.
      const same = (c: NoteConflictVersion) =>
        c.updatedAt === version.updatedAt && c.deviceId === version.deviceId && c.body === version.body;
      const index = current.conflicts.findIndex(same);
      if (index < 0) return;
      const next = resolveNoteConflict(current, { ...choice, index }, app.ctx());
      await app.save('notes', note.id, {
        title: next.title,
        body: next.body,
        covered: next.covered,
        homework: next.homework,
        nextSteps: next.nextSteps,
        conflicts: next.conflicts,
      });
      toast(
        choice.keep === 'both'
          ? 'Both versions kept in the note'
          : choice.keep === 'other'
            ? 'The other version is now the note'
            : 'Kept the current version',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="note-conflicts">
      {note.conflicts.map((v, index) => {
        const fields = differing(note, v);
        const label = note.conflicts.length > 1 ? `Version conflict ${index + 1} of ${note.conflicts.length}` : 'Version conflict';
        return (
          <section key={`${v.updatedAt}|${v.deviceId}|${index}`} className="note-conflict" aria-label={label}>
            <div className="note-conflict-head">
              <strong>This note was edited in two places</strong>
              <span className="muted">
                Another version was written by {who(v.updatedBy)} on {formatWhen(fmt, v.updatedAt)}. Nothing has been lost: choose what to
                keep.
              </span>
            </div>
            <div className="note-conflict-cols">
              <div className="note-version">
                <h4>Current version</h4>
                {(fields.length ? fields : (['body'] as NoteTextField[])).map((f) => (
                  <div key={f} className="note-version-field">
                    <span className="label">{LABELS[f]}</span>
                    <p>{note[f] || <span className="muted">(empty)</span>}</p>
                  </div>
                ))}
              </div>
              <div className="note-version other">
                <h4>Other version</h4>
                {(fields.length ? fields : (['body'] as NoteTextField[])).map((f) => (
                  <div key={f} className="note-version-field">
                    <span className="label">{LABELS[f]}</span>
                    <p>{v[f] || <span className="muted">(empty)</span>}</p>
                  </div>
                ))}
              </div>
            </div>
            <div className="row note-conflict-actions">
              <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void resolve({ index, keep: 'current' }, v)}>
                Keep current version
              </button>
              <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void resolve({ index, keep: 'other' }, v)}>
                Keep other version
              </button>
              <button
                type="button"
                className="btn btn-sm btn-primary"
                disabled={busy}
                onClick={() => void resolve({ index, keep: 'both' }, v)}
              >
                Keep both
              </button>
            </div>
          </section>
        );
      })}
    </div>
  );
}
