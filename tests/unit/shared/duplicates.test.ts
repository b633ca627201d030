import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv } from '../../../src-shared/csv';
import { generateSamplePractice } from '../../../src-shared/sample/generate';
import { defaultSkipLines, guessMapping, matchImportRows, planImport } from '../../../src-shared/students/csv-import';
import { studentsToCsv } from '../../../src-shared/students/csv-export';
import {
  familyKeys,
  findDuplicateGroups,
  findFamilyMatches,
  findStudentMatches,
  normaliseFamilyName,
  normaliseName,
  phonesMatch,
  studentKeys,
} from '../../../src-shared/students/duplicates';
import { makeFamily, makeStudent } from '../billing/fixtures';

const ctx = { staffId: 's1', deviceId: 'd1', now: new Date('2026-01-05T09:00:00Z') };
let n = 0;
const newId = () => `id-${++n}`;

describe('normalising', () => {
  it('names: accents, case, punctuation and spacing do not count', () => {
    expect(normaliseName('  Zoë  O’Brien-Smith ')).toBe('zoe obrien smith');
    expect(normaliseName('ZOE OBRIEN SMITH')).toBe('zoe obrien smith');
    expect(normaliseName('Ærøskøbing Weiß')).toBe(normaliseName('ærøskøbing weiss'));
    expect(normaliseName('José   García')).toBe('jose garcia');
    expect(normaliseFamilyName('The Patel Family')).toBe('patel');
    expect(normaliseFamilyName('patel family')).toBe('patel');
  });

  it('phones: the same number nationally and with its country code; short numbers never match', () => {
    expect(phonesMatch('+44 7700 900123', '07700 900123')).toBe(true);
    expect(phonesMatch('0044 7700 900123', '(07700) 900-123')).toBe(true);
    expect(phonesMatch('+1 (555) 123-4567', '555.123.4567')).toBe(true);
    expect(phonesMatch('07700 900123', '07700 900124')).toBe(false);
    expect(phonesMatch('123', '123')).toBe(false);
    expect(phonesMatch('', '')).toBe(false);
    // Not a suffix behind a short country code: different numbers.
    expect(phonesMatch('7700900123', '99997700900123')).toBe(false);
  });

  it('property: matching ignores case, accents and extra spaces in every name', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Zoë', 'José', 'Anne-Marie', "O'Brien", 'Łukasz', 'Søren', 'Ngozi'),
        fc.constantFrom('García', 'Müller', 'Ó Briain', 'Smith'),
        (first, last) => {
          const stored = makeStudent('x', 'f', { firstName: first, lastName: last });
          const typed = {
            firstName: `  ${first.toUpperCase()} `,
            lastName: last.normalize('NFD').toLowerCase().replace(/\p{M}/gu, ''),
            email: '',
            phone: '',
          };
          expect(findStudentMatches(typed, [stored]).map((m) => m.reasons)).toEqual([['name']]);
        },
      ),
    );
  });
});

describe('a new family or student that matches an existing one', () => {
  const patel = makeFamily('f1', { name: 'Patel family', email: 'Raj@Example.com', phone: '+44 7700 900123' });
  const lee = makeFamily('f2', { name: 'Lee family', email: 'lee@example.com', phone: '' });
  const aisha = makeStudent('s1', 'f1', { firstName: 'Aisha', lastName: 'Patel', email: 'aisha@example.com' });

  it('a second “Patel family” is found by name, e-mail or phone, best match first, with a sentence', () => {
    const m = findFamilyMatches({ name: 'The Patel Family', email: 'raj@example.com ', phone: '07700 900123' }, [lee, patel]);
    expect(m).toHaveLength(1);
    expect(m[0]!.record.id).toBe('f1');
    expect(m[0]!.reasons).toEqual(['email', 'phone', 'name']);
    expect(m[0]!.message).toBe('Same e-mail, phone and name as Patel family (Raj@Example.com, +44 7700 900123)');
    expect(findFamilyMatches({ name: 'Khan family', email: 'lee@example.com', phone: '' }, [lee, patel]).map((x) => x.message)).toEqual([
      'Same e-mail as Lee family (lee@example.com)',
    ]);
    expect(findFamilyMatches({ name: 'Khan family', email: '', phone: '' }, [lee, patel])).toEqual([]);
    // Editing a family never matches itself.
    expect(findFamilyMatches({ id: 'f1', name: 'Patel family', email: '', phone: '' }, [patel])).toEqual([]);
  });

  it('a second “Aisha Patel” is found whatever the case and accents', () => {
    const m = findStudentMatches({ firstName: 'aïsha', lastName: 'PATEL', email: '', phone: '' }, [aisha]);
    expect(m.map((x) => x.message)).toEqual(['Same name as Aisha Patel']);
  });
});

