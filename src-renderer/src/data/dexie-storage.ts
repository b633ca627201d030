/**
 * The app's RxDB storage: RxDB's Dexie (IndexedDB) storage with two shortcuts that give the same
 * answers with far fewer IndexedDB requests (in Chromium every request is a round trip to the
 * browser process, about 80 µs on the test machines):
 *
 * - `getChangedDocumentsSince` (the optional method of RxDB's storage interface): one ranged read
 *   of the `[_meta.lwt+id]` index instead of RxDB's generic query, which walks a cursor one
 *   document per request. The replication reads every local change through it (1,000 per push
 *   batch), and so does counting a first connection's pending changes.
 * - a Dexie middleware for large id lookups, below.
 *
 * Why: RxDB reads documents by id in batches, and Dexie asks IndexedDB one `get` per id. In
 * Chromium every request is a round trip to the browser process (about 80 µs on the test
 * machines), also for an id that is not stored. A pull from the sync server looks up every pulled
 * document four times (the document and its replication metadata, before and again inside each
 * write), and during a first sync none of them exist yet: for 10,000 documents that was 40,000
 * requests, about 40% of the pull's time.
 *
 * How (`sparseGetMany`), for a lookup of at least MIN_KEYS string ids, inside the caller's
 * transaction (so it sees the same snapshot the per-id reads would):
 * 1. count the stored keys between the smallest and the largest id (one request, no values read);
 * 2. none: every id is missing, done;
 * 3. at most KEYS_PER_ID per id asked: read those keys (one `getAllKeys`) and `get` only the ids
 *    that exist;
 * 4. more (a sparse batch in a big table): the ordinary per-id lookup.
 * The answer is the same array the ordinary lookup gives (tests/unit/data/dexie-storage.test.ts).
 *
 * Fewer indexes (`leanIndexesAddon`): every index is one more IndexedDB entry written per document
 * (about 35 µs each in Chromium here, against ~125 µs for the record itself), and a first sync
 * writes every pulled document twice (the document and its replication bookkeeping). RxDB's Dexie
 * storage gives every table a `_meta.lwt` index that only its `cleanup()` reads (the app does not
 * use RxDB's cleanup plugin; `cleanup` is answered without it here), and gives the replication's
 * bookkeeping tables the default query indexes although the replication reads them by id only. So:
 * no `_meta.lwt` index anywhere, and bookkeeping tables keep only their primary key.
 */
import { Dexie, type DBCoreKeyRange, type DBCoreTable, type DexieOptions, type Middleware, type DBCore } from 'dexie';
import type { DexieSettings, DexieStorageInternals, RxDocumentData, RxStorage, RxStorageDefaultCheckpoint, RxStorageInstance } from 'rxdb';
import { fromDexieToStorage, getRxStorageDexie, type RxStorageInstanceDexie } from 'rxdb/plugins/storage-dexie';

/** Smaller lookups go straight to IndexedDB: the count would not pay for itself. */
export const MIN_KEYS = 32;
/** getAllKeys costs ~6 µs per key returned against ~80 µs per `get`: worth it up to ~10 keys per id. */
export const KEYS_PER_ID = 10;

/** The largest count IndexedDB's getAll accepts (unsigned long). */
const MAX_GET_ALL_COUNT = 2 ** 32 - 1;

/** Dexie's DBCoreRangeType.Range (a const enum, not importable under isolatedModules). */
const RANGE = 2 as DBCoreKeyRange['type'];

/** The answer to `req` (same order, `undefined` for the others) reading only the `wanted` ids (unique). */
async function getOnly(table: DBCoreTable, req: Parameters<DBCoreTable['getMany']>[0], wanted: unknown[]): Promise<unknown[]> {
  const values = wanted.length > 0 ? await table.getMany({ ...req, keys: wanted }) : [];
  const byKey = new Map<unknown, unknown>();
  wanted.forEach((k, i) => byKey.set(k, values[i]));
  return req.keys.map((k) => byKey.get(k));
}

