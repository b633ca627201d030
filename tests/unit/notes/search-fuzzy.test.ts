import { describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src-shared/model/meta';
import { createSearchIndex, FUZZY_BELOW, noteSearchDoc } from '../../../src-shared/search/index';
import { newProgressNote, saveNote } from '../../../src-shared/notes/timeline';

const ctx: ChangeContext = { staffId: 'emily', deviceId: 'laptop-a', now: new Date('2025-03-01T10:00:00Z') };
const note = (id: string, body: string) =>
  noteSearchDoc(saveNote(undefined, { ...newProgressNote('s1', 'emily', 'Note'), body }, ctx, () => id));

describe('search: typo tolerance only when the words as typed find little', () => {
  it('uses fuzzy matching when exact/prefix matches are few, not when they are plenty', () => {
    const idx = createSearchIndex();
    idx.upsert(note('correct', 'We revised trigonometry identities.'));
    idx.upsert(note('misspelt', 'Trigonometri worksheet done.')); // a misspelling in a note
    // Few exact matches: the typo-near note is found too.
    expect(new Set(idx.search('trigonometry').map((h) => h.id))).toEqual(new Set(['correct', 'misspelt']));
    // Plenty of exact matches: only those (fast on a large index).
    for (let i = 0; i < FUZZY_BELOW; i += 1) idx.upsert(note(`n${i}`, `Trigonometry practice ${i}.`));
    const ids = idx.search('trigonometry', { limit: 100 }).map((h) => h.id);
    expect(ids).toHaveLength(FUZZY_BELOW + 1);
    expect(ids).not.toContain('misspelt');
    // A typo in the query still finds everything (nothing matches exactly).
    expect(idx.search('trigonmetry', { limit: 100 }).length).toBeGreaterThanOrEqual(FUZZY_BELOW + 1);
  });
});