describe('the sample practice has no duplicates', () => {
  it.each([20, 60, 300])('with %i students', (students) => {
    const sample = generateSamplePractice({ students, seed: 42, now: ctx.now });
    expect(findDuplicateGroups(sample.families, familyKeys).map((g) => g.map((f) => f.name))).toEqual([]);
    expect(findDuplicateGroups(sample.students, studentKeys).map((g) => g.map((s) => `${s.firstName} ${s.lastName}`))).toEqual([]);
  });

  it('the duplicate finder does find them when they are there, oldest first', () => {
    const a = makeFamily('a', { name: 'Clarke family', email: 'c1@example.com' });
    const b = { ...makeFamily('b', { name: 'The Clarke Family', email: 'other@example.com' }), createdAt: '2025-01-01T00:00:00.000Z' };
    const c = makeFamily('c', { name: 'Wong family', email: 'C1@example.com' });
    expect(
      findDuplicateGroups([a, b, c, makeFamily('d', { name: 'Li family', email: '' })], familyKeys).map((g) => g.map((f) => f.id)),
    ).toEqual([['b', 'a', 'c']]);
  });
});

describe('the CSV import preview marks rows that match existing records', () => {
  it('re-importing the app’s own students export creates nothing', () => {
    const sample = generateSamplePractice({ students: 60, seed: 42, now: ctx.now });
    const families = new Map(sample.families.map((f) => [f.id, f]));
    const csv = parseCsv(studentsToCsv(sample.students, families, 'en-GB'));
    const mapping = guessMapping(csv.headers);
    const matches = matchImportRows(csv, mapping, { students: sample.students, families: sample.families });
    expect(matches.filter((m) => m.status !== 'existing')).toEqual([]);
    expect(matches).toHaveLength(60);
    const plan = planImport(csv, mapping, sample.families, ctx, 'GBP', newId, { skipLines: defaultSkipLines(matches) });
    expect(plan).toMatchObject({ students: [], families: [], skippedRows: 60, issues: [] });
    // Without the preview's choice, every row would be created again (the bug of issue 15).
    expect(planImport(csv, mapping, sample.families, ctx, 'GBP', newId).students).toHaveLength(60);
  });

  it('marks new rows, existing ones, possible duplicates and rows repeated in the file', () => {
    const patel = makeFamily('f1', { name: 'Patel family', email: 'raj@example.com' });
    const aisha = makeStudent('s1', 'f1', { firstName: 'Aisha', lastName: 'Patel', email: '' });
    const ben = makeStudent('s2', 'f9', { firstName: 'Ben', lastName: 'Okafor', email: 'ben@example.com' });
    const csv = parseCsv(
      [
        'Name,Family,Email',
        'Aisha Patel,The Patel Family,', // existing: same name, same family
        'Aisha Patel,Khan family,', // same name, another family: ask
        'Benjamin Okafor,,BEN@example.com', // same e-mail, other name: ask
        'Sam Lee,Lee family,',
        'Sam Lee,Lee family,', // twice in the file
      ].join('\n'),
    );
    const m = matchImportRows(csv, guessMapping(csv.headers), { students: [aisha, ben], families: [patel] });
    expect(m.map((x) => [x.line, x.status, x.studentId, x.sameAsLine])).toEqual([
      [2, 'existing', 's1', 0],
      [3, 'possible_duplicate', 's1', 0],
      [4, 'possible_duplicate', 's2', 0],
      [5, 'new', '', 0],
      [6, 'possible_duplicate', '', 5],
    ]);
    expect(m[0]!.message).toBe('Aisha Patel is already a student (Patel family): skipped unless you choose to import it again');
    expect(m[2]!.message).toBe('Same e-mail as Ben Okafor (ben@example.com): is this the same student?');
    expect(m[4]!.message).toBe('Sam Lee is also on line 5 of this file');
    // Every matched row is skipped unless the person ticks "Import anyway".
    expect([...defaultSkipLines(m)]).toEqual([2, 3, 4, 6]);
  });

  it('says an existing adult pays for themselves rather than repeating the name', () => {
    const self = makeFamily('f2', { name: 'Grace Hopper', kind: 'self', email: '' });
    const grace = makeStudent('s3', 'f2', { firstName: 'Grace', lastName: 'Hopper', email: '' });
    const csv = parseCsv(['First name,Last name,Pays for themselves', 'Grace,Hopper,yes'].join('\n'));
    const [m] = matchImportRows(csv, guessMapping(csv.headers), { students: [grace], families: [self] });
    expect(m).toMatchObject({ status: 'existing', studentId: 's3' });
    expect(m!.message).toBe('Grace Hopper is already a student (pays for themselves): skipped unless you choose to import it again');
  });

  it('matches an existing family however its name is written', () => {
    const patel = makeFamily('f1', { name: 'Patel family', email: 'raj@example.com' });
    const csv = parseCsv('Name,Family,Parent email\nNew Kid,THE PATEL FAMILY,Raj@Example.com\n');
    const plan = planImport(csv, guessMapping(csv.headers), [patel], ctx, 'GBP', newId);
    expect(plan.families).toEqual([]);
    expect(plan.students[0]!.familyId).toBe('f1');
  });
});
