import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Note, NoteConflictVersion } from '../../../src-shared/model/types';
import type { ChangeContext } from '../../../src-shared/model/meta';
import { mergeNotes, NOTE_TEXT_FIELDS, resolveNoteConflict, versionOf } from '../../../src-shared/notes/merge';
import { newLessonNote, newProgressNote, noteForOccurrence, saveNote, studentTimeline } from '../../../src-shared/notes/timeline';

const ctxA: ChangeContext = { staffId: 'emily', deviceId: 'laptop-a', now: new Date('2025-03-01T10:00:00Z') };
const at = (iso: string, deviceId = 'laptop-a'): ChangeContext => ({ staffId: 'emily', deviceId, now: new Date(iso) });

function baseNote(): Note {
  return saveNote(
    undefined,
    { ...newProgressNote('student-1', 'emily', 'Progress'), body: 'Fractions are fine.', homework: 'p. 12' },
    ctxA,
    () => 'note-1',
  );
}

describe('note merge', () => {
  it('keeps identical versions, takes the only changed side, and merges different fields', () => {
    const base = baseNote();
    expect(mergeNotes(base, base, base)).toEqual(base);
    const a = saveNote(base, { body: 'Fractions are fine. Decimals next.' }, at('2025-03-02T10:00:00Z', 'laptop-a'), () => '');
    const b = saveNote(base, { homework: 'p. 12 and p. 13' }, at('2025-03-02T09:00:00Z', 'laptop-b'), () => '');
    const onlyA = mergeNotes(a, base, base);
    expect(onlyA.body).toBe('Fractions are fine. Decimals next.');
    expect(onlyA.conflicts).toEqual([]);
    const both = mergeNotes(a, b, base);
    expect(both).toMatchObject({ body: 'Fractions are fine. Decimals next.', homework: 'p. 12 and p. 13', conflicts: [] });
    expect(both.updatedAt).toBe(a.updatedAt);
    expect(both.fieldClock.body).toBe(a.fieldClock.body);
    expect(both.fieldClock.homework).toBe(b.fieldClock.homework);
  });

  it('keeps both texts when both laptops edited the same field', () => {
    const base = baseNote();
    const a = saveNote(base, { body: 'Version from laptop A' }, at('2025-03-02T10:00:00Z', 'laptop-a'), () => '');
    const b = saveNote(base, { body: 'Version from laptop B' }, at('2025-03-02T11:00:00Z', 'laptop-b'), () => '');
    const m = mergeNotes(a, b, base);
    expect(m.body).toBe('Version from laptop B'); // later updatedAt wins the current slot
    expect(m.conflicts.map((c) => [c.body, c.deviceId])).toEqual([['Version from laptop A', 'laptop-a']]);
    expect(mergeNotes(b, a, base)).toEqual(m);
    // Same instant: the greater device id wins, deterministically.
    const a2 = saveNote(base, { body: 'A' }, at('2025-03-02T10:00:00Z', 'laptop-a'), () => '');
    const b2 = saveNote(base, { body: 'B' }, at('2025-03-02T10:00:00Z', 'laptop-b'), () => '');
    expect(mergeNotes(a2, b2, base).body).toBe('B');
    expect(mergeNotes(b2, a2, base).body).toBe('B');
    // Without a base, any difference is kept as a conflict.
    expect(mergeNotes(a, base).conflicts.map((c) => c.body)).toEqual(['Fractions are fine.']);
  });

  it('resolving a conflict: keep current, use the other, or keep both', () => {
    const base = baseNote();
    const a = saveNote(base, { body: 'A text', title: 'A title' }, at('2025-03-02T10:00:00Z', 'laptop-a'), () => '');
    const b = saveNote(base, { body: 'B text' }, at('2025-03-02T11:00:00Z', 'laptop-b'), () => '');
    const m = mergeNotes(a, b, base);
    expect(m.title).toBe('A title'); // only A changed the title
    const now = at('2025-03-03T08:00:00Z', 'laptop-b');
    expect(resolveNoteConflict(m, { index: 0, keep: 'current' }, now)).toMatchObject({ body: 'B text', conflicts: [] });
    expect(resolveNoteConflict(m, { index: 0, keep: 'other' }, now)).toMatchObject({ body: 'A text', title: 'A title', conflicts: [] });
    const both = resolveNoteConflict(m, { index: 0, keep: 'both' }, now);
    expect(both).toMatchObject({ body: 'B text\n\nA text', conflicts: [] });
    expect(both.updatedAt).toBe('2025-03-03T08:00:00.000Z');
    // A resolution made on one laptop survives a merge with the other laptop's unresolved copy.
    expect(mergeNotes(both, m, m).conflicts).toEqual([]);
    expect(() => resolveNoteConflict(m, { index: 3, keep: 'current' }, now)).toThrow();
  });

  const text = fc.constantFrom('', 'a', 'b', 'fractions', 'Fractions.', 'homework p.12', 'ünï ✓', 'x'.repeat(30));
  const fields = fc.record({ title: text, body: text, covered: text, homework: text, nextSteps: text });
  const edits = fc.record({
    title: fc.option(text),
    body: fc.option(text),
    covered: fc.option(text),
    homework: fc.option(text),
    nextSteps: fc.option(text),
  });
  const device = fc.constantFrom('laptop-a', 'laptop-b', 'laptop-c');
  const minute = fc.integer({ min: 0, max: 5 });
  const extraConflict = fc.option(fc.record({ body: text, deviceId: device }), { nil: undefined });

  function side(
    base: Note,
    e: Record<string, string | null>,
    dev: string,
    m: number,
    extra: { body: string; deviceId: string } | undefined,
  ): Note {
    const values: Partial<Note> = {};
    for (const f of NOTE_TEXT_FIELDS) if (e[f] !== null && e[f] !== undefined) values[f] = e[f]!;
    const conflicts: NoteConflictVersion[] = extra
      ? [...base.conflicts, { ...versionOf(base), body: extra.body, deviceId: extra.deviceId, updatedAt: '2025-01-01T00:00:00.000Z' }]
      : base.conflicts;
    return saveNote(
      base,
      { ...values, conflicts },
      at(new Date(Date.parse('2025-03-02T10:00:00Z') + m * 60_000).toISOString(), dev),
      () => '',
    );
  }

  it('property: no edited text is ever lost, the merge is symmetric and idempotent', () => {
    fc.assert(
      fc.property(
        fields,
        edits,
        edits,
        device,
        device,
        minute,
        minute,
        extraConflict,
        extraConflict,
        fc.boolean(),
        (b, e1, e2, d1, d2, m1, m2, x1, x2, withBase) => {
          const base = saveNote(undefined, { ...newProgressNote('s', 'emily'), ...b }, ctxA, () => 'n');
          const local = side(base, e1, d1, m1, x1);
          const remote = side(base, e2, d2, m2, x2);
          const merged = mergeNotes(local, remote, withBase ? base : undefined);
          const present = (f: (typeof NOTE_TEXT_FIELDS)[number], value: string) =>
            merged[f] === value || merged.conflicts.some((c) => (c[f] ?? '') === value);
          for (const s of [local, remote]) {
            for (const f of NOTE_TEXT_FIELDS) {
              const edited = !withBase || s[f] !== base[f];
              if (edited) expect(present(f, s[f])).toBe(true);
            }
            for (const c of s.conflicts) {
              const isCurrent =
                c.body === merged.body &&
                c.covered === merged.covered &&
                c.homework === merged.homework &&
                c.nextSteps === merged.nextSteps &&
                (c.title ?? merged.title) === merged.title;
              expect(isCurrent || merged.conflicts.some((m) => JSON.stringify(m) === JSON.stringify(c))).toBe(true);
            }
          }
          expect(mergeNotes(remote, local, withBase ? base : undefined)).toEqual(merged);
          expect(mergeNotes(merged, merged)).toEqual(merged);
          // Merging again with either side (as after a second sync round) loses nothing either.
          const again = mergeNotes(merged, local, withBase ? local : undefined);
          for (const f of NOTE_TEXT_FIELDS)
            expect(again[f] === merged[f] || again.conflicts.some((c) => (c[f] ?? '') === merged[f])).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('student timeline', () => {
  it('lists lesson and progress notes of the student, newest first, dated by the lesson', () => {
    const occ = { id: 'lesson-1@2025-03-10T16:00:00.000Z', lessonId: 'lesson-1', studentIds: ['student-1', 'student-2'], subject: 'Maths' };
    const lessonNote = saveNote(
      undefined,
      { ...newLessonNote(occ, 'emily'), covered: 'Fractions' },
      at('2025-03-12T09:00:00Z'),
      () => 'n-lesson',
    );
    const progress = saveNote(
      undefined,
      newProgressNote('student-1', 'emily', 'Term report'),
      at('2025-03-11T09:00:00Z'),
      () => 'n-progress',
    );
    const older = saveNote(undefined, newProgressNote('student-1', 'emily', 'Start'), at('2025-01-05T09:00:00Z'), () => 'n-old');
    const other = saveNote(undefined, newProgressNote('student-9', 'emily'), at('2025-03-20T09:00:00Z'), () => 'n-other');
    const withConflict = { ...older, conflicts: [versionOf(older)] };
    const t = studentTimeline(
      'student-1',
      [older, lessonNote, other, progress].map((n) => (n.id === 'n-old' ? withConflict : n)),
    );
    expect(t.map((e) => [e.note.id, e.kind, e.date])).toEqual([
      ['n-progress', 'progress', '2025-03-11T09:00:00.000Z'],
      ['n-lesson', 'lesson', '2025-03-10T16:00:00.000Z'],
      ['n-old', 'progress', '2025-01-05T09:00:00.000Z'],
    ]);
    expect(t.map((e) => e.hasConflicts)).toEqual([false, false, true]);
    expect(studentTimeline('student-2', [lessonNote]).map((e) => e.note.id)).toEqual(['n-lesson']);
    // A moved lesson can be dated by its real start.
    expect(studentTimeline('student-1', [lessonNote], { lessonStart: () => '2025-03-13T10:00:00.000Z' })[0]!.date).toBe(
      '2025-03-13T10:00:00.000Z',
    );
    expect(noteForOccurrence([lessonNote, progress], occ.id)?.id).toBe('n-lesson');
  });

  it('autosave stamps only the fields that changed', () => {
    const n = saveNote(undefined, newProgressNote('student-1', 'emily'), ctxA, () => 'n');
    const n2 = saveNote(n, { body: 'typed' }, at('2025-03-01T10:00:05Z'), () => '');
    expect(n2.fieldClock.body! > n.fieldClock.body!).toBe(true);
    expect(n2.fieldClock.homework).toBe(n.fieldClock.homework);
  });
});
