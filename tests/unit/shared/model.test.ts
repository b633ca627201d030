import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createRxDatabase } from 'rxdb';
import { nextStamp, stampChange } from '../../../src-shared/model/meta';
import { migrateStudentV0toV1 } from '../../../src-shared/model/migrations';
import { studentSchema } from '../../../src-shared/model/schemas';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import { generateSamplePractice } from '../../../src-shared/sample/generate';
import {
  validateFamily,
  validatePracticeBasics,
  validateStaff,
  validateStudent,
  EMPTY_ADDRESS,
} from '../../../src-shared/validation/forms';
import type { Student } from '../../../src-shared/model/types';

describe('stampChange', () => {
  const t0 = new Date('2026-03-29T00:30:00Z');
  it('stamps only the fields that changed and keeps creation data', () => {
    const a = stampChange<Student>(
      undefined,
      { firstName: 'A', lastName: 'B' } as never,
      { staffId: 's', deviceId: 'dev1', now: t0 },
      () => 'x',
    );
    const b = stampChange<Student>(
      a,
      { firstName: 'A', lastName: 'C' } as never,
      { staffId: 't', deviceId: 'dev2', now: new Date(t0.getTime() + 1000) },
      () => 'y',
    );
    expect(b.id).toBe('x');
    expect(b.createdAt).toBe(a.createdAt);
    expect(b.updatedBy).toBe('t');
    expect(b.fieldClock.firstName).toBe(a.fieldClock.firstName);
    expect(b.fieldClock.lastName! > a.fieldClock.lastName!).toBe(true);
  });
  it('stamps a new document: every given field, the id from the values or newId, meta and undefined values dropped', () => {
    const ctx = { staffId: 's', deviceId: 'dev1', now: t0 };
    const withId = stampChange<Student>(
      undefined,
      { id: 'given', firstName: 'A', lastName: 'B', email: undefined, updatedBy: 'forged', fieldClock: { firstName: 'forged' } } as never,
      ctx,
      () => 'unused',
    );
    expect(withId).toEqual({
      id: 'given',
      firstName: 'A',
      lastName: 'B',
      createdAt: t0.toISOString(),
      updatedAt: t0.toISOString(),
      updatedBy: 's',
      deviceId: 'dev1',
      fieldClock: { firstName: nextStamp(undefined, t0, 'dev1'), lastName: nextStamp(undefined, t0, 'dev1') },
    });
    expect(Object.keys(withId)).not.toContain('email');
    const fresh = stampChange<Student>(undefined, { firstName: 'A' } as never, ctx, () => 'made');
    expect(fresh.id).toBe('made');
    expect(Object.keys(fresh.fieldClock)).toEqual(['firstName']);
  });
  it('keeps stamps strictly increasing even when the clock goes backwards', () => {
    const first = nextStamp(undefined, t0, 'd');
    const second = nextStamp(first, new Date(t0.getTime() - 60_000), 'd');
    expect(second > first).toBe(true);
  });
});

