/**
 * Editing one note with autosave: local text state, debounced writes through `app.save` (only the
 * fields typed, so the sync merge stays per field), flush on blur / unmount / the window hiding or
 * closing, a synchronous journal of unsaved text, and text arriving from elsewhere (sync, another
 * editor of the same note) shown in the fields not being typed in.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApp } from '../../app/AppContext';
import type { Note } from '../../../../src-shared/model/types';
import type { NoteTextField } from '../../../../src-shared/notes/merge';
import type { NoteValues } from '../../../../src-shared/notes/timeline';
import { createAutosaver, type Autosaver, type AutosaveStatus } from '../../ui/autosave';
import { getNoteDraft, putNoteDraft, recoverNoteDraft, removeNoteDraft } from './draft-journal';
import { flushOnLeave } from '../../ui/flush-on-leave';

export type NoteText = Record<NoteTextField, string>;
export const AUTOSAVE_DELAY_MS = 700;

const textOf = (n: Pick<Note, NoteTextField> | NoteValues): NoteText => ({
  title: n.title,
  body: n.body,
  covered: n.covered,
  homework: n.homework,
  nextSteps: n.nextSteps,
});

export interface NoteEditorState {
  /** The saved note (null: not created yet; undefined: loading). */
  note: Note | null | undefined;
  text: NoteText;
  setField(field: NoteTextField, value: string): void;
  flush(): Promise<void>;
  status: AutosaveStatus;
  error: string;
}

export function useNoteEditor(noteId: string, createValues: NoteValues): NoteEditorState {
  const app = useApp();
  const { db } = app;
  const createRef = useRef(createValues);
  const appRef = useRef(app);
  appRef.current = app;
  const [note, setNote] = useState<Note | null | undefined>(undefined);
  const [text, setText] = useState<NoteText>(() => textOf(createValues));
  const [status, setStatus] = useState<AutosaveStatus>('idle');
  const [error, setError] = useState('');
  const saverRef = useRef<Autosaver<NoteText> | null>(null);

  if (!saverRef.current) {
    saverRef.current = createAutosaver<NoteText>({
      delayMs: AUTOSAVE_DELAY_MS,
      save: async (changes) => {
        const a = appRef.current;
        const exists = await a.db.notes.findOne(noteId).exec();
        if (exists) await a.save('notes', noteId, changes);
        else await a.save('notes', noteId, { ...createRef.current, ...changes });
      },
      onStatus: (s, e) => {
        setStatus(s);
        setError(e ?? '');
      },
      journal: (unconfirmed) =>
        putNoteDraft(db.name, { noteId, values: createRef.current, changes: unconfirmed, typedAt: new Date().toISOString() }),
      clearJournal: () => removeNoteDraft(db.name, noteId),
    });
  }

  useEffect(() => {
    const saver = saverRef.current!;
    let sub: { unsubscribe(): void } | null = null;
    let cancelled = false;
    void (async () => {
      // Text journalled by a previous session that never reached the database comes back first.
      const draft = getNoteDraft(db.name, noteId);
      if (draft) {
        try {
          await recoverNoteDraft(db, (id, values) => appRef.current.save('notes', id, values), appRef.current.ctx(), draft);
        } catch (e) {
          console.error(e);
        }
      }
      if (cancelled) return;
      sub = db.notes.findOne(noteId).$.subscribe((doc) => {
        const n = doc ? (doc.toJSON() as Note) : null;
        setNote(n);
        if (!n) return;
        const typing = saver.unconfirmed();
        setText((prev) => {
          const next = { ...prev };
          let changed = false;
          for (const f of Object.keys(prev) as NoteTextField[]) {
            if (f in typing || next[f] === n[f]) continue;
            next[f] = n[f];
            changed = true;
          }
          return changed ? next : prev;
        });
      });
    })();
    const stopFlushing = flushOnLeave(saver);
    return () => {
      cancelled = true;
      sub?.unsubscribe();
      stopFlushing();
    };
  }, [db, noteId]);

  useEffect(() => () => saverRef.current?.dispose(), []);

  const setField = useCallback((field: NoteTextField, value: string) => {
    setText((prev) => ({ ...prev, [field]: value }));
    saverRef.current!.edit(field, value);
  }, []);

  const flush = useCallback(() => saverRef.current!.flush().catch(() => {}), []);

  return { note, text, setField, flush, status, error };
}
