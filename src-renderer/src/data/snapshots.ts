/**
 * Start-up snapshots of whole collections (docs/architecture.md "The start-up path").
 *
 * Reading 10,000 students through RxDB's Dexie storage walks an IndexedDB cursor, one request per
 * document (about a second here). A snapshot is the same documents saved as ONE IndexedDB record,
 * read with one request. It is never trusted as it is: before a screen sees it, every change the
 * collection has had since the snapshot was written is read from the `[_meta.lwt+id]` index
 * (local edits, replicated ones, restores and deletions alike all move a document's `_meta.lwt`)
 * and applied. So what a snapshot gives is the collection as its change records say it is now,
 * or nothing; the live query then takes over behind it. (A document purged without a change
 * record, which nothing in the app does, is caught by the mirror's check against the storage a
 * few seconds after start-up: data/collection-mirror.ts.)
 *
 * The snapshots live in their own IndexedDB database, `rxdb-dexie-<name>--snapshots`, so that
 * removing a practice's databases (`deleteDexieDatabases`) removes them too.
 */
import { getChangedDocumentsSince, type RxCollection, type RxStorageDefaultCheckpoint } from 'rxdb';

/** Bumped when the stored shape changes: an older snapshot is then ignored. */
const FORMAT = 2;
/** Changes read per request while catching a snapshot up. */
const CHANGES_PAGE = 2_000;
/** A snapshot this far behind is dropped: reading the collection is about as quick. */
export const MAX_CATCH_UP = 5_000;
/**
 * Before a snapshot is saved, the changes of this last stretch before its newest document are
 * read again from the storage (applying a change twice gives the same documents), so a write
 * still under way when the live result was made is never skipped.
 */
const CHECKPOINT_MARGIN_MS = 1_000;

export type Meta = { _meta: { lwt: number }; _deleted?: boolean; _rev?: string; _attachments?: unknown };
export type Stored<T> = T & Meta;

/** What is saved for one collection. */
interface SavedSnapshot {
  format: number;
  schemaVersion: number;
  checkpoint: RxStorageDefaultCheckpoint;
  /**
   * The documents as `toJSON()` gives them, in primary-key order, without their per-field clocks
   * (`fieldClock`), which are in `clocks`.
   */
  docs: Record<string, unknown>[];
  clocks: PackedClocks;
  /** Each document's `_meta.lwt` (same order): a live result with the same ids and times is the same. */
  lwts: number[];
  /** For a part of a collection (`readPartSnapshot`): what the part is, e.g. a start date. */
  scope?: unknown;
}

/** A snapshot caught up with the collection: its documents, in primary-key order. */
export interface CollectionSnapshot<T> {
  docs: T[];
  lwts: number[];
  /** How many changes since the snapshot was written had to be applied. */
  caughtUp: number;
}

/** The few IndexedDB calls a snapshot store needs (one object store, keys are collection names). */
export interface SnapshotStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  close(): void;
}

