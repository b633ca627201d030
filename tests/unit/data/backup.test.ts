/**
 * A practice through a backup and back (src-renderer/src/data/backup.ts + the file format), on
 * real RxDB databases with the app's schemas and validators: every record returns, deleted ones
 * stay deleted, a restore only goes into an empty database, and the device's own identity and
 * invoice number series are not copied.
 */
import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { collectBackupData, restoreBackupData, RestoreError } from '../../../src-renderer/src/data/backup';
import { deleteDoc } from '../../../src-renderer/src/data';
import { createBackup, readBackup } from '../../../src-shared/backup/backup-file';
import { COLLECTION_NAMES } from '../../../src-shared/model/schemas';
import { ctx, practice, settings } from '../shared/practice-fixture';
import { nodeBackupPlatform } from '../backup/node-platform';

const open = () =>
  createTutorDatabase({
    name: `backup${Date.now()}${Math.random()}`.replace('.', ''),
    storage: getRxStorageMemory(),
    validate: 'precompiled',
  });

async function filled(): Promise<TutorDatabase> {
  const db = await open();
  const docs = practice() as unknown as Record<string, unknown[]>;
  for (const c of COLLECTION_NAMES) {
    const list = docs[c] ?? [];
    if (list.length) {
      const res = await (db.collections[c] as unknown as { bulkInsert(d: unknown[]): Promise<{ error: unknown[] }> }).bulkInsert(list);
      expect(res.error, c).toEqual([]);
    }
  }
  await db.upsertLocal('device', { deviceId: 'old-laptop', meStaffId: 'staff-1' });
  await db.upsertLocal('billing-device-code', { code: 'K7' });
  return db;
}

const liveDocs = async (db: TutorDatabase) => {
  const out: Record<string, unknown[]> = {};
  for (const c of COLLECTION_NAMES) {
    const docs = await (db.collections[c] as unknown as { find(): { exec(): Promise<{ toJSON(): Record<string, unknown> }[]> } })
      .find()
      .exec();
    out[c] = docs.map((d) => d.toJSON()).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  }
  return out;
};

describe('backup and restore of a whole practice', () => {
  it('every record returns through an encrypted file; a deleted one stays deleted; the device identity is new', async () => {
    const source = await filled();
    const students = await source.students.find().exec();
    const gone = students[0]!.id;
    expect(await deleteDoc(source, 'students', gone, ctx)).toBe(true);
    const text = await createBackup(
      await collectBackupData(source),
      { appVersion: '0.1.0', practiceName: 'Test', now: new Date(), passphrase: 'correct horse battery', iterations: 1000 },
      nodeBackupPlatform,
    );
    const sourceDocs = await liveDocs(source);
    await source.close(); // RxDB's open-source build allows 16 collections open at once
    const { manifest, data } = await readBackup(text, { passphrase: 'correct horse battery' }, nodeBackupPlatform);
    expect(data.collections.students!.find((s) => s.id === gone)).toMatchObject({ _deleted: true });

    const target = await open();
    const summary = await restoreBackupData(target, manifest, data);
    expect(summary.setAside).toBe(0);
    expect(summary.deletions).toBe(1);
    expect(await liveDocs(target)).toEqual(sourceDocs);
    // The deleted student is there as deleted, with its stamped deletion (a sync keeps it deleted).
    const tomb = await target.students.storageInstance.findDocumentsById([gone], true);
    expect(tomb[0]).toMatchObject({ id: gone, _deleted: true });
    expect((tomb[0] as unknown as { fieldClock: Record<string, string> }).fieldClock._deleted).toBeTruthy();
    // Who the user is comes back; the device id and the invoice series do not.
    const device = (await target.getLocal<{ deviceId: string; meStaffId: string }>('device'))!.toJSON().data;
    expect(device.meStaffId).toBe('staff-1');
    expect(device.deviceId).not.toBe('old-laptop');
    expect(await target.getLocal('billing-device-code')).toBeNull();
    await target.close();
  });

  it('the settings come last: when they land, every other record and who "me" is are in', async () => {
    const source = await filled();
    await source.settings.insert(settings);
    const data = await collectBackupData(source);
    await source.close();
    const target = await open();
    // The app leaves its first-run screen when settings exist: what it would find at that moment.
    let atSettings: { docs: Record<string, unknown[]>; me: unknown } | null = null;
    target.settings.preInsert(async () => {
      atSettings = {
        docs: await liveDocs(target),
        me: (await target.getLocal<{ meStaffId: string }>('device'))?.toJSON().data.meStaffId,
      };
    }, false);
    try {
      await restoreBackupData(target, { schemaVersions: {} }, data);
      const after = await liveDocs(target);
      expect(after.settings).toHaveLength(1);
      expect(after.lessons!.length * after.invoices!.length * after.payments!.length).toBeGreaterThan(0);
      expect(atSettings).toEqual({ docs: { ...after, settings: [] }, me: 'staff-1' });
    } finally {
      await target.close();
    }
  });

  it('refuses to restore over a practice, and changes nothing', async () => {
    const source = await filled();
    const data = await collectBackupData(source);
    await source.close();
    const target = await filled();
    const before = await liveDocs(target);
    await expect(restoreBackupData(target, { schemaVersions: {} }, data)).rejects.toThrow(RestoreError);
    expect(await liveDocs(target)).toEqual(before);
    await target.close();
  });

  it('a record this version refuses is set aside with the refused changes, the rest is restored', async () => {
    const source = await filled();
    const data = await collectBackupData(source);
    await source.close();
    const bad = { ...data.collections.families![0]!, id: 'fam-bad', name: 'x'.repeat(5000) };
    data.collections.families = [...data.collections.families!, bad];
    const target = await open();
    const summary = await restoreBackupData(target, { schemaVersions: {} }, data);
    expect(summary.setAside).toBe(1);
    expect(await target.families.findOne('fam-bad').exec()).toBeNull();
    expect(await target.families.count().exec()).toBe(data.collections.families.length - 1);
    const quarantine = (await target.getLocal<{ items: { docId: string }[] }>('sync-quarantine'))?.toJSON().data;
    expect(JSON.stringify(quarantine)).toContain('fam-bad');
    await target.close();
  });
});
