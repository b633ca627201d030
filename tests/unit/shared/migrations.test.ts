/**
 * Schema migrations of this release: lessons v1 and settings v1 (time zones and repeat rules the
 * app can expand), occurrences v1 (the lesson's tutor on every occurrence). The pure functions,
 * and a real old database opened by the app's createTutorDatabase.
 */
import { describe, expect, it } from 'vitest';
import { createRxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  knownTimeZone,
  limitsProblems,
  migrateLessonV0toV1,
  migrateOccurrenceV0toV1,
  migrateSettingsV0toV1,
  migrateSettingsV3toV4,
  normaliseLessonRule,
  upgradeDocument,
} from '../../../src-shared/model/migrations';
import { invoiceSchema, lessonSchema, occurrenceSchema, paymentSchema, settingsSchema } from '../../../src-shared/model/schemas';
import { listQuarantine } from '../../../src-renderer/src/data/sync/review-lists';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import { makeDoc } from '../../sync/helpers/fixtures';

const ctx = { staffId: 'staff-admin', deviceId: 'test', now: new Date('2026-03-01T10:00:00Z') };

describe('lessons v0 → v1', () => {
  it('keeps valid timing as it is', () => {
    const l = { id: 'l', timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=10', notes: 'n' };
    expect(migrateLessonV0toV1(l)).toEqual(l);
  });

  it('rewrites a weekly rule written in another order or case', () => {
    expect(normaliseLessonRule('RRULE:freq=weekly;byday=mo,we;interval=1')).toBe('FREQ=WEEKLY;BYDAY=MO,WE');
    expect(normaliseLessonRule('FREQ=WEEKLY;COUNT=5;BYDAY=FR;INTERVAL=3')).toBe('FREQ=WEEKLY;INTERVAL=3;BYDAY=FR;COUNT=5');
    expect(normaliseLessonRule('FREQ=DAILY')).toBeNull();
    expect(normaliseLessonRule('FREQ=WEEKLY;BYHOUR=3')).toBeNull();
    expect(knownTimeZone('europe/london')).toBe('Europe/London');
  });

  it('repairs an unknown zone and an unsupported rule, keeping what was there in the notes', () => {
    const out = migrateLessonV0toV1({ id: 'l', timeZone: 'Not/AZone', rrule: 'FREQ=SECONDLY', notes: 'Bring the workbook.' });
    expect(out.timeZone).toBe('UTC');
    expect(out.rrule).toBe('');
    expect(out.notes).toMatch(
      /^Bring the workbook\.\n\n\[TutorDesk\] This lesson's time zone "Not\/AZone" is not a known time zone; UTC is used now/,
    );
    expect(out.notes).toMatch(/repeat rule "FREQ=SECONDLY" is not one TutorDesk supports/);
  });
});

describe('settings v0 → v1 and occurrences v0 → v1', () => {
  it('settings: an unknown zone becomes UTC, a known one (any case) is kept', () => {
    expect(migrateSettingsV0toV1({ timeZone: 'Mars/Olympus' }).timeZone).toBe('UTC');
    expect(migrateSettingsV0toV1({ timeZone: 'asia/tokyo' }).timeZone).toBe('Asia/Tokyo');
  });

  it('occurrences: the lesson tutor from the lessons, else empty', () => {
    const lookup = (id: string) => (id === 'l1' ? 'staff-bob' : undefined);
    expect(migrateOccurrenceV0toV1({ id: 'l1@x', lessonId: 'l1' }, lookup).lessonTutorId).toBe('staff-bob');
    expect(migrateOccurrenceV0toV1({ id: 'l9@x', lessonId: 'l9' }, lookup).lessonTutorId).toBe('');
    expect(upgradeDocument('occurrences', { lessonId: 'l1' }).lessonTutorId).toBe('');
    expect(upgradeDocument('lessons', { timeZone: 'UTC', rrule: 'FREQ=HOURLY', notes: '' }).rrule).toBe('');
  });

  it('run inside RxDB when a laptop opens an old database', async () => {
    const storage = getRxStorageMemory();
    const name = `mig${Date.now()}`;
    const v0 = <T extends { version: number; properties: unknown; required?: unknown }>(
      s: T,
      drop: string[] = [],
      loosen: Record<string, unknown> = {},
    ) => {
      const properties = { ...(s.properties as Record<string, unknown>), ...loosen };
      for (const d of drop) delete properties[d];
      return { ...s, version: 0, properties, required: ((s.required as string[]) ?? []).filter((r) => !drop.includes(r)) };
    };
    const old = await createRxDatabase({ name, storage, multiInstance: false });
    await old.addCollections({
      lessons: {
        schema: v0(lessonSchema, [], { timeZone: { type: 'string', maxLength: 64 }, rrule: { type: 'string', maxLength: 1000 } }) as never,
      },
      occurrences: { schema: v0(occurrenceSchema, ['lessonTutorId']) as never },
      settings: { schema: v0(settingsSchema, [], { timeZone: { type: 'string', maxLength: 64 } }) as never },
      payments: { schema: v0(paymentSchema, ['kind', 'reverses', 'reason', 'refundSources', 'revisions']) as never },
    });
    const lesson = makeDoc(
      'lessons',
      'l1',
      { tutorId: 'staff-bob', start: '2026-03-02T16:00:00.000Z', durationMinutes: 60, timeZone: 'Not/AZone', rrule: 'FREQ=SECONDLY' },
      ctx,
    );
    await old.lessons!.insert(lesson);
    const { lessonTutorId: _drop, ...occ } = makeDoc(
      'occurrences',
      'l1@2026-03-02T16:00:00.000Z',
      { lessonId: 'l1', originalStart: '2026-03-02T16:00:00.000Z', status: 'attended' },
      ctx,
    );
    const { lessonTutorId: _stamp, ...clock } = occ.fieldClock;
    await old.occurrences!.insert({ ...occ, fieldClock: clock });
    await old.settings!.insert(makeDoc('settings', 'practice', { timeZone: 'Bad/Zone', currency: 'GBP' }, ctx));
    await old.payments!.insert(
      makeDoc('payments', 'p1', { familyId: 'f1', date: '2026-03-02', amount: 4500, currency: 'GBP', method: 'cash' }, ctx),
    );
    await old.close();

    const db = await createTutorDatabase({
      name,
      storage,
      validate: 'ajv',
      collections: ['lessons', 'occurrences', 'settings', 'payments'],
    });
    const o = (await db.occurrences.findOne('l1@2026-03-02T16:00:00.000Z').exec())!;
    expect(o.lessonTutorId).toBe('staff-bob');
    expect(o.fieldClock.lessonTutorId).toBeUndefined();
    const l = (await db.lessons.findOne('l1').exec())!;
    expect([l.timeZone, l.rrule]).toEqual(['UTC', '']);
    expect((await db.settings.findOne('practice').exec())!.timeZone).toBe('UTC');
    // payments v1 only added optional correction fields: a v0 payment is kept as it was.
    const p = (await db.payments.findOne('p1').exec())!.toJSON();
    expect([p.amount, p.kind, p.reverses]).toEqual([4500, undefined, undefined]);
    await db.remove();
  });
});

describe('the hard limits of issue 15 (payments v2, invoices v1, …)', () => {
  it('name what is beyond them, field by field', () => {
    expect(limitsProblems('payments', { id: 'p', amount: 4500, allocations: [] })).toEqual({});
    expect(limitsProblems('payments', { id: 'p', amount: 9_999_999_999_900, allocations: [] })).toEqual({
      amount: 'Amount: larger than any tutoring practice charges',
    });
    expect(limitsProblems('payments', { id: 'p', amount: 9_999_999_999_900, _deleted: true })).toEqual({});
  });

  it('set aside an old record beyond them, whole and listed, and keep every other record as it was', async () => {
    const storage = getRxStorageMemory();
    const name = `limits${Date.now()}`;
    const old = await createRxDatabase({ name, storage, multiInstance: false, localDocuments: true });
    const loose = (s: { properties: unknown }, version: number, strip: (p: Record<string, unknown>) => void) => {
      const copy = structuredClone(s) as unknown as { version: number; properties: Record<string, unknown> };
      strip(copy.properties);
      return { ...copy, version };
    };
    await old.addCollections({
      // payments v1 and invoices v0: no maxima yet.
      payments: { schema: loose(paymentSchema, 1, (p) => (p.amount = { type: 'integer', minimum: 1 })) as never },
      invoices: {
        schema: loose(invoiceSchema, 0, (p) => {
          const line = (p.lines as { items: { properties: Record<string, unknown> } }).items.properties;
          line.unitAmount = { type: 'integer' };
          delete line.creditsLineId;
        }) as never,
      },
    });
    const fine = makeDoc('payments', 'p-fine', { familyId: 'f1', date: '2026-03-02', amount: 4500, currency: 'GBP', method: 'cash' }, ctx);
    const absurd = makeDoc(
      'payments',
      'p-absurd',
      { familyId: 'f1', date: '2026-03-02', amount: 9_999_999_999_900, currency: 'GBP', method: 'bank_transfer' },
      ctx,
    );
    await old.payments!.bulkInsert([fine, absurd]);
    await old.close();

    const db = await createTutorDatabase({ name, storage, validate: 'ajv', collections: ['payments', 'invoices'] });
    expect((await db.payments.find().exec()).map((p) => p.id)).toEqual(['p-fine']);
    expect((await db.payments.findOne('p-fine').exec())!.toJSON()).toMatchObject({ amount: 4500, method: 'cash' });
    const listed = await listQuarantine(db);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ collection: 'payments', docId: 'p-absurd', error: 'invalid', origin: 'update' });
    expect(listed[0]!.reason).toMatch(/Amount: larger than any tutoring practice charges/);
    expect(listed[0]!.doc).toMatchObject({ amount: 9_999_999_999_900, method: 'bank_transfer', familyId: 'f1' });
    await db.remove();
  });
});

