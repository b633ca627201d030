/**
 * Local (never replicated) lists kept by the sync layer, stored as RxDB local documents of the
 * database:
 * - `sync-conflicts`: conflicts the policy resolved but a person must look at (double billing,
 *   an invoice issued on two laptops, draft edits made after the invoice was issued);
 * - `sync-quarantine` (the refused-changes list): local documents the server refused
 *   (validate_doc_update, or a write it kept refusing with the same answer), with the server's
 *   reason: they stay in the local database, and after an edit (or `retryQuarantined`) they are
 *   pushed again; and records received from the server that the local schema refuses (origin
 *   'server'), which were not stored: they leave the list when a valid version arrives.
 *
 * The UI reads them with `watchSyncConflicts` / `watchQuarantine` (observables) or the list
 * functions, and offers "Dismiss" (and "Retry" for refused documents).
 */
import { map, type Observable } from 'rxjs';
import { localDoc$, type LocalDocSource } from '../local-docs';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import type { HumanConflict, QuarantineRecord, SyncConflictRecord } from '../../../../src-shared/sync/conflicts';
import { buildConflictHandlers, type TutorConflictHandlers } from '../../../../src-shared/sync/conflict-handlers';

export const CONFLICTS_LOCAL_ID = 'sync-conflicts';
export const QUARANTINE_LOCAL_ID = 'sync-quarantine';
/** At most this many records are kept per list (oldest dropped first). */
const MAX_RECORDS = 1000;

interface LocalDocLike {
  toJSON(): { data: unknown };
}
/** The part of an RxDatabase used here (local documents). */
export interface LocalDb extends LocalDocSource<LocalDocLike> {
  upsertLocal(id: string, data: Record<string, unknown>): Promise<unknown>;
}

const queues = new WeakMap<object, Promise<unknown>>();

/** Serialises read-modify-write of one database's local lists. */
function serial<T>(db: LocalDb, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(db) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  queues.set(db, next);
  return next;
}

async function readList<T>(db: LocalDb, id: string): Promise<T[]> {
  const doc = await db.getLocal(id);
  return doc ? [...((doc.toJSON().data as { items?: T[] }).items ?? [])] : [];
}

async function writeList<T>(db: LocalDb, id: string, items: T[]): Promise<void> {
  await db.upsertLocal(id, { items: items.slice(-MAX_RECORDS) });
}

function watchList<T>(db: LocalDb, id: string): Observable<T[]> {
  return localDoc$(db, id).pipe(map((doc) => (doc ? [...((doc.toJSON().data as { items?: T[] }).items ?? [])] : [])));
}

export function recordSyncConflict(db: LocalDb, conflict: HumanConflict, now = new Date()): Promise<void> {
  return serial(db, async () => {
    const items = await readList<SyncConflictRecord>(db, CONFLICTS_LOCAL_ID);
    if (items.some((c) => c.key === conflict.key)) return;
    items.push({ ...conflict, detectedAt: now.toISOString() });
    await writeList(db, CONFLICTS_LOCAL_ID, items);
  });
}

export function listSyncConflicts(db: LocalDb): Promise<SyncConflictRecord[]> {
  return serial(db, () => readList<SyncConflictRecord>(db, CONFLICTS_LOCAL_ID));
}

export function watchSyncConflicts(db: LocalDb): Observable<SyncConflictRecord[]> {
  return watchList<SyncConflictRecord>(db, CONFLICTS_LOCAL_ID);
}

/** Removes a conflict from the list once a person has dealt with it. */
export function dismissSyncConflict(db: LocalDb, key: string): Promise<void> {
  return serial(db, async () => {
    const items = await readList<SyncConflictRecord>(db, CONFLICTS_LOCAL_ID);
    await writeList(
      db,
      CONFLICTS_LOCAL_ID,
      items.filter((c) => c.key !== key),
    );
  });
}

export function quarantineDocs(db: LocalDb, records: QuarantineRecord[]): Promise<void> {
  if (records.length === 0) return Promise.resolve();
  return serial(db, async () => {
    const items = await readList<QuarantineRecord>(db, QUARANTINE_LOCAL_ID);
    const same = (a: QuarantineRecord, b: QuarantineRecord) => a.collection === b.collection && a.docId === b.docId;
    const kept = items.filter((i) => !records.some((r) => same(i, r)));
    await writeList(db, QUARANTINE_LOCAL_ID, [...kept, ...records]);
  });
}

/** Drops quarantine entries of documents the server has now accepted (or, with `origin: 'server'`, that arrived valid). */
export function releaseQuarantined(db: LocalDb, collection: CollectionName, docIds: readonly string[], origin?: 'server'): Promise<void> {
  if (docIds.length === 0) return Promise.resolve();
  return serial(db, async () => {
    const items = await readList<QuarantineRecord>(db, QUARANTINE_LOCAL_ID);
    const ids = new Set(docIds);
    // A valid version from the server also settles a record set aside by an update's migration.
    const matches = (o: QuarantineRecord['origin']) => !origin || o === origin || (origin === 'server' && o === 'update');
    const kept = items.filter((i) => !(i.collection === collection && ids.has(i.docId) && matches(i.origin)));
    if (kept.length !== items.length) await writeList(db, QUARANTINE_LOCAL_ID, kept);
  });
}

export function listQuarantine(db: LocalDb): Promise<QuarantineRecord[]> {
  return serial(db, () => readList<QuarantineRecord>(db, QUARANTINE_LOCAL_ID));
}

export function watchQuarantine(db: LocalDb): Observable<QuarantineRecord[]> {
  return watchList<QuarantineRecord>(db, QUARANTINE_LOCAL_ID);
}

/** Removes a refused document from the list (the local copy stays as it is). */
export function dismissQuarantined(db: LocalDb, collection: CollectionName, docId: string): Promise<void> {
  return releaseQuarantined(db, collection, [docId]);
}

/**
 * The conflict handlers of every collection, recording conflicts that need a person in the
 * database's `sync-conflicts` list. `getDb` is called lazily (the handlers are created before the
 * collections exist).
 */
export function conflictHandlersRecordingTo(getDb: () => LocalDb | null): TutorConflictHandlers {
  return buildConflictHandlers((conflict) => {
    const db = getDb();
    if (!db) return;
    recordSyncConflict(db, conflict).catch((e: unknown) => {
      console.error('Could not record a sync conflict', e);
    });
  });
}