export function sparseGetMany(table: DBCoreTable): DBCoreTable['getMany'] {
  return async (req) => {
    const keys = req.keys;
    if (keys.length < MIN_KEYS || table.schema.primaryKey.outbound) return table.getMany(req);
    let lower = '';
    let upper = '';
    const unique = new Set<string>();
    for (const k of keys) {
      if (typeof k !== 'string') return table.getMany(req);
      if (unique.size === 0 || k < lower) lower = k;
      if (unique.size === 0 || k > upper) upper = k;
      unique.add(k);
    }
    // Repeated ids must get separate copies, as from the ordinary lookup.
    if (unique.size !== keys.length) return table.getMany(req);
    const query = { index: table.schema.primaryKey, range: { type: RANGE, lower, upper, lowerOpen: false, upperOpen: false } };
    const stored = await table.count({ trans: req.trans, query });
    if (stored === 0) return keys.map(() => undefined);
    if (stored > keys.length * KEYS_PER_ID) return table.getMany(req);
    const { result } = await table.query({ trans: req.trans, values: false, query });
    const present = new Set(result as string[]);
    const wanted = keys.filter((k: string) => present.has(k));
    if (wanted.length === keys.length) return table.getMany(req);
    return getOnly(table, req, wanted);
  };
}

export const sparseReadsMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'TutorDeskSparseReads',
  // Below Dexie's own middlewares (the lowest is -1): closest to IndexedDB.
  level: -2,
  create: (down) => ({
    ...down,
    table(name) {
      const table = down.table(name);
      return { ...table, getMany: sparseGetMany(table) };
    },
  }),
};

/** The Dexie database of a replication's bookkeeping (RxDB names its collection `rx-replication-meta-<hash>`). */
export const isReplicationMetaDb = (dexieDbName: string) => dexieDbName.includes('--rx-replication-meta-');

/**
 * The `docs` table's Dexie schema without the indexes nothing reads (see above): RxDB builds it as
 * `<primary>, [_deleted+<primary>], <schema indexes>, [_meta.lwt+<primary>], _meta.lwt`.
 */
export function leanDocsSchema(dexieDbName: string, docsSchema: string): string {
  const parts = docsSchema.split(',').map((p) => p.trim());
  if (isReplicationMetaDb(dexieDbName)) return parts[0]!;
  return parts.filter((p) => p !== '_meta.lwt').join(', ');
}

/**
 * The Dexie version the lean layout is declared as. RxDB declares version 1; declaring the lean
 * schema as version 1 too would leave databases created before it with their old indexes (Dexie
 * adds missing indexes to an installed version but does not remove extra ones), so it is version 2:
 * opening an older database upgrades it once, dropping the unused indexes and keeping the data.
 */
export const LEAN_DEXIE_VERSION = 2;

/** A Dexie addon that declares RxDB's `docs` tables with `leanDocsSchema`, as LEAN_DEXIE_VERSION. */
export const leanIndexesAddon = (db: Dexie): void => {
  const version = db.version.bind(db);
  db.version = (n: number) => {
    const v = version(n === 1 ? LEAN_DEXIE_VERSION : n);
    const stores = v.stores.bind(v);
    v.stores = (schema) => stores(typeof schema.docs === 'string' ? { ...schema, docs: leanDocsSchema(db.name, schema.docs) } : schema);
    return v;
  };
};

/** Dexie's DBCoreRangeType.Any (whole table). */
const ANY = 3 as DBCoreKeyRange['type'];

/**
 * What a connection knows about the ids stored in its tables. `shared` turns it off: another
 * connection to the same IndexedDB database may write ids this one never sees.
 */
export interface KnownKeysState {
  shared: boolean;
}

/**
 * Known ids (`knownKeysMiddleware`): RxDB's replication looks up every pulled document and its
 * bookkeeping in a read-only transaction before it writes them; in a first sync none exist, and
 * proving that costs a scan of the table's keys per batch (`sparseGetMany`), ever longer as the
 * table fills. This middleware keeps, per table, a set of ids that holds every stored id: all ids
 * in the table when it first answers a large lookup (one key scan), plus every id written since
 * through this connection, added when the write is issued (a failed write leaves an extra id, which
 * only costs a real read). An id not in the set is not stored, so a large lookup reads only the ids
 * in the set. Inside read-write transactions (RxDB's checks inside its writes, which decide
 * conflicts) the set is used only when the table holds exactly as many ids as the set (one count,
 * no keys read): a superset of the same size is the stored set itself, and a write by anyone else
 * would show as a difference; otherwise the lookup reads IndexedDB as before. The set is only
 * sound while this connection is the only writer: the app has one
 * window (Electron's single-instance lock; RxDB runs with multiInstance off); should a second
 * connection to the same database announce itself (BroadcastChannel; another tab of the browser
 * build), `shared` is set and every lookup reads IndexedDB again.
 */