describe('settings v3 → v4 (rooms)', () => {
  it('keeps a v3 document as it is: no rooms listed, every other field unchanged', () => {
    const doc = { id: 'practice', name: 'Riverside', timeZone: 'Europe/London' };
    expect(migrateSettingsV3toV4(doc)).toBe(doc);
  });

  it('run inside RxDB: a v3 practice opens with no rooms, then stores rooms', async () => {
    const storage = getRxStorageMemory();
    const name = `rooms${Date.now()}`;
    const v3 = structuredClone(settingsSchema) as unknown as { version: number; properties: Record<string, unknown> };
    v3.version = 3;
    delete v3.properties.rooms;
    const old = await createRxDatabase({ name, storage, multiInstance: false });
    await old.addCollections({ settings: { schema: v3 as never } });
    const before = makeDoc('settings', 'practice', { timeZone: 'Europe/London', currency: 'GBP' }, ctx);
    await old.settings!.insert(before);
    await old.close();

    const db = await createTutorDatabase({ name, storage, validate: 'ajv', collections: ['settings'] });
    const doc = (await db.settings.findOne('practice').exec())!;
    expect(doc.toJSON().rooms).toBeUndefined();
    expect([doc.timeZone, doc.currency, doc.fieldClock]).toEqual([before.timeZone, before.currency, before.fieldClock]);
    await doc.incrementalPatch({ rooms: [{ id: 'r1', name: 'Room 1', location: 'North site', active: true }] });
    expect((await db.settings.findOne('practice').exec())!.rooms).toEqual([
      { id: 'r1', name: 'Room 1', location: 'North site', active: true },
    ]);
    await db.remove();
  });
});
