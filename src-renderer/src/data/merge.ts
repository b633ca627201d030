/**
 * Merging duplicates in the local database (docs/data-model.md "Merging duplicates"): the
 * documents a merge plan is made from (src-shared/students/merge.ts), and writing a plan as one
 * intent (all or nothing, finished or undone at next start). The merge dialog
 * (features/families/merge-action.ts) and the follow-up after sync (./merge-followup.ts) both
 * write through here.
 */
import { mergeIntent } from '../../../src-shared/integrity/operations';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { MergeDocs } from '../../../src-shared/students/merge';
import type { TutorDatabase } from './database';
import { runIntent } from './intents';
import { newId } from './repo';

/** The collections a merge reads and writes. */
export const MERGE_COLLECTIONS = [
  'families',
  'students',
  'lessons',
  'occurrences',
  'notes',
  'invoices',
  'payments',
  'billingclaims',
] as const;
export type MergeCollection = (typeof MERGE_COLLECTIONS)[number];

type Finder = {
  find(query?: unknown): { exec(): Promise<{ toJSON(): unknown }[]> };
  findByIds(ids: string[]): { exec(): Promise<Map<string, { toJSON(): unknown }>> };
};

function collection(db: TutorDatabase, c: MergeCollection): Finder | null {
  return ((db.collections as unknown as Record<string, Finder | undefined>)[c] ?? null) as Finder | null;
}

/**
 * Every live document a merge may touch, as plain JSON. With `only`, the collections it names are
 * read for those ids alone (the others whole): what changed since the last look.
 */
export async function loadMergeDocs(db: TutorDatabase, only?: ReadonlyMap<MergeCollection, ReadonlySet<string>>): Promise<MergeDocs> {
  const entries = await Promise.all(
    MERGE_COLLECTIONS.map(async (c) => {
      const coll = collection(db, c);
      if (!coll) return [c, []] as const;
      const ids = only?.get(c);
      const docs = ids ? [...(await coll.findByIds([...ids]).exec()).values()] : await coll.find().exec();
      return [c, docs.map((d) => d.toJSON())] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as MergeDocs;
}

/** Writes a merge plan as one intent: finished or undone at next start if the app stops half-way. */
export async function writeMergePlan(db: TutorDatabase, plan: Parameters<typeof mergeIntent>[0], ctx: ChangeContext): Promise<void> {
  await runIntent(db, mergeIntent(plan, { ctx, newId }), ctx);
}
