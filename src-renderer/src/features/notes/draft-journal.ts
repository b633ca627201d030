/**
 * The journal of note text typed but not yet confirmed saved: written synchronously to
 * localStorage on every keystroke (IndexedDB writes are asynchronous and may not finish when the
 * window closes), removed once the database has the text. Entries left over are applied at the
 * next start (`recoverNoteDrafts`) or when the note's editor opens, through
 * src-shared/notes/recover.ts (which keeps both texts if the note changed elsewhere since).
 */
import type { TutorDatabase } from '../../data';
import type { ChangeContext } from '../../../../src-shared/model/meta';
import type { Note } from '../../../../src-shared/model/types';
import { applyNoteDraft, type NoteDraft } from '../../../../src-shared/notes/recover';

const keyOf = (dbName: string) => `tutordesk:${dbName}:note-drafts`;

function readAll(dbName: string): Record<string, NoteDraft> {
  try {
    const raw = localStorage.getItem(keyOf(dbName));
    const parsed = raw ? (JSON.parse(raw) as unknown) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, NoteDraft>) : {};
  } catch {
    return {};
  }
}

function writeAll(dbName: string, all: Record<string, NoteDraft>): void {
  try {
    if (Object.keys(all).length === 0) localStorage.removeItem(keyOf(dbName));
    else localStorage.setItem(keyOf(dbName), JSON.stringify(all));
  } catch {
    // Storage full or unavailable: the database write is still attempted.
  }
}

export function putNoteDraft(dbName: string, draft: NoteDraft): void {
  const all = readAll(dbName);
  all[draft.noteId] = draft;
  writeAll(dbName, all);
}

export function removeNoteDraft(dbName: string, noteId: string): void {
  const all = readAll(dbName);
  if (!(noteId in all)) return;
  delete all[noteId];
  writeAll(dbName, all);
}

export function getNoteDraft(dbName: string, noteId: string): NoteDraft | undefined {
  return readAll(dbName)[noteId];
}

export function listNoteDrafts(dbName: string): NoteDraft[] {
  return Object.values(readAll(dbName));
}

type Save = (id: string, values: Partial<Note>) => Promise<unknown>;
const running = new Map<string, Promise<void>>();

/** Applies one journalled draft to the database (once at a time per note), then drops it. */
export function recoverNoteDraft(db: TutorDatabase, save: Save, ctx: ChangeContext, draft: NoteDraft): Promise<void> {
  const key = `${db.name}|${draft.noteId}`;
  const existing = running.get(key);
  if (existing) return existing;
  const p = (async () => {
    const doc = await db.notes.findOne(draft.noteId).exec();
    const current = doc ? (doc.toJSON() as Note) : undefined;
    const next = applyNoteDraft(current, draft, ctx);
    if (next) {
      const { id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...values } = next;
      await save(draft.noteId, values);
    }
    // Only drop the entry if it was not replaced by newer typing meanwhile.
    if (getNoteDraft(db.name, draft.noteId)?.typedAt === draft.typedAt) removeNoteDraft(db.name, draft.noteId);
  })().finally(() => running.delete(key));
  running.set(key, p);
  return p;
}

/** Applies every journalled draft (at start-up). Returns how many notes got text back. */
export async function recoverNoteDrafts(db: TutorDatabase, save: Save, ctx: ChangeContext): Promise<number> {
  let n = 0;
  for (const draft of listNoteDrafts(db.name)) {
    try {
      await recoverNoteDraft(db, save, ctx, draft);
      n += 1;
    } catch (e) {
      console.error('Could not recover note draft', draft.noteId, e);
    }
  }
  return n;
}
