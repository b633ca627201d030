/**
 * A whole practice out of the local database into a backup's data, and back into an empty one
 * (docs/backup.md; the file itself is src-shared/backup/backup-file.ts).
 *
 * - Every document of every collection is taken, deleted ones (tombstones, with their stamped
 *   deletion) too: restored on a laptop that syncs, a tombstone keeps a record deleted, and an
 *   older live copy loses against a newer deletion on the server (docs/sync.md "Delete versus
 *   edit"). Newer edits on the server win field by field by their clocks, so a restore never
 *   overwrites them.
 * - The device's state that is worth keeping is who this laptop's user is (`meStaffId`). The
 *   device id and the invoice number series are NOT restored: the laptop the backup came from
 *   may still be in use, and two laptops with one device id or one number series would mint the
 *   same invoice numbers. A restored laptop starts its own series.
 * - A restore goes only into an empty database; records beyond this version's limits (from an
 *   older backup) are listed with the refused changes, whole, as the database migration does.
 */
import { getChangedDocumentsSince, type RxStorageDefaultCheckpoint } from 'rxdb';
import type { BackupData, BackupManifest } from '../../../src-shared/backup/backup-file';
import { upgradeBackupData } from '../../../src-shared/backup/upgrade';
import { chooseDeviceCode } from '../../../src-shared/billing/numbering';
import type { Invoice } from '../../../src-shared/model/types';
import { COLLECTION_NAMES, type CollectionName } from '../../../src-shared/model/schemas';
import type { TutorDatabase } from './database';
import { quarantineDocs } from './sync/review-lists';
import type { QuarantineRecord } from '../../../src-shared/sync/conflicts';

type Doc = Record<string, unknown>;

const PAGE = 1000;

interface StorageColl {
  storageInstance: Parameters<typeof getChangedDocumentsSince>[0];
  count(): { exec(): Promise<number> };
  bulkInsert(docs: Doc[]): Promise<{ error: { documentId: string; status: number }[] }>;
  findByIds(ids: string[]): { exec(): Promise<Map<string, { incrementalModify(fn: (d: Doc) => Doc): Promise<unknown> }>> };
}

const collection = (db: TutorDatabase, c: CollectionName) => (db.collections as unknown as Record<string, StorageColl | undefined>)[c];

/** Every document of every collection, tombstones included, without RxDB's own bookkeeping. */
export async function collectBackupData(db: TutorDatabase): Promise<BackupData> {
  const collections: BackupData['collections'] = {};
  for (const c of COLLECTION_NAMES) {
    const coll = collection(db, c);
    if (!coll) continue;
    const out: Doc[] = [];
    let checkpoint: RxStorageDefaultCheckpoint | undefined;
    for (;;) {
      const page = await getChangedDocumentsSince(coll.storageInstance, PAGE, checkpoint);
      for (const d of page.documents as Doc[]) {
        const { _meta: _m, _rev: _r, _attachments: _a, _deleted, ...rest } = d;
        out.push(_deleted ? { ...rest, _deleted: true } : rest);
      }
      if (page.documents.length < PAGE) break;
      checkpoint = page.checkpoint as RxStorageDefaultCheckpoint;
    }
    collections[c] = out;
  }
  const device = (await db.getLocal<{ meStaffId?: string }>('device'))?.toJSON().data;
  return { collections, device: { meStaffId: device?.meStaffId ?? '' } };
}

export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

export interface RestoreSummary {
  /** Live records restored per collection. */
  restored: Partial<Record<CollectionName, number>>;
  /** Deleted records restored as deleted. */
  deletions: number;
  /** Records set aside for a person (beyond this version's limits, or refused by its schema). */
  setAside: number;
}

async function isEmpty(db: TutorDatabase): Promise<boolean> {
  for (const c of COLLECTION_NAMES) {
    const coll = collection(db, c);
    if (!coll) continue;
    const page = await getChangedDocumentsSince(coll.storageInstance, 1);
    if (page.documents.length > 0) return false;
  }
  return true;
}

/**
 * Restores a checked backup (`readBackup`) into an EMPTY database. Throws RestoreError when the
 * database holds records (the caller replaces the data only after a clear warning, by opening a
 * fresh database).
 *
 * The practice's settings come last, after every other record, the records set aside and who
 * "me" is: the app leaves its first-run screen as soon as settings exist, so it never shows (or
 * lets anyone edit) a practice still being restored.
 */
export async function restoreBackupData(
  db: TutorDatabase,
  manifest: Pick<BackupManifest, 'schemaVersions'>,
  raw: BackupData,
): Promise<RestoreSummary> {
  if (!(await isEmpty(db))) throw new RestoreError('This computer already holds a practice: a backup is restored only into an empty one.');
  const { data, setAside } = await upgradeBackupData(manifest, raw);
  const refused: QuarantineRecord[] = setAside.map((s) => ({
    collection: s.collection,
    docId: String(s.doc.id),
    error: 'invalid',
    reason: `This record from the backup is beyond what this version of TutorDesk accepts (${Object.values(s.problems).join('; ')}), so it was set aside: it is kept whole in this list.`,
    doc: s.doc,
    quarantinedAt: new Date().toISOString(),
    origin: 'update' as const,
  }));
  const summary: RestoreSummary = { restored: {}, deletions: 0, setAside: 0 };
  for (const c of COLLECTION_NAMES) if (c !== 'settings') await restoreCollection(db, c, data.collections[c], refused, summary);
  await quarantineDocs(db, refused);
  const meStaffId = typeof data.device.meStaffId === 'string' ? data.device.meStaffId : '';
  if (meStaffId) {
    const device = (await db.getLocal<Record<string, unknown>>('device'))?.toJSON().data;
    await db.upsertLocal('device', { deviceId: crypto.randomUUID(), ...device, meStaffId });
  }
  const refusedBefore = refused.length;
  await restoreCollection(db, 'settings', data.collections.settings, refused, summary);
  await quarantineDocs(db, refused.slice(refusedBefore));
  summary.setAside = refused.length;
  return summary;
}