export function knownKeysMiddleware(state: KnownKeysState): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'TutorDeskKnownKeys',
    // Above the sparse reads (which then read the ids that may exist), below Dexie's own.
    level: -1.5,
    create: (down) => {
      const sets = new Map<string, { ids: Set<unknown>; loaded: boolean }>();
      return {
        ...down,
        table(name) {
          const table = down.table(name);
          const pk = table.schema.primaryKey;
          if (pk.outbound || !pk.extractKey) return table;
          const extractKey = pk.extractKey;
          const known = sets.get(name) ?? { ids: new Set<unknown>(), loaded: false };
          sets.set(name, known);
          return {
            ...table,
            mutate(req) {
              if (req.type === 'add' || req.type === 'put') {
                if (req.keys) for (const k of req.keys) known.ids.add(k);
                else for (const v of req.values) known.ids.add(extractKey(v));
              }
              return table.mutate(req);
            },
            async getMany(req) {
              if (state.shared || req.keys.length < MIN_KEYS) return table.getMany(req);
              const whole = { index: pk, range: { type: ANY } as DBCoreKeyRange };
              if (!known.loaded) {
                const { result } = await table.query({ trans: req.trans, values: false, query: whole });
                for (const k of result) known.ids.add(k);
                known.loaded = true;
                if (state.shared) return table.getMany(req);
              }
              // Inside a read-write transaction (RxDB's conflict checks) the set must be exactly the
              // stored ids, not a superset: it is when the table holds as many ids as the set.
              if (
                (req.trans as unknown as { mode?: string }).mode !== 'readonly' &&
                (await table.count({ trans: req.trans, query: whole })) !== known.ids.size
              )
                return table.getMany(req);
              const wanted = req.keys.filter((k) => known.ids.has(k));
              if (wanted.length === req.keys.length) return table.getMany(req);
              if (new Set(wanted).size !== wanted.length) return table.getMany(req);
              return getOnly(table, req, wanted);
            },
          };
        },
      };
    },
  };
}

/**
 * Announces this connection to others of the same database (other tabs or windows of the same
 * origin) and marks both as `shared` when one answers. Without BroadcastChannel nothing is known
 * of other connections, so the state starts shared.
 */
export function watchForPeers(db: Dexie, state: KnownKeysState): void {
  if (typeof BroadcastChannel === 'undefined') {
    state.shared = true;
    return;
  }
  const channel = new BroadcastChannel('tutordesk-idb-connections');
  channel.onmessage = (e: MessageEvent<{ name?: string; hello?: boolean }>) => {
    if (e.data?.name !== db.name) return;
    state.shared = true;
    if (e.data.hello) channel.postMessage({ name: db.name, hello: false });
  };
  channel.postMessage({ name: db.name, hello: true });
  db.on('close', () => channel.close());
}

type AnyDoc = RxDocumentData<Record<string, unknown>>;

/**
 * RxDB's storage `cleanup` (remove deleted documents last written before now - minimumDeletedTime),
 * without the `_meta.lwt` index RxDB's version reads: deleted documents by `[_deleted+<primary>]`
 * where the table has it, else (bookkeeping tables) by a scan.
 */
export async function cleanupDeleted(
  instance: Pick<RxStorageInstanceDexie<Record<string, unknown>>, 'internals' | 'primaryPath'>,
  minimumDeletedTime: number,
): Promise<boolean> {
  const state = await instance.internals;
  const primaryPath = String(instance.primaryPath);
  const index = `[_deleted+${primaryPath}]`;
  const maxDeletionTime = Date.now() - minimumDeletedTime;
  await state.dexieDb.transaction('rw', state.dexieTable, async () => {
    const table = state.dexieTable;
    const deleted = table.schema.idxByName[index]
      ? table.where(index).between(['1', Dexie.minKey], ['1', Dexie.maxKey])
      : table.filter((d: AnyDoc) => (d._deleted as unknown) === '1');
    const ids = (await deleted.filter((d: AnyDoc) => d._meta.lwt < maxDeletionTime).toArray()).map((d: AnyDoc) => d[primaryPath] as string);
    await table.bulkDelete(ids);
  });
  return true;
}

