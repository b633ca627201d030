import { describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src-shared/model/meta';
import { applyNoteDraft, type NoteDraft } from '../../../src-shared/notes/recover';
import { resolveNoteConflict } from '../../../src-shared/notes/merge';
import { newProgressNote, saveNote } from '../../../src-shared/notes/timeline';

const at = (iso: string, deviceId = 'laptop-a'): ChangeContext => ({ staffId: 'emily', deviceId, now: new Date(iso) });

function draft(changes: NoteDraft['changes'], typedAt: string): NoteDraft {
  return { noteId: 'n1', values: newProgressNote('s1', 'emily', 'Term'), changes, typedAt };
}

describe('recovering unsaved note text', () => {
  it('creates the note when it was never saved, and does nothing for an empty draft', () => {
    const created = applyNoteDraft(
      undefined,
      draft({ body: 'Typed before the crash' }, '2026-03-01T10:00:00.000Z'),
      at('2026-03-01T11:00:00Z'),
    );
    expect(created).toMatchObject({
      id: 'n1',
      kind: 'progress',
      studentIds: ['s1'],
      title: 'Term',
      body: 'Typed before the crash',
      conflicts: [],
    });
    expect(applyNoteDraft(undefined, draft({ body: '' }, '2026-03-01T10:00:00.000Z'), at('2026-03-01T11:00:00Z'))).toBeNull();
  });

  it('writes text that did not reach the database and skips text that did', () => {
    const saved = saveNote(
      undefined,
      { ...newProgressNote('s1', 'emily', 'Term'), body: 'Fractions' },
      at('2026-03-01T10:00:00Z'),
      () => 'n1',
    );
    const next = applyNoteDraft(
      saved,
      draft({ body: 'Fractions and decimals', homework: '' }, '2026-03-01T10:00:05.000Z'),
      at('2026-03-01T12:00:00Z'),
    );
    expect(next).toMatchObject({ body: 'Fractions and decimals', conflicts: [] });
    expect(next!.fieldClock.body! > saved.fieldClock.body!).toBe(true);
    expect(next!.fieldClock.homework).toBe(saved.fieldClock.homework);
    expect(
      applyNoteDraft(next!, draft({ body: 'Fractions and decimals' }, '2026-03-01T10:00:05.000Z'), at('2026-03-01T12:00:00Z')),
    ).toBeNull();
  });

  it('keeps both texts when the field was edited elsewhere after the draft was typed', () => {
    const saved = saveNote(
      undefined,
      { ...newProgressNote('s1', 'emily', 'Term'), body: 'Fractions' },
      at('2026-03-01T10:00:00Z'),
      () => 'n1',
    );
    const elsewhere = saveNote(saved, { body: 'Edited on laptop B' }, at('2026-03-01T10:30:00Z', 'laptop-b'), () => 'n1');
    const next = applyNoteDraft(
      elsewhere,
      draft({ body: 'Typed on laptop A', homework: 'p. 5' }, '2026-03-01T10:10:00.000Z'),
      at('2026-03-01T12:00:00Z'),
    );
    expect(next).toMatchObject({ body: 'Edited on laptop B', homework: 'p. 5' });
    expect(next!.conflicts).toHaveLength(1);
    expect(next!.conflicts[0]).toMatchObject({ body: 'Typed on laptop A', updatedAt: '2026-03-01T10:10:00.000Z', deviceId: 'laptop-a' });
    // The user keeps both: nothing is lost.
    const both = resolveNoteConflict(next!, { index: 0, keep: 'both' }, at('2026-03-01T12:01:00Z'));
    expect(both.body).toBe('Edited on laptop B\n\nTyped on laptop A');
    expect(both.conflicts).toEqual([]);
  });
});
