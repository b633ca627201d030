import { describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src-shared/model/meta';
import { stampChange } from '../../../src-shared/model/meta';
import type { Family, Student } from '../../../src-shared/model/types';
import { createSearchIndex, familySearchDoc, noteSearchDoc, studentSearchDoc } from '../../../src-shared/search/index';
import { newProgressNote, saveNote } from '../../../src-shared/notes/timeline';

const ctx: ChangeContext = { staffId: 'emily', deviceId: 'laptop-a', now: new Date('2025-03-01T10:00:00Z') };

function student(id: string, firstName: string, lastName: string, extra: Partial<Student> = {}): Student {
  return stampChange<Student>(
    undefined,
    {
      firstName,
      lastName,
      familyId: 'f',
      status: 'active',
      subjects: ['Maths'],
      defaultRate: null,
      email: '',
      phone: '',
      gradeLevel: 'Year 9',
      notes: '',
      archivedAt: '',
      ...extra,
    },
    ctx,
    () => id,
  );
}

function family(id: string, name: string, email: string): Family {
  return stampChange<Family>(
    undefined,
    {
      kind: 'family',
      name,
      contactName: 'Maria García',
      email,
      phone: '',
      address: { line1: '1 High Street', line2: '', city: 'Leeds', region: '', postalCode: 'LS1 1AA', country: 'UK' },
      preferredContact: 'email',
      notes: '',
      defaultRate: null,
      archived: false,
    },
    ctx,
    () => id,
  );
}

const names: Record<string, string> = { s1: 'Olivia García', s2: 'Noah Patel' };

function build() {
  const idx = createSearchIndex();
  const n1 = saveNote(
    undefined,
    {
      ...newProgressNote('s1', 'emily', 'Term report'),
      body: 'Olivia understands equivalent fractions well; long division needs practice.',
      homework: 'Worksheet 4',
    },
    ctx,
    () => 'n1',
  );
  const n2 = saveNote(
    undefined,
    { ...newProgressNote('s2', 'emily', 'Piano'), body: 'Scales in G major, start the Clementi sonatina.' },
    ctx,
    () => 'n2',
  );
  idx.upsertMany([noteSearchDoc(n1, (id) => names[id]!), noteSearchDoc(n2, (id) => names[id]!)]);
  idx.upsert(studentSearchDoc(student('s1', 'Olivia', 'García', { email: 'olivia@mail.example' })));
  idx.upsert(studentSearchDoc(student('s2', 'Noah', 'Patel')));
  idx.upsert(familySearchDoc(family('f1', 'García family', 'maria@mail.example')));
  return { idx, n1, n2 };
}

describe('search', () => {
  it('finds notes, students and families from one query, by prefix, without accents and with a typo', () => {
    const { idx } = build();
    expect(idx.size).toBe(5);
    expect(idx.search('fract').map((h) => [h.kind, h.id])).toEqual([['note', 'n1']]);
    expect(idx.search('fractoins').map((h) => h.id)).toEqual(['n1']); // one transposition
    expect(idx.search('clementi sonat').map((h) => h.id)).toEqual(['n2']);
    const garcia = idx.search('garcia');
    expect(new Set(garcia.map((h) => `${h.kind}:${h.id}`))).toEqual(new Set(['student:s1', 'family:f1', 'note:n1']));
    expect(idx.search('olivia', { kinds: ['student'] }).map((h) => h.id)).toEqual(['s1']);
    expect(idx.search('olivia', { limit: 1 })).toHaveLength(1);
    expect(idx.search('maria@mail').map((h) => h.id)).toEqual(['f1']);
    expect(idx.search('worksheet').map((h) => h.id)).toEqual(['n1']);
    expect(idx.search('zebra')).toEqual([]);
    expect(idx.search('   ')).toEqual([]);
  });

  it('gives a snippet around the match and the matched terms', () => {
    const { idx } = build();
    const long = saveNote(
      undefined,
      {
        ...newProgressNote('s2', 'emily', 'Long'),
        body: `${'Intro sentence. '.repeat(30)}The quadratic formula was revised today. ${'Outro. '.repeat(30)}`,
      },
      ctx,
      () => 'n3',
    );
    idx.upsert(noteSearchDoc(long));
    const [hit] = idx.search('quadratic');
    expect(hit!.snippet).toContain('The quadratic formula was revised today.');
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet.length).toBeLessThanOrEqual(165);
    expect(hit!.terms).toEqual(['quadratic']);
  });

  it('updates and removes documents incrementally', () => {
    const { idx, n1 } = build();
    const edited = saveNote(n1, { body: 'Now working on percentages.' }, { ...ctx, now: new Date('2025-03-02T10:00:00Z') }, () => '');
    idx.upsert(noteSearchDoc(edited));
    expect(idx.size).toBe(5);
    expect(idx.search('fractions')).toEqual([]);
    expect(idx.search('percentages').map((h) => h.id)).toEqual(['n1']);
    idx.remove('n1');
    expect(idx.has('n1')).toBe(false);
    expect(idx.search('percentages')).toEqual([]);
    idx.remove('does-not-exist');
    idx.remove('s1', 'student');
    expect(idx.search('olivia').map((h) => h.kind)).toEqual([]);
    expect(idx.size).toBe(3);
    idx.clear();
    expect(idx.size).toBe(0);
    expect(idx.search('piano')).toEqual([]);
  });
});