/** Stores one collection's records from a backup, adding those it refuses to `refused`. */
async function restoreCollection(
  db: TutorDatabase,
  c: CollectionName,
  docs: Doc[] | undefined,
  refused: QuarantineRecord[],
  summary: RestoreSummary,
): Promise<void> {
  const coll = collection(db, c);
  if (!coll || !docs?.length) return;
  const deleted = new Set(docs.filter((d) => d._deleted === true).map((d) => String(d.id)));
  for (let i = 0; i < docs.length; i += PAGE) {
    const chunk = docs.slice(i, i + PAGE).map(({ _deleted: _d, ...rest }) => rest);
    const res = await coll.bulkInsert(chunk);
    const failed = new Set(res.error.map((e) => e.documentId));
    for (const d of chunk) {
      if (!failed.has(String(d.id))) continue;
      const e = res.error.find((x) => x.documentId === String(d.id));
      refused.push({
        collection: c,
        docId: String(d.id),
        error: 'invalid',
        reason: `This record from the backup could not be stored (${e?.status === 409 ? 'its id is there twice' : 'this version of TutorDesk refuses its content'}); it is kept whole in this list.`,
        doc: deleted.has(String(d.id)) ? { ...d, _deleted: true } : d,
        quarantinedAt: new Date().toISOString(),
        origin: 'update',
      });
    }
    const stored = chunk.filter((d) => !failed.has(String(d.id)));
    const toDelete = stored.filter((d) => deleted.has(String(d.id))).map((d) => String(d.id));
    if (toDelete.length) {
      // As deleteDoc leaves them: the stored data with its stamped deletion, marked deleted.
      const found = await coll.findByIds(toDelete).exec();
      for (const doc of found.values()) await doc.incrementalModify((d) => ({ ...d, _deleted: true }));
      summary.deletions += found.size;
    }
    summary.restored[c] = (summary.restored[c] ?? 0) + stored.length - toDelete.length;
  }
}

export interface RestoreIntoNewOptions {
  /**
   * The practice being replaced. It is read (its invoice device code, so the new one differs) and
   * then CLOSED, never written: RxDB's open-source build keeps at most 13 collections open at once,
   * so the two databases cannot be open together. The caller reloads the window afterwards,
   * whatever the outcome.
   */
  current: TutorDatabase;
  /** The new database's name (data/active-database.ts `newDatabaseName`). */
  name: string;
  /** Opens a database under a name with the app's storage and validation. */
  open(name: string): Promise<TutorDatabase>;
  /** This computer's own local documents to carry over (e.g. when it last made a backup). */
  keepLocal?: readonly string[];
}

const DEVICE_CODE_DOC = 'billing-device-code';

/**
 * Restores a checked backup into a NEW database beside the current practice, which is closed
 * first and never written. On success the new database is closed, ready for the pointer to move
 * to it (data/active-database.ts); on any failure it is removed and the error is thrown, so the
 * current practice is exactly as it was and opens again at the next start.
 *
 * The restored laptop gets a new device id (restoreBackupData) and an invoice device code other
 * than the one this laptop used so far: invoices it issued after the backup may be gone from the
 * restored data but not from the families who received them, so its numbers must not come again.
 */
export async function restoreIntoNewDatabase(
  options: RestoreIntoNewOptions,
  manifest: Pick<BackupManifest, 'schemaVersions'>,
  data: BackupData,
): Promise<RestoreSummary> {
  const oldCode = ((await options.current.getLocal<{ code?: string }>(DEVICE_CODE_DOC))?.toJSON().data as { code?: string } | undefined)
    ?.code;
  const kept: [string, Record<string, unknown>][] = [];
  for (const id of options.keepLocal ?? []) {
    const doc = await options.current.getLocal<Record<string, unknown>>(id);
    if (doc) kept.push([id, doc.toJSON().data as Record<string, unknown>]);
  }
  await options.current.close();
  let db: TutorDatabase | null = null;
  try {
    db = await options.open(options.name);
    const summary = await restoreBackupData(db, manifest, data);
    const device = (await db.getLocal<{ deviceId?: string }>('device'))?.toJSON().data as { deviceId?: string } | undefined;
    const deviceId = device?.deviceId ?? crypto.randomUUID();
    if (!device?.deviceId) await db.upsertLocal('device', { deviceId, meStaffId: '' });
    const invoices = (await db.invoices.find().exec()).map((d) => d.toJSON() as unknown as Invoice);
    await db.upsertLocal(DEVICE_CODE_DOC, { code: chooseDeviceCode(deviceId, invoices, oldCode ? [oldCode] : []) });
    for (const [id, value] of kept) await db.upsertLocal(id, value);
    await db.close();
    return summary;
  } catch (e) {
    await db?.remove().catch(() => undefined);
    throw e;
  }
}
