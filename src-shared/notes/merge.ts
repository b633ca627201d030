/**
 * Merging two versions of a note edited offline on two laptops, without ever losing text.
 *
 * Per text field (title, body, covered, homework, nextSteps):
 * - identical on both sides → kept;
 * - with a common `base`: only one side changed it → that side's text is taken;
 * - both changed it differently (or no base is known) → the winner's text is current and the
 *   loser's whole version is pushed into `note.conflicts` for the user to resolve.
 * The winner is the side with the later `updatedAt`, then the greater `deviceId` (deterministic, so
 * every laptop computes the same merge: mergeNotes(a, b) equals mergeNotes(b, a)).
 * Existing conflicts of both sides are kept (an entry present in `base` and removed by one side
 * was resolved by a person, and stays removed). A conflict whose text equals the current text is
 * dropped (nothing to resolve).
 */
import { stampChange, type ChangeContext } from '../model/meta';
import type { Note, NoteConflictVersion } from '../model/types';

export const NOTE_TEXT_FIELDS = ['title', 'body', 'covered', 'homework', 'nextSteps'] as const;
export type NoteTextField = (typeof NOTE_TEXT_FIELDS)[number];
const OTHER_FIELDS = ['kind', 'studentIds', 'lessonId', 'occurrenceId', 'authorId'] as const;

function json(v: unknown): string {
  return JSON.stringify(v);
}

/** The side that wins a real conflict: later updatedAt, then greater deviceId, then content. */
function winnerOf(a: Note, b: Note): [Note, Note] {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? [a, b] : [b, a];
  if (a.deviceId !== b.deviceId) return a.deviceId > b.deviceId ? [a, b] : [b, a];
  return json(a) >= json(b) ? [a, b] : [b, a];
}

export function versionOf(n: Note): NoteConflictVersion {
  return {
    title: n.title,
    body: n.body,
    covered: n.covered,
    homework: n.homework,
    nextSteps: n.nextSteps,
    updatedAt: n.updatedAt,
    updatedBy: n.updatedBy,
    deviceId: n.deviceId,
  };
}

function versionKey(v: NoteConflictVersion): string {
  return json([v.title ?? '', v.body, v.covered, v.homework, v.nextSteps, v.updatedAt, v.updatedBy, v.deviceId]);
}

function sameText(v: NoteConflictVersion, n: Pick<Note, NoteTextField>): boolean {
  return (
    (v.title === undefined || v.title === n.title) &&
    v.body === n.body &&
    v.covered === n.covered &&
    v.homework === n.homework &&
    v.nextSteps === n.nextSteps
  );
}

export function mergeNotes(local: Note, remote: Note, base?: Note): Note {
  const [win, lose] = winnerOf(local, remote);
  const merged: Note = { ...win };
  let conflict = false;
  const pick = <K extends keyof Note>(field: K, isText: boolean) => {
    const l = local[field];
    const r = remote[field];
    if (json(l) === json(r)) return l;
    if (base) {
      const lChanged = json(l) !== json(base[field]);
      const rChanged = json(r) !== json(base[field]);
      if (lChanged && !rChanged) return l;
      if (rChanged && !lChanged) return r;
    }
    if (isText) conflict = true;
    return win[field];
  };
  for (const f of NOTE_TEXT_FIELDS) (merged as unknown as Record<string, unknown>)[f] = pick(f, true);
  for (const f of OTHER_FIELDS) (merged as unknown as Record<string, unknown>)[f] = pick(f, false);

  const baseKeys = new Set((base?.conflicts ?? []).map(versionKey));
  const localKeys = new Set(local.conflicts.map(versionKey));
  const remoteKeys = new Set(remote.conflicts.map(versionKey));
  const all = new Map<string, NoteConflictVersion>();
  for (const v of [...local.conflicts, ...remote.conflicts, ...(conflict ? [versionOf(lose)] : [])]) {
    const k = versionKey(v);
    const resolved = base !== undefined && baseKeys.has(k) && (!localKeys.has(k) || !remoteKeys.has(k));
    if (!resolved) all.set(k, v);
  }
  merged.conflicts = [...all.entries()]
    .filter(([, v]) => !sameText(v, merged))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => v);

  const fieldClock: Record<string, string> = { ...lose.fieldClock };
  for (const [k, v] of Object.entries(win.fieldClock)) if (!fieldClock[k] || v > fieldClock[k]!) fieldClock[k] = v;
  merged.fieldClock = fieldClock;
  merged.createdAt = local.createdAt < remote.createdAt ? local.createdAt : remote.createdAt;
  merged.updatedAt = win.updatedAt;
  merged.updatedBy = win.updatedBy;
  merged.deviceId = win.deviceId;
  return merged;
}

/** How the user resolves one entry of `note.conflicts`. */
export interface NoteConflictChoice {
  /** Index in `note.conflicts`. */
  index: number;
  /** 'current': keep the current text (drop the other version); 'other': use the other version's
   *  text; 'both': append the other version's differing text to the current text. */
  keep: 'current' | 'other' | 'both';
}

/** Resolves one conflict entry; returns the next version of the note to write. */
export function resolveNoteConflict(note: Note, choice: NoteConflictChoice, ctx: ChangeContext): Note {
  const other = note.conflicts[choice.index];
  if (!other) throw new Error(`No conflict number ${choice.index}`);
  const conflicts = note.conflicts.filter((_, i) => i !== choice.index);
  const text: Pick<Note, NoteTextField> = {
    title: note.title,
    body: note.body,
    covered: note.covered,
    homework: note.homework,
    nextSteps: note.nextSteps,
  };
  if (choice.keep === 'other') {
    for (const f of NOTE_TEXT_FIELDS) {
      const v = other[f];
      if (v !== undefined) text[f] = v;
    }
  } else if (choice.keep === 'both') {
    for (const f of NOTE_TEXT_FIELDS) {
      const v = other[f];
      if (v === undefined || v === text[f] || v.trim() === '') continue;
      if (f === 'title') {
        if (text.title.trim() === '') text.title = v;
        continue;
      }
      text[f] = text[f].trim() === '' ? v : `${text[f]}\n\n${v}`;
    }
  }
  const { id: _i, createdAt: _c, updatedAt: _u, updatedBy: _b, deviceId: _d, fieldClock: _f, ...values } = note;
  return stampChange<Note>(note, { ...values, ...text, conflicts }, ctx, () => note.id);
}
