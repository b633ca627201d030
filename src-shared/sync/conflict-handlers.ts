/**
 * RxDB 17 conflict handlers (`{ isEqual, resolve }`) for every collection, built on the pure
 * policy in policy.ts. `onHumanConflict` receives the conflicts a person must look at; the
 * renderer stores them locally (src-renderer/src/data/sync/review-lists.ts).
 *
 * Pure: only RxDB types are imported.
 */
import type { RxConflictHandler, WithDeleted } from 'rxdb';
import { COLLECTION_NAMES, type CollectionDocTypes, type CollectionName } from '../model/schemas';
import type { HumanConflict } from './conflicts';
import { docsEqual, type AnyDoc } from './merge';
import { resolveConflict } from './policy';

export type TutorConflictHandlers = { [K in CollectionName]: RxConflictHandler<CollectionDocTypes[K]> };

export function conflictHandlerFor<K extends CollectionName>(
  collection: K,
  onHumanConflict?: (conflict: HumanConflict) => void,
): RxConflictHandler<CollectionDocTypes[K]> {
  type D = WithDeleted<CollectionDocTypes[K]>;
  return {
    isEqual(a: D, b: D): boolean {
      return docsEqual(a as unknown as AnyDoc, b as unknown as AnyDoc);
    },
    async resolve(input): Promise<D> {
      const { document, human } = resolveConflict(collection, {
        realMasterState: input.realMasterState as unknown as AnyDoc,
        newDocumentState: input.newDocumentState as unknown as AnyDoc,
        ...(input.assumedMasterState ? { assumedMasterState: input.assumedMasterState as unknown as AnyDoc } : {}),
      });
      if (onHumanConflict) for (const h of human) onHumanConflict(h);
      return document as unknown as D;
    },
  };
}

export function buildConflictHandlers(onHumanConflict?: (conflict: HumanConflict) => void): TutorConflictHandlers {
  return Object.fromEntries(COLLECTION_NAMES.map((c) => [c, conflictHandlerFor(c, onHumanConflict)])) as unknown as TutorConflictHandlers;
}