/**
 * The documents written after `checkpoint` (by `_meta.lwt`, then id), oldest first, at most
 * `limit`: what RxDB's generic `getChangedDocumentsSince` query returns, read with one `getAll`
 * on the `[_meta.lwt+<primary key>]` index RxDB's Dexie storage creates for it.
 */
export async function changedDocumentsSince(
  instance: Pick<RxStorageInstanceDexie<Record<string, unknown>>, 'internals' | 'primaryPath'>,
  limit: number,
  checkpoint?: RxStorageDefaultCheckpoint,
): Promise<{ documents: AnyDoc[]; checkpoint: RxStorageDefaultCheckpoint }> {
  const state = await instance.internals;
  const primaryPath = String(instance.primaryPath);
  const index = `[_meta.lwt+${primaryPath}]`;
  const range = checkpoint ? state.dexieTable.where(index).above([checkpoint.lwt, checkpoint.id]) : state.dexieTable.orderBy(index);
  // IndexedDB takes getAll's count as an unsigned long: a larger "limit" (callers pass
  // Number.MAX_SAFE_INTEGER for "all") means no limit, or Chromium throws.
  const rows = (await (limit >= MAX_GET_ALL_COUNT ? range : range.limit(limit)).toArray()) as unknown[];
  const documents = rows.map((d) => fromDexieToStorage(state.booleanIndexes, d) as AnyDoc);
  const last = documents.at(-1);
  return { documents, checkpoint: last ? { id: String(last[primaryPath]), lwt: last._meta.lwt } : (checkpoint ?? { id: '', lwt: 0 }) };
}

/**
 * Every id stored in an instance of this storage, deleted documents included, read as keys only
 * (one request, no values): what a first connection counts as pending. Null for an instance of
 * another storage (the caller reads the documents instead).
 */
export async function storedIds(instance: unknown): Promise<string[] | null> {
  const internals = (instance as { internals?: unknown } | null)?.internals;
  if (!internals || typeof (internals as Promise<unknown>).then !== 'function') return null;
  const state = (await internals) as { dexieTable?: { toCollection(): { primaryKeys(): Promise<unknown[]> } } } | null;
  if (!state?.dexieTable) return null;
  return (await state.dexieTable.toCollection().primaryKeys()).map(String);
}

/** Known ids for this connection's tables, off as soon as another connection to the database shows up. */
export const knownKeysAddon = (db: Dexie): void => {
  const state: KnownKeysState = { shared: false };
  watchForPeers(db, state);
  db.use(knownKeysMiddleware(state));
};

/** RxDB's Dexie storage with the shortcuts above on every instance and database it opens. */
export function tutorDexieStorage(settings: DexieOptions = {}): RxStorage<DexieStorageInternals, DexieSettings> {
  const base = getRxStorageDexie({
    ...settings,
    addons: [...(settings.addons ?? []), (db) => void db.use(sparseReadsMiddleware), knownKeysAddon, leanIndexesAddon],
  });
  return {
    name: base.name,
    rxdbVersion: base.rxdbVersion,
    async createStorageInstance<D>(params: Parameters<typeof base.createStorageInstance<D>>[0]) {
      const instance = await base.createStorageInstance<D>(params);
      (instance as RxStorageInstance<D, DexieStorageInternals, DexieSettings, RxStorageDefaultCheckpoint>).getChangedDocumentsSince = (
        limit,
        checkpoint,
      ) => changedDocumentsSince(instance as never, limit, checkpoint) as never;
      instance.cleanup = (minimumDeletedTime) => cleanupDeleted(instance as never, minimumDeletedTime);
      return instance;
    },
  };
}

/**
 * Deletes the IndexedDB databases of one RxDB database on the Dexie storage (one per collection,
 * its internals and local documents: `rxdb-dexie-<name>--<version>--<collection>`). RxDB's own
 * removal only empties their tables; a replaced practice should not stay behind as empty shells.
 * Call it only for a closed database.
 */
export async function deleteDexieDatabases(name: string, idb: IDBFactory = indexedDB): Promise<string[]> {
  const prefix = `rxdb-dexie-${name}--`;
  const names = (await idb.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith(prefix));
  await Promise.all(
    names.map(
      (n) =>
        new Promise<void>((resolve, reject) => {
          const req = idb.deleteDatabase(n);
          req.onsuccess = () => resolve();
          req.onerror = () => reject(req.error ?? new Error(`Could not delete ${n}`));
        }),
    ),
  );
  return names;
}
