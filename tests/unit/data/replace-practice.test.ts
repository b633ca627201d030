/**
 * Replacing the practice with a backup (docs/backup.md "Replacing the practice"): the restore goes
 * into a new database and only a complete one moves the device-local pointer; a restore that fails
 * half-way leaves the current practice and the pointer as they were, and its database is removed.
 */
import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { collectBackupData, restoreIntoNewDatabase } from '../../../src-renderer/src/data/backup';
import {
  activeDatabaseName,
  beginReplacement,
  databasesToRemove,
  forgetRemovedDatabase,
  newDatabaseName,
  switchActiveDatabase,
  type PointerStore,
} from '../../../src-renderer/src/data/active-database';
import { COLLECTION_NAMES } from '../../../src-shared/model/schemas';
import { practice } from '../shared/practice-fixture';

const storage = getRxStorageMemory();
const open = (name: string) => createTutorDatabase({ name, storage, validate: 'precompiled' });

function memoryStore(): PointerStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

async function fill(db: TutorDatabase): Promise<void> {
  const docs = practice() as unknown as Record<string, unknown[]>;
  for (const c of COLLECTION_NAMES) {
    const list = docs[c] ?? [];
    if (list.length) await (db.collections[c] as unknown as { bulkInsert(d: unknown[]): Promise<unknown> }).bulkInsert(list);
  }
  await db.upsertLocal('device', { deviceId: 'this-laptop', meStaffId: 'staff-1' });
  await db.upsertLocal('billing-device-code', { code: 'K7Q' });
}

const countsOf = async (db: TutorDatabase) => {
  const out: Record<string, number> = {};
  for (const c of COLLECTION_NAMES) out[c] = await db.collections[c].count().exec();
  return out;
};

describe('the database pointer', () => {
  it("is 'tutordesk' until a replacement succeeds, then the new name; the old one is to be removed", () => {
    const s = memoryStore();
    expect(activeDatabaseName(s)).toBe('tutordesk');
    const name = beginReplacement(newDatabaseName(new Date('2026-12-06T08:00:00Z'), activeDatabaseName(s)), s);
    expect(name).toMatch(/^tutordesk-r[a-z0-9]+$/);
    // Until the switch the pointer has not moved; a cut-short restore's database is cleaned up.
    expect(activeDatabaseName(s)).toBe('tutordesk');
    expect(databasesToRemove(s)).toEqual([name]);
    switchActiveDatabase(name, s);
    expect(activeDatabaseName(s)).toBe(name);
    expect(databasesToRemove(s)).toEqual(['tutordesk']);
    forgetRemovedDatabase('tutordesk', s);
    expect(databasesToRemove(s)).toEqual([]);
    expect(activeDatabaseName(s)).toBe(name);
  });

  it('ignores a pointer that is not one of its names, and never removes the active database', () => {
    const s = memoryStore();
    s.setItem('tutordesk.database', '../other');
    expect(activeDatabaseName(s)).toBe('tutordesk');
    s.setItem('tutordesk.databaseToRemove', 'tutordesk');
    expect(databasesToRemove(s)).toEqual([]);
    expect(() => switchActiveDatabase('evil', s)).toThrow();
    expect(newDatabaseName(new Date(5), `tutordesk-r${(5).toString(36)}`)).not.toBe(`tutordesk-r${(5).toString(36)}`);
  });
});

describe('restoring into a new database', () => {
  it('a complete restore fills the new database with a new device id and another invoice device code', async () => {
    const current = await open(`cur${Date.now()}a`);
    await fill(current);
    const data = await collectBackupData(current);
    const before = await countsOf(current);
    const name = `new${Date.now()}a`;
    await current.upsertLocal('backup-state', { lastBackupAt: '2026-12-01T10:00:00.000Z' });
    await restoreIntoNewDatabase({ current, name, open, keepLocal: ['backup-state', 'absent'] }, { schemaVersions: {} }, data);
    expect(current.closed).toBe(true);
    const restored = await open(name);
    expect(await countsOf(restored)).toEqual(before);
    const device = (await restored.getLocal<{ deviceId: string; meStaffId: string }>('device'))!.toJSON().data;
    expect(device.meStaffId).toBe('staff-1');
    expect(device.deviceId).not.toBe('this-laptop');
    const code = (await restored.getLocal<{ code: string }>('billing-device-code'))!.toJSON().data.code;
    expect(code).toMatch(/^[0-9A-Z]{3}$/);
    expect(code).not.toBe('K7Q');
    expect((await restored.getLocal('backup-state'))?.toJSON().data).toEqual({ lastBackupAt: '2026-12-01T10:00:00.000Z' });
    expect(await restored.getLocal('absent')).toBeNull();
    await restored.close();
  });

  it('a restore that fails half-way leaves the current practice unchanged and removes what it wrote', async () => {
    const s = memoryStore();
    const currentName = `cur${Date.now()}b`;
    const current = await open(currentName);
    await fill(current);
    const data = await collectBackupData(current);
    const before = await countsOf(current);
    const name = beginReplacement(`new${Date.now()}b`, s);
    let opened: TutorDatabase | null = null;
    // The disk fills up after the first collections are written.
    const failing = async (n: string) => {
      const db = await open(n);
      opened = db;
      (db.notes as unknown as { bulkInsert: () => Promise<never> }).bulkInsert = () =>
        Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      return db;
    };
    await expect(restoreIntoNewDatabase({ current, name, open: failing }, { schemaVersions: {} }, data)).rejects.toThrow(/quota/);
    expect(opened!.closed).toBe(true);
    // The pointer never moved; the current practice opens again whole.
    expect(activeDatabaseName(s)).toBe('tutordesk');
    const again = await open(currentName);
    expect(await countsOf(again)).toEqual(before);
    expect((await again.getLocal<{ code: string }>('billing-device-code'))!.toJSON().data.code).toBe('K7Q');
    await again.close();
    // The half-written database is gone: opening its name finds it empty.
    const leftover = await open(name);
    expect(Object.values(await countsOf(leftover)).every((n) => n === 0)).toBe(true);
    await leftover.close();
  });
});
