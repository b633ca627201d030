/**
 * "Undo" after deleting a record (data/sync-delete.ts undeleteDoc) on a real database: the
 * record comes back as it was, and wins over its own deletion on a laptop that synced the delete.
 */
import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import { deleteDoc, saveDoc, undeleteDoc } from '../../../src-renderer/src/data';
import { mergeDocs, type AnyDoc } from '../../../src-shared/sync/merge';
import { studentValues } from '../../sync/helpers/fixtures';

const ctx = (iso: string) => ({ staffId: 's1', deviceId: 'dev-a', now: new Date(iso) });

describe('undo a delete', () => {
  it('brings the record back as it was, newer than its deletion', async () => {
    const db = await createTutorDatabase({
      name: `undel${Date.now()}`,
      storage: getRxStorageMemory(),
      validate: 'ajv',
      collections: ['students'],
    });
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada', phone: '0100' }), ctx('2026-03-01T10:00:00Z'));
    expect(await deleteDoc(db, 'students', 'stu-1', ctx('2026-03-02T10:00:00Z'))).toBe(true);
    const tombstone = (await db.students.storageInstance.findDocumentsById(['stu-1'], true))[0] as unknown as AnyDoc;
    expect(await db.students.findOne('stu-1').exec()).toBeNull();

    expect(await undeleteDoc(db, 'students', 'stu-1', ctx('2026-03-02T10:00:05Z'))).toBe(true);
    const back = (await db.students.findOne('stu-1').exec())!.toJSON() as AnyDoc;
    expect(back).toMatchObject({ firstName: 'Ada', phone: '0100' });
    // Another laptop that only saw the deletion: the restore wins over it, either way round.
    for (const [a, b] of [
      [back, tombstone],
      [tombstone, back],
    ])
      expect(mergeDocs({ ...a!, _deleted: Boolean(a!._deleted) }, { ...b!, _deleted: Boolean(b!._deleted) })._deleted).toBe(false);
    // Nothing to undo for a live record.
    expect(await undeleteDoc(db, 'students', 'stu-1', ctx('2026-03-02T10:00:06Z'))).toBe(false);
    await db.remove();
  });
});
