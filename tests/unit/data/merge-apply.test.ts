/**
 * Applying a merge (features/families/merge-action.ts) to a real RxDB database with the app's
 * schemas and precompiled validators: every reference moves, issued invoices keep their numbers
 * and amounts, the duplicate is archived with `mergedInto`, and planning again finds nothing to do.
 */
import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { tutorDexieStorage } from '../../../src-renderer/src/data/dexie-storage';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { applyMerge, loadMergeDocs, planMerge } from '../../../src-renderer/src/features/families/merge-action';
import { followUpMerges, followUpMergesAtStart } from '../../../src-renderer/src/data/merge-followup';
import { saveDoc } from '../../../src-renderer/src/data/repo';
import type { AppServices } from '../../../src-renderer/src/app/AppContext';
import { COLLECTION_NAMES } from '../../../src-shared/model/schemas';
import { ctx, practice } from '../shared/practice-fixture';

type Storage = Parameters<typeof createTutorDatabase>[0]['storage'];
const STORAGES: [string, () => Storage][] = [
  ['memory', () => getRxStorageMemory()],
  ['the app’s Dexie storage', () => tutorDexieStorage({ indexedDB: new IDBFactory(), IDBKeyRange })],
];

async function openPractice(storage: Storage = getRxStorageMemory()): Promise<{ db: TutorDatabase; app: AppServices }> {
  const db = await createTutorDatabase({
    name: `merge${Date.now()}${Math.random()}`.replace('.', ''),
    storage,
    validate: 'precompiled',
  });
  const docs = practice() as unknown as Record<string, unknown[]>;
  for (const c of COLLECTION_NAMES) {
    const list = docs[c] ?? [];
    if (list.length) {
      const res = await (db.collections[c] as unknown as { bulkInsert(d: unknown[]): Promise<{ error: unknown[] }> }).bulkInsert(list);
      expect(res.error, c).toEqual([]);
    }
  }
  const app = { db, ctx: () => ctx } as unknown as AppServices;
  return { db, app };
}

describe('applyMerge on a real database', () => {
  it('a family: students, invoices (issued too), payments and claims move; the duplicate is archived as merged', async () => {
    const { db, app } = await openPractice();
    const before = await loadMergeDocs(app);
    const issuedBefore = before.invoices.filter((i) => i.status === 'issued').map((i) => [i.id, i.number, i.total]);
    await applyMerge(app, 'family', 'f1', 'f2', { email: 'duplicate' });
    const after = await loadMergeDocs(app);
    expect(after.students.filter((s) => s.familyId === 'f2')).toEqual([]);
    expect(after.invoices.filter((i) => i.familyId === 'f2')).toEqual([]);
    expect(after.payments.filter((p) => p.familyId === 'f2')).toEqual([]);
    expect(after.billingclaims.filter((c) => c.familyId === 'f2')).toEqual([]);
    expect(after.invoices.filter((i) => i.status === 'issued').map((i) => [i.id, i.number, i.total])).toEqual(issuedBefore);
    const f2 = after.families.find((f) => f.id === 'f2')!;
    expect([f2.archived, f2.mergedInto]).toEqual([true, 'f1']);
    expect(planMerge('family', 'f1', 'f2', after, app, {}).writes).toEqual([]);
    await db.remove();
  });

  it('a student: lessons, attendance, notes, invoice lines and claims move to the one kept', async () => {
    const { db, app } = await openPractice();
    const plan = await applyMerge(app, 'student', 's1', 's2', {});
    expect(plan.writes.length).toBeGreaterThan(2);
    const after = await loadMergeDocs(app);
    expect(after.lessons.filter((l) => l.studentIds.includes('s2'))).toEqual([]);
    expect(after.notes.filter((n) => n.studentIds.includes('s2'))).toEqual([]);
    expect(after.occurrences.filter((o) => Object.keys(o.studentStatus ?? {}).includes('s2'))).toEqual([]);
    expect(after.invoices.flatMap((i) => i.lines).filter((l) => l.studentId === 's2')).toEqual([]);
    expect(after.billingclaims.filter((c) => c.studentId === 's2')).toEqual([]);
    const s2 = after.students.find((s) => s.id === 's2')!;
    expect([s2.status, s2.mergedInto]).toEqual(['archived', 's1']);
    expect(after.students.find((s) => s.id === 's1')!.subjects).toEqual(expect.arrayContaining(['Maths', 'Physics']));
    expect(planMerge('student', 's1', 's2', after, app, {}).writes).toEqual([]);
    await db.remove();
  });

  it.each(STORAGES)('after sync: what another laptop wrote for the duplicate moves, as far as the role allows (%s)', async (_, storage) => {
    const { db, app } = await openPractice(storage());
    // Nothing merged yet: nothing to do, nothing read.
    expect(await followUpMerges(db, ctx, { role: 'admin', staffId: 'staff-admin' })).toEqual({
      moved: [],
      left: [],
      problems: [],
      merged: 0,
    });
    await applyMerge(app, 'family', 'f1', 'f2', {});
    await applyMerge(app, 'student', 's1', 's2', {});
    // Laptop B's writes, arriving by sync after the merges.
    const lesson = (await db.lessons.findOne('L2').exec())!.toJSON();
    await saveDoc(db, 'lessons', 'L9', { ...lesson, id: 'L9', studentIds: ['s2'], tutorId: 't1' } as never, ctx);
    const payment = (await db.payments.find().exec())[0]!.toJSON();
    await db.payments.insert({ ...payment, id: 'P9', familyId: 'f2' } as never);

    const tutor = await followUpMerges(db, ctx, { role: 'tutor', staffId: 't1' }, new Map([['lessons', new Set(['L9'])]]));
    expect(tutor.moved).toEqual(['lessons/L9']);
    expect(tutor.left).toEqual([]);
    expect((await db.lessons.findOne('L9').exec())!.studentIds).toEqual(['s1']);
    // The payment was not in what changed; at start everything is looked at, as the role of the
    // staff record chosen on this laptop (none: the practice's owner, an admin).
    expect((await db.payments.findOne('P9').exec())!.familyId).toBe('f2');
    await db.upsertLocal('device', { deviceId: 'dev-a', meStaffId: '' });
    expect((await followUpMergesAtStart(db, ctx)).moved).toEqual(['payments/P9']);
    expect((await db.payments.findOne('P9').exec())!.familyId).toBe('f1');
    expect((await followUpMergesAtStart(db, ctx)).moved).toEqual([]);
    // Once a sync named this laptop's user a tutor, the run at start acts as that tutor.
    await db.upsertLocal('merge-writer', { role: 'tutor', staffId: 't1' });
    await db.payments.insert({ ...payment, id: 'P10', familyId: 'f2' } as never);
    const asTutor = await followUpMergesAtStart(db, ctx);
    expect([asTutor.moved, asTutor.left.map((l) => l.id)]).toEqual([[], ['P10']]);
    await db.remove();
  });
});
