/**
 * The app validates writes with Ajv validators precompiled by scripts/gen-validators.ts
 * (src-renderer/src/data/validation.ts). These tests show the generated file is current, covers every
 * schema the app writes with, and answers exactly as Ajv compiled at run time (RxDB's ajv plugin).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { describe, expect, it } from 'vitest';
import { generateValidatorsSource, rxdbAjv, storageSchemas } from '../../../scripts/gen-validators';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import {
  fallbackValidatedSchemas,
  precompiledValidatorFor,
  wrappedValidatePrecompiledStorage,
} from '../../../src-renderer/src/data/validation';
import { getRxReplicationMetaInstanceSchema } from 'rxdb';
import { stampChange } from '../../../src-shared/model/meta';
import type { Student } from '../../../src-shared/model/types';
import { generateSamplePractice } from '../../../src-shared/sample/generate';

const GENERATED = resolve(import.meta.dirname, '../../../src-renderer/src/data/generated/validators.js');

describe('precompiled validators', () => {
  it('are up to date with the schemas (run npm run gen:validators after changing a schema)', async () => {
    expect(readFileSync(GENERATED, 'utf8') === (await generateValidatorsSource())).toBe(true);
  }, 60_000);

  it('exist for every collection, its replication bookkeeping, RxDB internal store and local documents', () => {
    const schemas = storageSchemas();
    expect(schemas.size).toBeGreaterThan(20);
    for (const [name, schema] of schemas) expect(precompiledValidatorFor(schema as never), name).toBeTypeOf('function');
  });

  it('answer as run-time Ajv does, on valid records and on records broken in random ways', () => {
    const sample = generateSamplePractice({ seed: 7, students: 30, now: new Date('2026-03-01T10:00:00Z') } as never);
    const docs: Record<string, Record<string, unknown>[]> = {
      students: sample.students as never,
      families: sample.families as never,
      staff: sample.staff as never,
      settings: [sample.settings] as never,
    };
    const withRxdbFields = (d: Record<string, unknown>): Record<string, unknown> => ({
      ...d,
      _deleted: false,
      _rev: '1-abc',
      _meta: { lwt: 1_700_000_000_000 },
      _attachments: {},
    });
    const ajv = rxdbAjv(false);
    const schemas = storageSchemas();
    const junk: unknown[] = [null, 1, 'x', [], {}, { id: 'a' }, { id: 1 }];
    for (const [name, schema] of schemas) {
      const runtime = ajv.compile(schema as object);
      const pre = precompiledValidatorFor(schema as never)!;
      for (const j of junk) expect(pre(j), `${name} ${JSON.stringify(j)}`).toBe(runtime(j));
      const valid = (docs[name] ?? []).map(withRxdbFields);
      for (const d of valid) {
        expect(runtime(d), `${name} ${String(d.id)}: ${JSON.stringify(runtime.errors)}`).toBe(true);
        expect(pre(d)).toBe(true);
      }
      if (valid.length === 0) continue;
      const keys = Object.keys(valid[0]!);
      const badValue = fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.integer(),
        fc.double(),
        fc.string({ maxLength: 5 }),
        fc.string({ minLength: 400, maxLength: 500 }),
        fc.constant([]),
        fc.constant({}),
        fc.constant({ amount: 1.5, currency: 'GBP' }),
        fc.constant(['x', 1]),
      );
      fc.assert(
        fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.constantFrom(...keys, 'unknownField'), badValue, (i, key, value) => {
          const broken: Record<string, unknown> = { ...valid[i]! };
          if (value === undefined) delete broken[key];
          else broken[key] = value;
          expect(pre(broken)).toBe(runtime(broken));
        }),
        { numRuns: 300 },
      );
    }
  });

  it('validate every write of a database created as the app creates it', async () => {
    fallbackValidatedSchemas.clear();
    const db = await createTutorDatabase({ name: `pre${Date.now()}`, storage: getRxStorageMemory(), validate: 'precompiled' });
    try {
      const ctx = { staffId: 'staff-1', deviceId: 'dev-a', now: new Date('2026-03-01T10:00:00Z') };
      const values = {
        firstName: 'Ada',
        lastName: 'Lovelace',
        familyId: 'fam-1',
        status: 'active' as const,
        subjects: ['Maths'],
        defaultRate: { amount: 4500, currency: 'GBP' },
        email: '',
        phone: '',
        gradeLevel: '',
        notes: '',
        archivedAt: '',
      };
      await db.students.insert(stampChange<Student>(undefined, values as never, ctx, () => 'stu-1'));
      await db.upsertLocal('device', { deviceId: 'dev-a' });
      expect((await db.students.findOne('stu-1').exec())?.lastName).toBe('Lovelace');
      // A fractional amount of money and a missing required field are refused; nothing is stored.
      await expect(
        db.students.insert(
          stampChange<Student>(undefined, { ...values, defaultRate: { amount: 12.5, currency: 'GBP' } } as never, ctx, () => 'stu-2'),
        ),
      ).rejects.toThrow();
      const { lastName: _omit, ...noLastName } = values;
      await expect(db.students.insert(stampChange<Student>(undefined, noLastName as never, ctx, () => 'stu-3'))).rejects.toThrow();
      expect(await db.students.findByIds(['stu-2', 'stu-3']).exec()).toHaveProperty('size', 0);
      expect([...fallbackValidatedSchemas]).toEqual([]);
    } finally {
      await db.remove();
    }
  });

  it('check the replication bookkeeping without its copy of the document, and still check the rest of it', async () => {
    const db = await createTutorDatabase({ name: `meta${Date.now()}`, storage: getRxStorageMemory(), validate: false });
    const schema = getRxReplicationMetaInstanceSchema(db.students.schema.jsonSchema as never, false);
    await db.remove();
    const storage = wrappedValidatePrecompiledStorage({ storage: getRxStorageMemory() });
    const instance = await storage.createStorageInstance({
      databaseInstanceToken: 'token',
      databaseName: `meta${Date.now()}`,
      collectionName: 'rx-replication-meta-students',
      schema: schema as never,
      options: {},
      multiInstance: false,
      devMode: false,
    });
    const meta = (itemId: string, isCheckpoint: string, docData: unknown) => ({
      document: {
        id: `${itemId}|${isCheckpoint}`,
        itemId,
        isCheckpoint,
        docData,
        _deleted: false,
        _rev: '1-abc',
        _meta: { lwt: 1_700_000_000_000 },
        _attachments: {},
      },
    });
    // The copy of the document (here one no student could be) is not checked again...
    const copy = await instance.bulkWrite([meta('stu-1', '0', { id: 'stu-1', defaultRate: { amount: 12.5 }, extra: 1 })] as never, 'test');
    expect(copy.error).toEqual([]);
    // ...the bookkeeping's own fields are: a checkpoint flag other than '0' or '1' is refused.
    const bad = await instance.bulkWrite([meta('stu-2', '2', { id: 'stu-2' })] as never, 'test');
    expect(bad.error.map((e) => e.status)).toEqual([422]);
    const bookkeeping = precompiledValidatorFor(schema as never)!;
    // The full schema would have refused the copy: the skip is what lets it through.
    expect(bookkeeping(meta('stu-1', '0', { id: 'stu-1', defaultRate: { amount: 12.5 }, extra: 1 }).document)).toBe(false);
    await instance.remove();
  });
});
