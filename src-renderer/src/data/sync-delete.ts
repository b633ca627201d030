/**
 * Deleting a synced document the way the conflict policy expects (docs/sync.md, "Delete versus
 * edit"): the deletion carries a clock stamp (`fieldClock._deleted`), so an edit made on another
 * laptop after the delete resurrects the document, and an older edit loses against the delete.
 * Use this instead of RxDB's `doc.remove()`, whose deletion has no stamp and always wins.
 */
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { CollectionName } from '../../../src-shared/model/schemas';
import { DELETED_CLOCK_KEY, stampDeletion, type AnyDoc } from '../../../src-shared/sync/merge';
import { nextStamp } from '../../../src-shared/model/meta';
import type { TutorDatabase } from './database';

/** Deletes `id` from `collection`; returns false if there was no such (live) document. */
export async function deleteDoc(db: TutorDatabase, collection: CollectionName, id: string, ctx: ChangeContext): Promise<boolean> {
  const coll = db.collections[collection] as unknown as {
    findOne(id: string): { exec(): Promise<{ deleted: boolean; incrementalModify(fn: (d: AnyDoc) => AnyDoc): Promise<unknown> } | null> };
  };
  const doc = await coll.findOne(id).exec();
  if (!doc || doc.deleted) return false;
  await doc.incrementalModify((d) => stampDeletion(d, { ...ctx, now: ctx.now ?? new Date() }));
  return true;
}

/**
 * Undoes `deleteDoc` ("Undo" right after a delete): the record comes back as it was, with a stamp
 * newer than its deletion, so on every laptop the restore wins over the delete like any edit made
 * after it (docs/sync.md "Delete versus edit"). Returns false when there is no deleted record.
 */
export async function undeleteDoc(db: TutorDatabase, collection: CollectionName, id: string, ctx: ChangeContext): Promise<boolean> {
  const coll = db.collections[collection] as unknown as {
    storageInstance: { findDocumentsById(ids: string[], withDeleted: boolean): Promise<AnyDoc[]> };
    upsert(doc: AnyDoc): Promise<unknown>;
  };
  const [stored] = await coll.storageInstance.findDocumentsById([id], true);
  if (!stored || !stored._deleted) return false;
  const { _meta: _m, _rev: _r, _attachments: _a, _deleted: _d, ...doc } = stored as AnyDoc & Record<string, unknown>;
  const clock = { ...(doc.fieldClock ?? {}) };
  const now = ctx.now ?? new Date();
  // The restore is an edit of the record's own values, stamped after the deletion.
  const stamp = nextStamp(Object.values(clock).sort().at(-1), now, ctx.deviceId);
  for (const k of Object.keys(clock)) if (k !== DELETED_CLOCK_KEY) clock[k] = stamp;
  await coll.upsert({ ...doc, fieldClock: clock, updatedAt: now.toISOString(), updatedBy: ctx.staffId, deviceId: ctx.deviceId });
  return true;
}