export function snapshotDatabaseName(databaseName: string): string {
  return `rxdb-dexie-${databaseName}--snapshots`;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** The snapshot store of one practice database, over IndexedDB (`idb`: the browser's, or a test's). */
export async function openSnapshotStore(databaseName: string, idb: IDBFactory): Promise<SnapshotStore> {
  const open = idb.open(snapshotDatabaseName(databaseName), 1);
  open.onupgradeneeded = () => open.result.createObjectStore('snapshots');
  const db = await request(open);
  const run = <T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> =>
    request(fn(db.transaction('snapshots', mode).objectStore('snapshots')));
  return {
    get: (key) => run('readonly', (s) => s.get(key)),
    put: async (key, value) => void (await run('readwrite', (s) => s.put(value, key))),
    delete: async (key) => void (await run('readwrite', (s) => s.delete(key))),
    close: () => db.close(),
  };
}

/**
 * The documents' per-field clocks, packed. A clock names every field of its document with the
 * stamp of its last change: about two thirds of a student as the app stores it (878 of 1,331
 * characters in the sample practice), and each stamp is shared by many fields and often by many
 * documents. Saved as they are, they made reading the students' snapshot about twice as slow.
 * Packed, each distinct list of field names and each distinct stamp is stored once, and each
 * document's clock is a run of numbers in one typed array: its list (1-based; 0: the document
 * keeps its `fieldClock` as it is, or has none), then the stamp of each field in that list.
 */
interface PackedClocks {
  keySets: string[][];
  stamps: string[];
  data: Uint32Array;
}

function isPackable(clock: unknown): clock is Record<string, string> {
  if (!clock || typeof clock !== 'object' || Array.isArray(clock)) return false;
  for (const v of Object.values(clock)) if (typeof v !== 'string') return false;
  return true;
}

/** The documents without their clocks, and the clocks packed (`unpackClocks` reverses it exactly). */
export function packClocks(docs: readonly Record<string, unknown>[]): { docs: Record<string, unknown>[]; clocks: PackedClocks } {
  const keySets: string[][] = [];
  const keySetIndex = new Map<string, number>();
  const stamps: string[] = [];
  const stampIndex = new Map<string, number>();
  const data: number[] = [];
  const stripped = docs.map((doc) => {
    const { fieldClock, ...rest } = doc;
    if (!isPackable(fieldClock)) {
      data.push(0);
      return doc;
    }
    const keys = Object.keys(fieldClock);
    const signature = keys.join('\u0000');
    let set = keySetIndex.get(signature);
    if (set === undefined) {
      set = keySets.push(keys);
      keySetIndex.set(signature, set);
    }
    data.push(set);
    for (const key of keys) {
      const stamp = fieldClock[key]!;
      let i = stampIndex.get(stamp);
      if (i === undefined) {
        i = stamps.push(stamp) - 1;
        stampIndex.set(stamp, i);
      }
      data.push(i);
    }
    return rest;
  });
  return { docs: stripped, clocks: { keySets, stamps, data: Uint32Array.from(data) } };
}

/** Gives each saved document its clock back (in place: the documents were just read from the store). */
export function unpackClocks(docs: Record<string, unknown>[], clocks: PackedClocks): void {
  const { keySets, stamps, data } = clocks;
  let p = 0;
  for (const doc of docs) {
    const set = data[p++]!;
    if (set === 0) continue;
    const keys = keySets[set - 1]!;
    const clock: Record<string, string> = {};
    for (const key of keys) clock[key] = stamps[data[p++]!]!;
    doc.fieldClock = clock;
  }
}

function plain(doc: Stored<Record<string, unknown>>): Record<string, unknown> {
  const { _meta: _m, _rev: _r, _attachments: _a, _deleted: _d, ...rest } = doc;
  return rest;
}

function isSaved(value: unknown, schemaVersion: number): value is SavedSnapshot {
  const v = value as Partial<SavedSnapshot> | undefined;
  return (
    !!v &&
    v.format === FORMAT &&
    v.schemaVersion === schemaVersion &&
    Array.isArray(v.docs) &&
    Array.isArray(v.lwts) &&
    v.docs.length === v.lwts.length &&
    !!v.checkpoint &&
    !!v.clocks &&
    v.clocks.data instanceof Uint32Array
  );
}

/** A saved snapshot, if usable, with its documents' clocks put back. */
function savedOf(value: unknown, schemaVersion: number): SavedSnapshot | null {
  if (!isSaved(value, schemaVersion)) return null;
  unpackClocks(value.docs, value.clocks);
  return value;
}

type ById = Map<string, { doc: Record<string, unknown>; lwt: number }>;

/**
 * Calls `onDoc` with every document of `collection` written after `from` (as it is now, with
 * RxDB's fields; `deleted` when it was deleted), oldest change first, read page by page from the
 * `[_meta.lwt+id]` index. Returns how many there were and the checkpoint of the last one (`from`
 * when none), or null (having stopped early) past `limit` changes: then whatever was saved is too
 * far behind to be worth catching up.
 */
export async function forEachChangeSince(
  collection: RxCollection,
  from: RxStorageDefaultCheckpoint,
  onDoc: (doc: Stored<Record<string, unknown>>, deleted: boolean) => void,
  limit = MAX_CATCH_UP,
): Promise<{ changes: number; checkpoint: RxStorageDefaultCheckpoint } | null> {
  let checkpoint = from;
  let changes = 0;
  for (;;) {
    const page: { documents: unknown[]; checkpoint: RxStorageDefaultCheckpoint } = await getChangedDocumentsSince(
      collection.storageInstance,
      CHANGES_PAGE,
      checkpoint,
    );
    changes += page.documents.length;
    if (changes > limit) return null;
    for (const raw of page.documents as Stored<Record<string, unknown>>[]) onDoc(raw, raw._deleted === true);
    if (page.documents.length > 0) checkpoint = page.checkpoint;
    if (page.documents.length < CHANGES_PAGE) return { changes, checkpoint };
  }
}

/** A checkpoint CHECKPOINT_MARGIN_MS before a change at `lwt`: catching up re-reads that stretch. */
export function checkpointBefore(lwt: number): RxStorageDefaultCheckpoint {
  return { id: '', lwt: Math.max(0, lwt - CHECKPOINT_MARGIN_MS) };
}

/**
 * The checkpoint of something saved that holds every change of a collection up to `newest`, the
 * last of them in `getChangedDocumentsSince`'s order (`_meta.lwt`, then id). Once that change is
 * older than CHECKPOINT_MARGIN_MS at `now`, no earlier write can still be on its way (RxDB gives a
 * write its `_meta.lwt` inside its transaction), so catching up starts right after it: a bulk
 * write (an import, a first sync: thousands of documents with one `_meta.lwt`) is then not read
 * again at every start. Until then, `checkpointBefore`.
 */
export function settledCheckpoint(newest: RxStorageDefaultCheckpoint, now = Date.now()): RxStorageDefaultCheckpoint {
  return now - newest.lwt > CHECKPOINT_MARGIN_MS ? { id: newest.id, lwt: newest.lwt } : checkpointBefore(newest.lwt);
}

/**
 * Applies to `byId` every change after `from`; returns how many there were and the checkpoint of
 * the last one, or null past `limit` changes.
 */
function catchUp(
  collection: RxCollection,
  byId: ById,
  from: RxStorageDefaultCheckpoint,
  limit: number,
  keep: (doc: Record<string, unknown>) => boolean = () => true,
): Promise<{ changes: number; checkpoint: RxStorageDefaultCheckpoint } | null> {
  const primary = collection.schema.primaryPath as string;
  return forEachChangeSince(
    collection,
    from,
    (raw, deleted) => {
      const id = String(raw[primary]);
      if (deleted || !keep(raw)) byId.delete(id);
      else byId.set(id, { doc: plain(raw), lwt: raw._meta.lwt });
    },
    limit,
  );
}

function sortedById(byId: ById): { docs: Record<string, unknown>[]; lwts: number[] } {
  const ids = [...byId.keys()].sort(compareIds);
  return { docs: ids.map((id) => byId.get(id)!.doc), lwts: ids.map((id) => byId.get(id)!.lwt) };
}

/**
 * The collection as it is now, from its snapshot and the changes since; null when there is no
 * usable snapshot (none yet, another schema version or format, or too far behind).
 *
 * The collection is not counted here: IndexedDB's `count` walks every key, and the page's
 * requests are served in turn, so counting 10,000 students delayed their snapshot and the
 * families' after it by about 90 ms each start (docs/speed.md). A count could only reveal a
 * purge, which leaves no change record; the mirror's check against the storage catches that.
 */
export async function readSnapshot<T>(store: SnapshotStore, collection: RxCollection): Promise<CollectionSnapshot<T> | null> {
  const value = await store.get(collection.name);
  const saved = savedOf(value, collection.schema.version);
  if (!saved) return null;
  const primary = collection.schema.primaryPath as string;
  const byId: ById = new Map();
  saved.docs.forEach((doc, i) => byId.set(String(doc[primary]), { doc, lwt: saved.lwts[i]! }));
  const caught = await catchUp(collection, byId, saved.checkpoint, MAX_CATCH_UP);
  if (!caught) return null;
  if (caught.changes === 0) return { docs: saved.docs as T[], lwts: saved.lwts, caughtUp: 0 };
  const sorted = sortedById(byId);
  return { docs: sorted.docs as T[], lwts: sorted.lwts, caughtUp: caught.changes };
}

/** RxDB's default sort: by primary key, as strings compare in JavaScript. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A live query's result over a whole collection, as RxDB gives it. */
export interface LiveDoc {
  toJSON(): unknown;
  _data: { _meta: { lwt: number } };
}

/** RxDB's documents as plain objects, with the `_meta.lwt` of each (what `scheduleWrite` takes). */
export function plainResults<T>(results: readonly LiveDoc[]): { docs: T[]; lwts: number[] } {
  return { docs: results.map((d) => d.toJSON() as T), lwts: results.map((d) => d._data._meta.lwt) };
}

/**
 * Saves a whole collection's documents (every one not deleted, in primary-key order, as
 * `toJSON()` gives them, with their `_meta.lwt`) as the collection's snapshot. A write that was
 * still under way when the live result was made may be missing from it, so the changes of the
 * last CHECKPOINT_MARGIN_MS before its newest document (and any since) are read from the storage
 * and applied first; the checkpoint is then the storage's own, after the last of them.
 */
export async function writeSnapshot(
  store: SnapshotStore,
  collection: RxCollection,
  docs: readonly unknown[],
  lwts: readonly number[],
  part?: { key: string; scope: unknown; keep: (doc: Record<string, unknown>) => boolean },
): Promise<void> {
  const primary = collection.schema.primaryPath as string;
  let newest = 0;
  for (const t of lwts) if (t > newest) newest = t;
  const byId: ById = new Map();
  docs.forEach((doc, i) => {
    const d = doc as Record<string, unknown>;
    byId.set(String(d[primary]), { doc: d, lwt: lwts[i]! });
  });
  const caught = await catchUp(collection, byId, checkpointBefore(newest), Number.POSITIVE_INFINITY, part?.keep);
  const sorted = caught!.changes === 0 ? { docs: docs as Record<string, unknown>[], lwts: [...lwts] } : sortedById(byId);
  const value: SavedSnapshot = {
    format: FORMAT,
    schemaVersion: collection.schema.version,
    checkpoint: caught!.checkpoint,
    ...packClocks(sorted.docs),
    lwts: sorted.lwts,
    ...(part ? { scope: part.scope } : {}),
  };
  await store.put(part?.key ?? collection.name, value);
}

/** A part of a collection: the documents `keep` accepts, saved under `key` with its `scope`. */
export interface PartSnapshot<T, S> extends CollectionSnapshot<T> {
  scope: S;
}

/**
 * Like `readSnapshot`, for the part of a collection that `keep` accepts (e.g. the occurrences
 * from a date on), saved by `writeSnapshot(…, part)`. `usable` decides from the saved scope
 * whether the part can serve (and gives the `keep` for that scope). Without a purge (the app
 * never purges) the caught-up part is exact.
 * `maxCatchUp` says, from the number of documents saved, how many changes since are still worth
 * catching up (MAX_CATCH_UP when not given): a large part that is costly to read otherwise may
 * allow more.
 */
export async function readPartSnapshot<T, S>(
  store: SnapshotStore,
  collection: RxCollection,
  key: string,
  usable: (scope: S) => ((doc: Record<string, unknown>) => boolean) | null,
  maxCatchUp: (saved: number) => number = () => MAX_CATCH_UP,
): Promise<PartSnapshot<T, S> | null> {
  const saved = savedOf(await store.get(key), collection.schema.version);
  if (!saved || saved.scope === undefined) return null;
  const keep = usable(saved.scope as S);
  if (!keep) return null;
  const primary = collection.schema.primaryPath as string;
  const byId: ById = new Map();
  saved.docs.forEach((doc, i) => byId.set(String(doc[primary]), { doc, lwt: saved.lwts[i]! }));
  const caught = await catchUp(collection, byId, saved.checkpoint, maxCatchUp(saved.docs.length), keep);
  if (!caught) return null;
  const scope = saved.scope as S;
  if (caught.changes === 0) return { docs: saved.docs as T[], lwts: saved.lwts, caughtUp: 0, scope };
  const sorted = sortedById(byId);
  return { docs: sorted.docs as T[], lwts: sorted.lwts, caughtUp: caught.changes, scope };
}

/**
 * Every document of a whole collection now, as plain objects: from its snapshot when the
 * database has one that can be caught up, else read from the storage (and a snapshot is saved
 * from that for the next start).
 */
export async function loadCollection<T>(db: object, collection: RxCollection): Promise<{ docs: T[]; source: 'snapshot' | 'storage' }> {
  const store = SNAPSHOT_COLLECTIONS.has(collection.name) ? stores.get(db) : undefined;
  const snapshot = store ? await sharedRead<T>(store, collection).catch(() => null) : null;
  if (snapshot) {
    if (snapshot.caughtUp > 0) scheduleWrite(store!, collection, snapshot.docs, snapshot.lwts);
    return { docs: snapshot.docs, source: 'snapshot' };
  }
  const { docs, lwts } = plainResults<T>((await collection.find().exec()) as LiveDoc[]);
  if (store) scheduleWrite(store, collection, docs, lwts);
  return { docs, source: 'storage' };
}

/** The snapshot store of a database, if it has one. */
export function snapshotStoreOf(db: object): SnapshotStore | undefined {
  return stores.get(db);
}

const stores = new WeakMap<object, SnapshotStore>();

/** Gives a database its snapshot store: its whole-collection live queries start from snapshots. */
export function attachSnapshots(db: object, store: SnapshotStore): void {
  stores.set(db, store);
}

/** The collections whose whole-collection live queries start from a snapshot: the large screens'. */
export const SNAPSHOT_COLLECTIONS: ReadonlySet<string> = new Set(['students', 'families', 'lessons', 'closures']);

/** The first snapshot after start-up is written this long after the live result; later ones at most this often. */
export const FIRST_WRITE_MS = 2_000;
export const WRITE_EVERY_MS = 60_000;

interface Pending {
  timer: ReturnType<typeof setTimeout> | null;
  write: (() => Promise<void>) | null;
  lastWrite: number;
  save: (() => Promise<void>) | null;
}
const writers = new WeakMap<SnapshotStore, Map<string, Pending>>();

/**
 * Saves something under `key` in `store` by calling `save` (the latest one given wins), not at
 * once: FIRST_WRITE_MS after the first call, then at most every WRITE_EVERY_MS. For anything
 * kept up to date while the app runs and saved for the next start (snapshots, the search index).
 */
export function scheduleSave(store: SnapshotStore, key: string, save: () => Promise<void>, everyMs = WRITE_EVERY_MS): void {
  let byKey = writers.get(store);
  if (!byKey) writers.set(store, (byKey = new Map()));
  let p = byKey.get(key);
  if (!p) byKey.set(key, (p = { timer: null, write: null, lastWrite: 0, save: null }));
  const pending = p;
  pending.save = save;
  if (pending.timer) return;
  const wait = pending.lastWrite === 0 ? FIRST_WRITE_MS : Math.max(FIRST_WRITE_MS, pending.lastWrite + everyMs - Date.now());
  pending.write = async () => {
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    pending.write = null;
    const latest = pending.save;
    pending.save = null;
    if (!latest) return;
    pending.lastWrite = Date.now();
    // A save never fails the page: the next start reads the database instead (e.g. a save that
    // ran while the practice was being replaced and its database closed).
    await latest().catch((e: unknown) => console.warn(`Saving ${key} for the next start failed`, e));
  };
  pending.timer = setTimeout(() => void pending.write?.(), wait);
}

type Part = NonNullable<Parameters<typeof writeSnapshot>[4]>;

/** Saves a snapshot soon (throttled per key; only the latest documents given are written). */
export function scheduleWrite(
  store: SnapshotStore,
  collection: RxCollection,
  docs: readonly unknown[],
  lwts: readonly number[],
  part?: Part,
): void {
  const key = part?.key ?? collection.name;
  scheduleSave(store, key, async () => {
    if (collection.closed) return;
    await writeSnapshot(store, collection, docs, lwts, part).catch((e: unknown) =>
      console.warn(`Saving the start-up snapshot ${key} failed`, e),
    );
  });
}

/** Writes everything (snapshots, the search index) that is waiting for its timer now (tests; and before the window closes). */
export async function flushSnapshotWrites(store: SnapshotStore): Promise<void> {
  await Promise.all([...(writers.get(store)?.values() ?? [])].map((p) => p.write?.()));
}

const reading = new WeakMap<SnapshotStore, Map<string, Promise<CollectionSnapshot<unknown> | null>>>();

/** One read per collection at a time: screens that mount together share it. */
export function sharedRead<T>(store: SnapshotStore, collection: RxCollection): Promise<CollectionSnapshot<T> | null> {
  let byName = reading.get(store);
  if (!byName) reading.set(store, (byName = new Map()));
  let read = byName.get(collection.name);
  if (!read) {
    const map = byName;
    read = readSnapshot<unknown>(store, collection).finally(() => map.delete(collection.name));
    byName.set(collection.name, read);
  }
  return read as Promise<CollectionSnapshot<T> | null>;
}
