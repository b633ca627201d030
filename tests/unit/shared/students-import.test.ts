import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src-shared/csv';
import { guessMapping, planImport } from '../../../src-shared/students/csv-import';
import { studentsToCsv } from '../../../src-shared/students/csv-export';
import { generateSamplePractice } from '../../../src-shared/sample/generate';
import type { Family } from '../../../src-shared/model/types';

const ctx = { staffId: 's1', deviceId: 'd1', now: new Date('2026-01-05T09:00:00Z') };
let n = 0;
const newId = () => `id-${++n}`;

describe('planImport', () => {
  it('builds families and students, matching existing families by name and e-mail', () => {
    const existing = { id: 'fam-existing', kind: 'family', name: 'Patel family', email: 'raj@example.com' } as Family;
    const csv = parseCsv(
      'Name,Family,Parent email,Subject,Rate\r\nAsha Patel,Patel family,raj@example.com,Maths,40\r\nSam Lee,Lee family,,English,\r\nKim Lee,Lee family,,Art,\r\nAdult Person,,,Piano,60\r\n',
    );
    const mapping = guessMapping(csv.headers);
    expect(mapping.fullName).toBe('Name');
    expect(mapping.familyName).toBe('Family');
    expect(mapping.familyEmail).toBe('Parent email');
    const plan = planImport(csv, mapping, [existing], ctx, 'GBP', newId);
    expect(plan.issues).toEqual([]);
    expect(plan.matchedFamilies).toBe(1);
    expect(plan.students.map((s) => `${s.firstName} ${s.lastName}`)).toEqual(['Asha Patel', 'Sam Lee', 'Kim Lee', 'Adult Person']);
    expect(plan.students[0]!.familyId).toBe('fam-existing');
    expect(plan.students[0]!.defaultRate).toEqual({ amount: 4000, currency: 'GBP' });
    expect(plan.students[1]!.familyId).toBe(plan.students[2]!.familyId);
    const self = plan.families.find((f) => f.id === plan.students[3]!.familyId)!;
    expect(self.kind).toBe('self');
    expect(plan.families).toHaveLength(2);
    expect(plan.students[0]!.fieldClock.firstName).toContain('d1');
  });

  it('reports every bad row with its line number and plans nothing for them', () => {
    const csv = parseCsv('First name,Email,Status,Rate\nAda,ada@x,active,1\n,b@example.com,active,1\nCy,,sleeping,1.234\n');
    const plan = planImport(csv, guessMapping(csv.headers), [], ctx, 'GBP', newId);
    expect(plan.issues).toEqual([
      { line: 2, field: 'Student e-mail', message: 'Enter a valid e-mail address, e.g. name@example.com' },
      { line: 3, field: 'First name', message: 'Enter the first name' },
      { line: 4, field: 'Status', message: 'Unknown status “sleeping” (use active, paused or archived)' },
      { line: 4, field: 'Lesson rate', message: 'Use at most 2 decimal places' },
    ]);
  });

  it('an adult who pays for themselves keeps the e-mail and phone given in the family columns', () => {
    const csv = parseCsv(
      'First name,Last name,Family name,Family e-mail,Family phone\nGrace,Hopper,,grace@example.com,+44 7700 900123\nAda,Byron,Byron family,byron@example.com,\n',
    );
    const plan = planImport(csv, guessMapping(csv.headers), [], ctx, 'GBP', newId);
    expect(plan.issues).toEqual([]);
    const grace = plan.students.find((x) => x.firstName === 'Grace')!;
    expect([grace.email, grace.phone]).toEqual(['grace@example.com', '+44 7700 900123']);
    const payer = plan.families.find((f) => f.id === grace.familyId)!;
    expect([payer.kind, payer.email]).toEqual(['self', 'grace@example.com']);
    // A child's family e-mail stays the family's.
    const ada = plan.students.find((x) => x.firstName === 'Ada')!;
    expect(ada.email).toBe('');
    expect(plan.families.find((f) => f.id === ada.familyId)!.email).toBe('byron@example.com');
  });

  it('refuses a mapping without a name column', () => {
    const csv = parseCsv('Email\nx@example.com\n');
    const plan = planImport(csv, guessMapping(csv.headers), [], ctx, 'GBP', newId);
    expect(plan.students).toEqual([]);
    expect(plan.issues[0]!.message).toContain('first name');
  });

  it('re-imports its own export without loss', () => {
    const sample = generateSamplePractice({ students: 40, seed: 7, now: ctx.now });
    const families = new Map(sample.families.map((f) => [f.id, f]));
    const csv = parseCsv(studentsToCsv(sample.students, families, 'en-GB'));
    const plan = planImport(csv, guessMapping(csv.headers), [], ctx, 'GBP', newId);
    expect(plan.issues).toEqual([]);
    const key = (s: { firstName: string; lastName: string; status: string; subjects: string[]; defaultRate: unknown; email: string }) =>
      JSON.stringify([s.firstName, s.lastName, s.status, s.subjects, s.defaultRate, s.email]);
    expect(plan.students.map(key).sort()).toEqual(sample.students.map(key).sort());
    expect(plan.families.filter((f) => f.kind === 'family').length).toBe(sample.families.filter((f) => f.kind === 'family').length);
  });
});
