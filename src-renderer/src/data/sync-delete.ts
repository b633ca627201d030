/**
 * Deleting a synced document the way the conflict policy expects (docs/sync.md, "Delete versus
 * edit"): the deletion carries a clock stamp (`fieldClock._deleted`), so an edit made on another
 * laptop after the delete resurrects the document, and an older edit loses against the delete.
 * Use this instead of RxDB's `doc.remove()`, whose deletion has no stamp and always wins.
 */
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { CollectionName } from '../../../src-shared/model/schemas';
import { stampDeletion, type AnyDoc } from '../../../src-shared/sync/merge';
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
