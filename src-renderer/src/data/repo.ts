/**
 * The write path of the UI: every change goes through `saveDoc`, which stamps the sync
 * bookkeeping (who, which device, when, per-field clock) with `stampChange` from src-shared, and
 * through RxDB's incrementalModify so two quick edits on one laptop never overwrite each other.
 */
import { isQuotaError, StorageFullError } from '../../../src-shared/validation/storage-errors';
import type { RxDocument } from 'rxdb';
import { stampChange, type ChangeContext, type SyncMeta } from '../../../src-shared/model/meta';
import type { CollectionDocTypes, CollectionName } from '../../../src-shared/model/schemas';
import type { TutorDatabase } from './database';

export type DocOf<C extends CollectionName> = CollectionDocTypes[C];
export type ValuesOf<C extends CollectionName> = Omit<DocOf<C>, keyof SyncMeta> & { id?: string };

export const newId = (): string => crypto.randomUUID();

export async function saveDoc<C extends CollectionName>(
  db: TutorDatabase,
  collection: C,
  id: string | undefined,
  values: Partial<ValuesOf<C>>,
  ctx: ChangeContext,
): Promise<DocOf<C>> {
  const coll = db.collections[collection] as unknown as {
    findOne(id: string): { exec(): Promise<RxDocument<DocOf<C>> | null> };
    insert(doc: DocOf<C>): Promise<RxDocument<DocOf<C>>>;
  };
  try {
    if (id) {
      const existing = await coll.findOne(id).exec();
      if (existing) {
        const updated = await existing.incrementalModify((prev) =>
          stampChange<DocOf<C>>(prev as DocOf<C>, values as never, { ...ctx, now: new Date() }, newId),
        );
        return updated.toJSON() as DocOf<C>;
      }
    }
    const doc = stampChange<DocOf<C>>(undefined, { ...(values as object), ...(id ? { id } : {}) } as never, ctx, newId);
    const inserted = await coll.insert(doc);
    return inserted.toJSON() as DocOf<C>;
  } catch (e) {
    // One document is one IndexedDB transaction: a refused write leaves nothing behind, and the
    // person is told the disk is full rather than "could not be written" (docs/backup.md "Storage").
    if (isQuotaError(e)) throw new StorageFullError(e);
    throw e;
  }
}

/**
 * Inserts a NEW document with the given id, never modifying one that exists: resolves
 * `{ exists: true }` when a document with that id is already stored (or is written meanwhile, the
 * insert's conflict). For records with deterministic ids that two runs or two laptops may make.
 */
export async function insertDoc<C extends CollectionName>(
  db: TutorDatabase,
  collection: C,
  id: string,
  values: Partial<ValuesOf<C>>,
  ctx: ChangeContext,
): Promise<{ inserted: DocOf<C> } | { exists: true }> {
  const coll = db.collections[collection] as unknown as {
    findOne(id: string): { exec(): Promise<RxDocument<DocOf<C>> | null> };
    insert(doc: DocOf<C>): Promise<RxDocument<DocOf<C>>>;
  };
  if (await coll.findOne(id).exec()) return { exists: true };
  const doc = stampChange<DocOf<C>>(undefined, { ...(values as object), id } as never, ctx, newId);
  try {
    return { inserted: (await coll.insert(doc)).toJSON() as DocOf<C> };
  } catch (e) {
    if (isConflict(e)) return { exists: true };
    if (isQuotaError(e)) throw new StorageFullError(e);
    throw e;
  }
}

function isConflict(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { code?: unknown; status?: unknown; parameters?: { writeError?: { status?: unknown } } };
  return err.code === 'CONFLICT' || err.status === 409 || err.parameters?.writeError?.status === 409;
}

/**
 * Inserts many new documents as one unit: if any row fails, the rows already written are
 * removed again, so an import never leaves half its data behind.
 */
export async function insertAllOrNothing(db: TutorDatabase, batches: { collection: CollectionName; docs: SyncMeta[] }[]): Promise<void> {
  const written: { collection: CollectionName; ids: string[] }[] = [];
  try {
    for (const batch of batches) {
      if (batch.docs.length === 0) continue;
      const coll = db.collections[batch.collection] as unknown as {
        bulkInsert(
          docs: SyncMeta[],
        ): Promise<{ success: { id: string }[]; error: { documentId: string; status: number; validationErrors?: unknown }[] }>;
      };
      const result = await coll.bulkInsert(batch.docs);
      written.push({ collection: batch.collection, ids: result.success.map((d) => (d as unknown as { id: string }).id) });
      if (result.error.length > 0) {
        const first = result.error[0]!;
        throw new Error(`Could not save ${batch.collection} ${first.documentId} (status ${first.status})`);
      }
    }
  } catch (e) {
    for (const w of written.reverse()) {
      const coll = db.collections[w.collection] as unknown as { bulkRemove(ids: string[]): Promise<unknown> };
      await coll.bulkRemove(w.ids);
    }
    throw e;
  }
}