describe('students schema migration v0 → v1', () => {
  it('splits the name and maps archived to a status', () => {
    expect(
      migrateStudentV0toV1({ id: '1', name: 'Ada King Lovelace', archived: true, updatedAt: '2025-01-01T00:00:00.000Z' }),
    ).toMatchObject({
      firstName: 'Ada King',
      lastName: 'Lovelace',
      status: 'archived',
      archivedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(migrateStudentV0toV1({ id: '2', name: 'Plato', archived: false })).toMatchObject({
      firstName: 'Plato',
      lastName: '',
      status: 'active',
      archivedAt: '',
    });
  });

  it('runs inside RxDB when a laptop opens an old database', async () => {
    const storage = getRxStorageMemory();
    const name = `mig${Date.now()}`;
    const v0Schema = {
      ...studentSchema,
      version: 0,
      properties: { ...studentSchema.properties, name: { type: 'string', maxLength: 400 }, archived: { type: 'boolean' } },
      required: (studentSchema.required as string[]).filter((r) => !['firstName', 'lastName', 'status', 'archivedAt'].includes(r)),
      indexes: ['familyId'],
    };
    const props = v0Schema.properties as Record<string, unknown>;
    delete props.firstName;
    delete props.lastName;
    delete props.status;
    delete props.archivedAt;
    const old = await createRxDatabase({ name, storage, multiInstance: false });
    await old.addCollections({ students: { schema: v0Schema as never } });
    const sample = generateSamplePractice({ students: 1, now: new Date('2026-01-01T00:00:00Z') }).students[0]!;
    const { firstName: _f, lastName: _l, status: _s, archivedAt: _a, ...rest } = sample;
    await old.students!.insert({ ...rest, name: 'Mary Somerville', archived: true });
    await old.close();
    const db = await createTutorDatabase({ name, storage, validate: 'ajv', collections: ['students'] });
    const doc = (await db.students.findOne(sample.id).exec())!;
    expect(doc.firstName).toBe('Mary');
    expect(doc.lastName).toBe('Somerville');
    expect(doc.status).toBe('archived');
    await db.remove();
  });
});

describe('form validation', () => {
  const student = {
    firstName: 'Ada',
    lastName: 'L',
    familyId: 'f',
    status: 'active',
    subjects: 'Maths, maths , Physics',
    rate: '',
    currency: 'GBP',
    email: '',
    phone: '',
    gradeLevel: '',
    notes: '',
  };
  it('accepts a good student and normalises subjects', () => {
    const r = validateStudent(student);
    expect(r.ok && r.value.subjects).toEqual(['Maths', 'Physics']);
    expect(r.ok && r.value.defaultRate).toBeNull();
  });
  it('gives a message per bad field', () => {
    const r = validateStudent({ ...student, firstName: ' ', familyId: '', email: 'a@b', phone: '+44 (0) abc', rate: '-1', status: 'gone' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(Object.keys(r.errors).sort()).toEqual(['email', 'familyId', 'firstName', 'phone', 'rate', 'status']);
    }
  });
  it('checks families, staff and practice settings', () => {
    const fam = validateFamily({
      kind: 'family',
      name: 'X',
      contactName: '',
      email: '',
      phone: '',
      address: EMPTY_ADDRESS,
      preferredContact: 'sms',
      notes: '',
      rate: '',
      currency: 'GBP',
    });
    expect(!fam.ok && fam.errors.phone).toBe('Phone is the preferred contact: enter a number');
    const staff = validateStaff({
      name: 'T',
      email: '',
      phone: '',
      role: 'boss',
      payRate: '',
      payUnit: 'lesson',
      currency: 'GBP',
      colour: 'red',
      username: 'a b',
      active: true,
    });
    expect(!staff.ok && Object.keys(staff.errors).sort()).toEqual(['colour', 'payRate', 'role', 'username']);
    const practice = validatePracticeBasics({
      name: 'P',
      address: EMPTY_ADDRESS,
      email: '',
      phone: '',
      currency: 'ABC',
      locale: 'en-GB',
      timeZone: 'Mars/Olympus',
      taxId: '',
      defaultRate: '45',
    });
    expect(!practice.ok && Object.keys(practice.errors).sort()).toEqual(['currency', 'timeZone']);
    // A bad rate is named together with the other problems, not after the currency is fixed.
    const all = validatePracticeBasics({
      name: '',
      address: EMPTY_ADDRESS,
      email: '',
      phone: '',
      currency: 'ABC',
      locale: 'en-GB',
      timeZone: 'Europe/London',
      taxId: '',
      defaultRate: 'forty',
    });
    expect(!all.ok && Object.keys(all.errors).sort()).toEqual(['currency', 'defaultRate', 'name']);
  });

  it('keeps the practice locale as chosen: canonical tag, or "" to follow the system', () => {
    const basics = (locale: string) =>
      validatePracticeBasics({
        name: 'P',
        address: EMPTY_ADDRESS,
        email: '',
        phone: '',
        currency: 'GBP',
        locale,
        timeZone: 'Europe/London',
        taxId: '',
        defaultRate: '45',
      });
    const ok = (locale: string) => {
      const r = basics(locale);
      return r.ok ? r.value.locale : null;
    };
    expect(ok('')).toBe('');
    expect(ok('  ')).toBe('');
    expect(ok('de-DE')).toBe('de-DE');
    expect(ok('en_gb')).toBe('en-GB');
    const bad = basics('not a locale!');
    expect(!bad.ok && bad.errors.locale).toBe('Choose a language such as English (United Kingdom) or German (Germany)');
  });
});

describe('sample practice', () => {
  it('is deterministic and valid against every schema', async () => {
    const a = generateSamplePractice({ students: 300, seed: 3, now: new Date('2026-01-01T00:00:00Z') });
    const b = generateSamplePractice({ students: 300, seed: 3, now: new Date('2026-01-01T00:00:00Z') });
    expect(a).toEqual(b);
    const db = await createTutorDatabase({
      name: `s${Date.now()}`,
      storage: getRxStorageMemory(),
      validate: 'ajv',
      collections: ['students', 'families', 'staff', 'settings'],
    });
    for (const [coll, docs] of [
      ['staff', a.staff],
      ['families', a.families],
      ['students', a.students],
      ['settings', [a.settings]],
    ] as const) {
      const res = await (db.collections as never as Record<string, { bulkInsert(d: unknown[]): Promise<{ error: unknown[] }> }>)[
        coll
      ]!.bulkInsert([...docs]);
      expect(res.error).toEqual([]);
    }
    const familyIds = new Set(a.families.map((f) => f.id));
    expect(a.students.every((s) => familyIds.has(s.familyId))).toBe(true);
    await db.remove();
  });
});
