/**
 * Watching one of the database's local documents (device settings, the sync lists).
 *
 * RxDB's `getLocal$` runs two async steps (a promise each) for every change event of every
 * collection, whichever document changed. RxJS keeps the inner subscriptions of those steps in
 * arrays and removes each one by searching its array, so a bulk of n events costs n² work per
 * subscriber: in a first sync that writes 17,000 pulled documents at once, this was about 15% of
 * the whole pull with the app's subscribers. `localDoc$` looks at each bulk of events once,
 * synchronously, and reads the document only when a bulk of local changes includes it.
 */
import { concatMap, filter, startWith, type Observable } from 'rxjs';

interface EventBulkLike {
  isLocal: boolean;
  collectionName?: string;
  events: readonly { documentId: string }[];
}

/** The part of an RxDatabase this needs. */
export interface LocalDocSource<D> {
  eventBulks$: Observable<EventBulkLike>;
  getLocal(id: string): Promise<D | null>;
}

/** The local document `id` of the database now, then again after every change of it (in order). */
export function localDoc$<D>(db: LocalDocSource<D>, id: string): Observable<D | null> {
  return db.eventBulks$.pipe(
    // the database's own local documents (a collection's have its name on the bulk)
    filter((bulk) => bulk.isLocal && !bulk.collectionName && bulk.events.some((e) => e.documentId === id)),
    startWith(null),
    concatMap(() => db.getLocal(id)),
  );
}
