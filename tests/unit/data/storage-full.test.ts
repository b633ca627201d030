/**
 * A single save (app.save → saveDoc) refused because the storage is full: a clear message, and
 * nothing written (docs/backup.md "Storage"). The storage throws what IndexedDB throws, a
 * QuotaExceededError DOMException, from its bulkWrite.
 */
import { describe, expect, it } from 'vitest';
import type { RxStorage } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import { saveDoc } from '../../../src-renderer/src/data/repo';
import { storageReason } from '../../../src-renderer/src/data/intents';
import { humaniseWriteError } from '../../../src-shared/validation/schema-limits';
import { isQuotaError, STORAGE_FULL_MESSAGE, StorageFullError } from '../../../src-shared/validation/storage-errors';
import { ctx, practice } from '../shared/practice-fixture';

/** The memory storage, whose writes throw a quota error while `full.on` is set. */
function fillableStorage(full: { on: boolean }): RxStorage<unknown, unknown> {
  const base = getRxStorageMemory() as unknown as RxStorage<unknown, unknown>;
  return {
    ...base,
    async createStorageInstance(params) {
      const instance = await base.createStorageInstance(params);
      const bulkWrite = instance.bulkWrite.bind(instance);
      instance.bulkWrite = (rows, context) => {
        if (full.on) return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
        return bulkWrite(rows, context);
      };
      return instance;
    },
  };
}

describe('a save when the storage is full', () => {
  it('a new record and an edit are refused with a clear message, and nothing is written', async () => {
    const full = { on: false };
    const db = await createTutorDatabase({ name: `full${Date.now()}`, storage: fillableStorage(full), validate: 'precompiled' });
    const family = practice().families[0]!;
    const student = practice().students.find((s) => s.familyId === family.id)!;
    await db.families.insert(family as never);
    await db.students.insert(student as never);
    const { id: _id, createdAt: _c, updatedAt: _u, fieldClock: _f, ...values } = student as unknown as Record<string, unknown>;
    full.on = true;

    const insert = saveDoc(db, 'students', undefined, { ...values, firstName: 'Ren' } as never, ctx);
    await expect(insert).rejects.toBeInstanceOf(StorageFullError);
    await expect(insert).rejects.toThrow(STORAGE_FULL_MESSAGE);
    const edit = saveDoc(db, 'students', student.id, { firstName: 'Renamed' } as never, ctx);
    await expect(edit).rejects.toThrow(/storage for TutorDesk is full/);
    // The forms' own wording (humaniseWriteError) says the same.
    expect(humaniseWriteError(await edit.catch((e: unknown) => e), { collection: 'students' }).summary).toBe(STORAGE_FULL_MESSAGE);

    full.on = false;
    expect(await db.students.count().exec()).toBe(1);
    expect((await db.students.findOne(student.id).exec())!.firstName).toBe(student.firstName);
    await db.close();
  });

  it('recognises the quota error in its wrappers, and nothing else', () => {
    const dom = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(isQuotaError(dom)).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: dom })).toBe(true); // Dexie
    expect(isQuotaError({ code: 'RC_PULL', parameters: { error: dom } })).toBe(true); // RxDB
    expect(isQuotaError(new Error('write failed', { cause: dom }))).toBe(true);
    expect(isQuotaError(new Error('Network request failed'))).toBe(false);
    expect(isQuotaError({ status: 409 })).toBe(false);
    expect(storageReason({ name: 'AbortError', inner: dom })).toBe('the computer’s storage for TutorDesk is full');
  });
});
