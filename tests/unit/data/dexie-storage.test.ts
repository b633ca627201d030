/**
 * The sparse-reads middleware (src-renderer/src/data/dexie-storage.ts) must answer every id lookup
 * exactly like Dexie's ordinary one, and ask IndexedDB for fewer values when ids are missing.
 * Runs Dexie over fake-indexeddb; a counting middleware below it sees what reaches IndexedDB.
 */
import Dexie, { type DBCore, type Middleware } from 'dexie';
import fc from 'fast-check';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChangedDocumentsSince, getChangedDocumentsSinceQuery, prepareQuery } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import {
  MIN_KEYS,
  KEYS_PER_ID,
  sparseReadsMiddleware,
  knownKeysMiddleware,
  knownKeysAddon,
  tutorDexieStorage,
  cleanupDeleted,
  leanDocsSchema,
  storedIds,
} from '../../../src-renderer/src/data/dexie-storage';
import { makeDoc } from '../../sync/helpers/fixtures';

interface Doc {
  id: string;
  n: number;
  tags: string[];
}

/** Counts the ids that reach IndexedDB as per-id gets. */
function counter(): { middleware: Middleware<DBCore>; gets: () => number } {
  let gets = 0;
  return {
    gets: () => gets,
    middleware: {
      stack: 'dbcore',
      name: 'CountGets',
      level: -3,
      create: (down) => ({
        ...down,
        table(name) {
          const t = down.table(name);
          return {
            ...t,
            getMany(req) {
              gets += req.keys.length;
              return t.getMany(req);
            },
          };
        },
      }),
    },
  };
}

function open(name: string, middlewares: Middleware<DBCore>[]): Dexie {
  const db = new Dexie(name, { indexedDB: new IDBFactory(), IDBKeyRange });
  for (const m of middlewares) db.use(m);
  db.version(1).stores({ docs: 'id' });
  return db;
}

const hex = (i: number) => (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0');
/** Stored ids: random-looking like the app's UUIDs, in two clusters with a gap between them. */
const stored: Doc[] = Array.from({ length: 400 }, (_, i) => ({ id: `${i < 200 ? 'a' : 'c'}${hex(i)}`, n: i, tags: [`t${i % 3}`] }));

const plainCount = counter();
const sparseCount = counter();
let plain: Dexie;
let sparse: Dexie;

beforeAll(async () => {
  plain = open('plain', [plainCount.middleware]);
  sparse = open('sparse', [sparseCount.middleware, sparseReadsMiddleware]);
  await plain.table('docs').bulkPut(stored);
  await sparse.table('docs').bulkPut(stored);
});

afterAll(() => {
  plain.close();
  sparse.close();
});

const storedId = fc.constantFrom(...stored.map((d) => d.id));
const missingId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 9 }),
  fc.nat().map((i) => `b${hex(i)}`),
  fc.nat().map((i) => `a${hex(i + 1000)}`),
);

describe('sparse reads', () => {
  it('answers any id lookup exactly like the ordinary one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(storedId, missingId), { maxLength: 3 * MIN_KEYS }), async (ids) => {
        const [a, b] = await Promise.all([plain.table('docs').bulkGet(ids), sparse.table('docs').bulkGet(ids)]);
        expect(b).toEqual(a);
      }),
      { numRuns: 150 },
    );
  });

  it('answers repeated ids with separate copies', async () => {
    const ids = Array.from({ length: MIN_KEYS }, (_, i) => stored[i % 4]!.id);
    const got = await sparse.table('docs').bulkGet(ids);
    expect(got).toEqual(await plain.table('docs').bulkGet(ids));
    expect(got[0]).not.toBe(got[4]);
  });

  it('asks IndexedDB for no value when every id of the batch falls in an empty key range', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `b${hex(i)}`);
    const before = sparseCount.gets();
    expect(await sparse.table('docs').bulkGet(ids)).toEqual(ids.map(() => undefined));
    expect(sparseCount.gets() - before).toBe(0);
  });

  it('gets only the stored ids of a dense batch', async () => {
    const present = stored.slice(0, 40).map((d) => d.id);
    const ids = [...present, ...Array.from({ length: 60 }, (_, i) => `a${hex(i + 5000)}`)];
    const before = sparseCount.gets();
    const got = await sparse.table('docs').bulkGet(ids);
    expect(got.filter(Boolean)).toHaveLength(40);
    expect(sparseCount.gets() - before).toBe(40);
  });

  it('falls back to per-id gets for a sparse batch in a big key range, and for small batches', async () => {
    // From the first stored id to the last: the range holds all 400 stored keys, more than
    // KEYS_PER_ID per id asked, so reading the keys would cost more than the gets.
    const sortedIds = stored.map((d) => d.id).sort();
    const wide = [sortedIds[0]!, sortedIds.at(-1)!, ...Array.from({ length: MIN_KEYS - 2 }, (_, i) => `b${hex(i)}`)];
    expect(stored.length).toBeGreaterThan(wide.length * KEYS_PER_ID);
    const before = sparseCount.gets();
    await sparse.table('docs').bulkGet(wide);
    expect(sparseCount.gets() - before).toBe(wide.length);
    const small = Array.from({ length: MIN_KEYS - 1 }, (_, i) => `b${hex(i)}`);
    const before2 = sparseCount.gets();
    await sparse.table('docs').bulkGet(small);
    expect(sparseCount.gets() - before2).toBe(small.length);
  });
});

describe('known ids', () => {
  const idOf = (i: number) => `k${hex(i)}`;
  const docOf = (i: number, v = 0): Doc => ({ id: idOf(i), n: v, tags: [] });

  it('answers read-only lookups exactly like the ordinary one through any mix of writes, deletes and reads', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), ids: fc.array(fc.nat(300), { minLength: 1, maxLength: 80 }), v: fc.nat() }),
      fc.record({ kind: fc.constant('delete' as const), ids: fc.array(fc.nat(300), { minLength: 1, maxLength: 20 }) }),
      // `alongside`: ids written by another transaction started right after the read's.
      fc.record({
        kind: fc.constant('read' as const),
        ids: fc.uniqueArray(fc.nat(300), { minLength: MIN_KEYS, maxLength: 120 }),
        rw: fc.boolean(),
        alongside: fc.uniqueArray(fc.nat(300), { maxLength: 40 }),
      }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.nat(200), async (ops, preexisting) => {
        run++;
        const factory = new IDBFactory();
        const make = (name: string, middlewares: Middleware<DBCore>[]) => {
          const db = new Dexie(name, { indexedDB: factory, IDBKeyRange });
          for (const m of middlewares) db.use(m);
          db.version(1).stores({ docs: 'id' });
          return db;
        };
        // Documents stored before the connection opens.
        const seed = make(`known-${run}`, []);
        await seed.table('docs').bulkPut(Array.from({ length: preexisting }, (_, i) => docOf(i * 3)));
        const seedPlain = make(`plain-${run}`, []);
        await seedPlain.table('docs').bulkPut(Array.from({ length: preexisting }, (_, i) => docOf(i * 3)));
        seed.close();
        seedPlain.close();
        const gets = counter();
        const known = make(`known-${run}`, [gets.middleware, sparseReadsMiddleware, knownKeysMiddleware({ shared: false })]);
        const plainDb = make(`plain-${run}`, []);
        try {
          for (const o of ops) {
            for (const db of [known, plainDb]) {
              if (o.kind === 'put') await db.table('docs').bulkPut([...new Set(o.ids)].map((i) => docOf(i, o.v)));
              if (o.kind === 'delete') await db.table('docs').bulkDelete(o.ids.map(idOf));
            }
            if (o.kind === 'read') {
              const ids = o.ids.map(idOf);
              const read = async (db: Dexie) => {
                const got = o.rw ? db.transaction('rw', 'docs', () => db.table('docs').bulkGet(ids)) : db.table('docs').bulkGet(ids);
                const [result] = await Promise.all([
                  got,
                  o.alongside.length ? db.table('docs').bulkPut(o.alongside.map((i) => docOf(i, -1))) : null,
                ]);
                return result;
              };
              const expected = await read(plainDb);
              const before = gets.gets();
              expect(await read(known)).toEqual(expected);
              // A read-only lookup fetches no more than the ids that were ever written.
              if (!o.rw && !o.alongside.length) expect(gets.gets() - before).toBeLessThanOrEqual(ids.length);
            }
          }
        } finally {
          known.close();
          plainDb.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reads no value for ids never written; inside a read-write transaction only while the table holds exactly the known ids', async () => {
    const factory = new IDBFactory();
    const gets = counter();
    const db = new Dexie('known-absent', { indexedDB: factory, IDBKeyRange });
    db.use(gets.middleware);
    db.use(knownKeysMiddleware({ shared: false }));
    db.version(1).stores({ docs: 'id' });
    try {
      await db.table('docs').bulkPut(Array.from({ length: 500 }, (_, i) => docOf(i * 2)));
      const absent = Array.from({ length: 200 }, (_, i) => idOf(i * 2 + 1));
      let before = gets.gets();
      expect(await db.table('docs').bulkGet(absent)).toEqual(absent.map(() => undefined));
      expect(gets.gets() - before).toBe(0);
      const mixed = [...absent.slice(0, 50), idOf(10), idOf(20)];
      before = gets.gets();
      expect((await db.table('docs').bulkGet(mixed)).filter(Boolean).map((d) => (d as Doc).id)).toEqual([idOf(10), idOf(20)]);
      expect(gets.gets() - before).toBe(2);
      // Read-write: the table holds exactly the 500 known ids, so the absent ones are not read.
      before = gets.gets();
      expect(await db.transaction('rw', 'docs', () => db.table('docs').bulkGet(absent))).toEqual(absent.map(() => undefined));
      expect(gets.gets() - before).toBe(0);
      // After a delete the set holds one id more than the table: a read-write lookup reads every id.
      await db.table('docs').delete(idOf(0));
      before = gets.gets();
      expect(await db.transaction('rw', 'docs', () => db.table('docs').bulkGet(absent))).toEqual(absent.map(() => undefined));
      expect(gets.gets() - before).toBe(absent.length);
      // A read-only lookup still trusts the (larger) set.
      before = gets.gets();
      await db.table('docs').bulkGet(absent);
      expect(gets.gets() - before).toBe(0);
    } finally {
      db.close();
    }
  });

  it('stops trusting its ids when a second connection to the same database shows up', async () => {
    const factory = new IDBFactory();
    const open = () => {
      const db = new Dexie('known-peers', { indexedDB: factory, IDBKeyRange, addons: [knownKeysAddon] });
      db.version(1).stores({ docs: 'id' });
      return db;
    };
    const a = open();
    const b = open();
    try {
      const ids = Array.from({ length: 100 }, (_, i) => idOf(i));
      await a.table('docs').bulkPut([docOf(1)]);
      expect((await a.table('docs').bulkGet(ids)).filter(Boolean)).toHaveLength(1);
      await b.open();
      await new Promise((r) => setTimeout(r, 50));
      // b writes ids a never saw: a must find them.
      await b.table('docs').bulkPut(ids.slice(50).map((_, i) => docOf(50 + i)));
      expect((await a.table('docs').bulkGet(ids)).filter(Boolean)).toHaveLength(51);
    } finally {
      a.close();
      b.close();
    }
  });

  it('(control) a connection that was not told of the second one misses its writes: the announcement is what keeps it right', async () => {
    const factory = new IDBFactory();
    const a = new Dexie('known-unannounced', { indexedDB: factory, IDBKeyRange });
    a.use(knownKeysMiddleware({ shared: false }));
    a.version(1).stores({ docs: 'id' });
    const b = new Dexie('known-unannounced', { indexedDB: factory, IDBKeyRange });
    b.version(1).stores({ docs: 'id' });
    try {
      const ids = Array.from({ length: 100 }, (_, i) => idOf(i));
      await a.table('docs').bulkPut([docOf(1)]);
      expect((await a.table('docs').bulkGet(ids)).filter(Boolean)).toHaveLength(1);
      await b.table('docs').bulkPut(ids.slice(50).map((_, i) => docOf(50 + i)));
      expect((await a.table('docs').bulkGet(ids)).filter(Boolean)).toHaveLength(1);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('getChangedDocumentsSince by the [_meta.lwt+id] index', () => {
  it('pages through every change exactly like RxDB’s generic query, deleted documents included', async () => {
    const ctx = { staffId: 'staff-1', deviceId: 'dev-1', now: new Date('2026-03-01T10:00:00Z') };
    const db = await createTutorDatabase({
      name: `changes${Date.now()}`,
      storage: tutorDexieStorage({ indexedDB: new IDBFactory(), IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    try {
      const students = db.collections.students;
      // Several writes, so documents have different _meta.lwt, some equal within a batch.
      for (let b = 0; b < 4; b++) {
        await students.bulkInsert(
          Array.from({ length: 40 }, (_, i) => makeDoc('students', `s${hex(b * 40 + i)}`, { firstName: `S${i}` }, ctx)),
        );
      }
      const some = await students.find({ limit: 15 }).exec();
      for (const d of some.slice(0, 10)) await d.incrementalPatch({ firstName: 'Changed' });
      for (const d of some.slice(10)) await d.remove();

      const instance = students.storageInstance;
      expect(instance.getChangedDocumentsSince).toBeTypeOf('function');
      for (const limit of [1, 7, 50, 500]) {
        let fast: Awaited<ReturnType<NonNullable<typeof instance.getChangedDocumentsSince>>> | undefined;
        let seen = 0;
        for (;;) {
          const checkpoint = fast?.checkpoint;
          fast = await instance.getChangedDocumentsSince!(limit, checkpoint);
          const generic = await instance.query(prepareQuery(instance.schema, getChangedDocumentsSinceQuery(instance, limit, checkpoint)));
          expect(fast.documents).toEqual(generic.documents);
          seen += fast.documents.length;
          if (fast.documents.length < limit) break;
        }
        expect(seen).toBe(160);
      }
      const deleted = (await instance.getChangedDocumentsSince!(500)).documents.filter((d) => d._deleted);
      expect(deleted).toHaveLength(5);
    } finally {
      await db.remove();
    }
  });

  it('gives every stored id as keys only, deleted documents included (what a first connection counts as pending)', async () => {
    const ctx = { staffId: 'staff-1', deviceId: 'dev-1', now: new Date('2026-03-01T10:00:00Z') };
    const db = await createTutorDatabase({
      name: `ids${Date.now()}`,
      storage: tutorDexieStorage({ indexedDB: new IDBFactory(), IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    try {
      await db.collections.students.bulkInsert(
        Array.from({ length: 30 }, (_, i) => makeDoc('students', `k${hex(i)}`, { firstName: `K${i}` }, ctx)),
      );
      for (const d of await db.collections.students.find({ limit: 4 }).exec()) await d.remove();
      const instance = db.collections.students.storageInstance;
      const all = (await getChangedDocumentsSince(instance, 1000)).documents.map((d) => String((d as { id: string }).id));
      expect(all).toHaveLength(30);
      expect((await storedIds(instance))!.sort()).toEqual(all.sort());
      expect(await storedIds({ internals: {} })).toBeNull();
      expect(await storedIds(null)).toBeNull();
    } finally {
      await db.remove();
    }
  });

  it('takes "no limit" (Number.MAX_SAFE_INTEGER, Infinity) without asking IndexedDB for more than an unsigned long', async () => {
    // IndexedDB's getAll takes its count as an unsigned long: Chromium (and fake-indexeddb) throw
    // "outside the 'unsigned long' value range" for Number.MAX_SAFE_INTEGER.
    const ctx = { staffId: 'staff-1', deviceId: 'dev-1', now: new Date('2026-03-01T10:00:00Z') };
    const db = await createTutorDatabase({
      name: `unlimited${Date.now()}`,
      storage: tutorDexieStorage({ indexedDB: new IDBFactory(), IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    try {
      await db.collections.students.bulkInsert(
        Array.from({ length: 12 }, (_, i) => makeDoc('students', `u${hex(i)}`, { firstName: `U${i}` }, ctx)),
      );
      const instance = db.collections.students.storageInstance;
      for (const limit of [Number.MAX_SAFE_INTEGER, Infinity, 2 ** 32]) {
        expect((await instance.getChangedDocumentsSince!(limit)).documents).toHaveLength(12);
        expect((await getChangedDocumentsSince(instance, limit)).documents).toHaveLength(12);
      }
    } finally {
      await db.remove();
    }
  });
});

describe('lean indexes', () => {
  const ctx = { staffId: 'staff-1', deviceId: 'dev-1', now: new Date('2026-03-01T10:00:00Z') };

  /** The index names of every RxDB `docs` table in this IndexedDB, by Dexie database name. */
  async function docsIndexes(factory: IDBFactory): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const { name } of await factory.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = factory.open(name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      if (db.objectStoreNames.contains('docs')) out[name!] = [...db.transaction('docs').objectStore('docs').indexNames].sort();
      db.close();
    }
    return out;
  }

  it('drops only the _meta.lwt index from collection tables, and keeps bookkeeping tables to their primary key', async () => {
    const students = 'id, [_deleted+id], [_deleted+familyId+id], [_deleted+status+id], [_meta.lwt+id], _meta.lwt';
    expect(leanDocsSchema('rxdb-dexie-tutordesk--1--students', students)).toBe(
      'id, [_deleted+id], [_deleted+familyId+id], [_deleted+status+id], [_meta.lwt+id]',
    );
    expect(leanDocsSchema('rxdb-dexie-tutordesk--1--rx-replication-meta-0959fe', 'id, [_deleted+id], [_meta.lwt+id], _meta.lwt')).toBe(
      'id',
    );
    // Applying it twice changes nothing (Dexie re-declares the schema on every open).
    expect(leanDocsSchema('x--students', leanDocsSchema('x--students', students))).toBe(leanDocsSchema('x--students', students));
  });

  it('replicates through lean bookkeeping tables: pulled states are found again when a local edit is pushed', async () => {
    const factory = new IDBFactory();
    const db = await createTutorDatabase({
      name: `lean${Date.now()}`,
      storage: tutorDexieStorage({ indexedDB: factory, IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    try {
      // A master in memory: 60 students, served in pages of 25.
      const master = Array.from({ length: 60 }, (_, i) =>
        makeDoc('students', `s${hex(i)}`, { firstName: `S${i}`, familyId: `fam-${i % 3}` }, ctx),
      );
      const pushed: { newDocumentState: Record<string, unknown>; assumedMasterState?: Record<string, unknown> }[] = [];
      const replication = replicateRxCollection({
        collection: db.collections.students,
        replicationIdentifier: 'lean-test',
        live: true,
        retryTime: 50,
        pull: {
          batchSize: 25,
          async handler(checkpoint: { i: number } | undefined, batchSize: number) {
            const from = checkpoint?.i ?? 0;
            const documents = master.slice(from, from + batchSize).map((d) => ({ ...d, _deleted: false }));
            return { documents, checkpoint: { i: from + documents.length } };
          },
        },
        push: {
          async handler(rows) {
            pushed.push(...(rows as never[]));
            return [];
          },
        },
      });
      await replication.awaitInitialReplication();
      await replication.awaitInSync();
      expect(await db.collections.students.count().exec()).toBe(60);
      expect(pushed).toHaveLength(0);

      const indexes = await docsIndexes(factory);
      const metaTables = Object.entries(indexes).filter(([n]) => n.includes('rx-replication-meta-'));
      expect(metaTables).toHaveLength(1);
      expect(metaTables[0]![1]).toEqual([]);
      const studentTable = Object.entries(indexes).find(([n]) => n.endsWith('--students'))![1];
      expect(studentTable).toEqual(['[_deleted+familyId+id]', '[_deleted+id]', '[_deleted+status+id]', '[_meta.lwt+id]']);
      // Queries by the remaining indexes still work.
      expect(await db.collections.students.count({ selector: { familyId: 'fam-1' } }).exec()).toBe(20);

      // A local edit is pushed with the pulled state as the assumed master state (read from the bookkeeping table).
      const doc = await db.collections.students.findOne(master[7]!.id).exec();
      await doc!.incrementalPatch({ firstName: 'Edited' });
      await replication.awaitInSync();
      expect(pushed).toHaveLength(1);
      expect(pushed[0]!.newDocumentState.firstName).toBe('Edited');
      expect(pushed[0]!.assumedMasterState?.firstName).toBe('S7');
      await replication.cancel();
    } finally {
      await db.remove();
    }
  });

  it('answers cleanup() without the _meta.lwt index: old deleted documents go, everything else stays', async () => {
    const db = await createTutorDatabase({
      name: `cleanup${Date.now()}`,
      storage: tutorDexieStorage({ indexedDB: new IDBFactory(), IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    try {
      const students = db.collections.students;
      await students.bulkInsert(Array.from({ length: 12 }, (_, i) => makeDoc('students', `c${hex(i)}`, { firstName: `C${i}` }, ctx)));
      const all = await students.find().exec();
      for (const d of all.slice(0, 4)) await d.remove();
      const instance = students.storageInstance;
      const stored = async () =>
        (await (instance as unknown as { internals: Promise<{ dexieTable: { count(): Promise<number> } }> }).internals).dexieTable.count();
      expect(await stored()).toBe(12);
      // Deleted a moment ago: kept while younger than the minimum age.
      await instance.cleanup(60_000);
      expect(await stored()).toBe(12);
      await new Promise((r) => setTimeout(r, 5));
      await instance.cleanup(0);
      expect(await stored()).toBe(8);
      expect((await students.find().exec()).map((d) => d.id).sort()).toEqual(
        all
          .slice(4)
          .map((d) => d.id)
          .sort(),
      );
      // A table without the [_deleted+id] index (bookkeeping) is scanned instead.
      const state = await (
        instance as unknown as { internals: Promise<{ dexieTable: { schema: { idxByName: Record<string, unknown> } } }> }
      ).internals;
      const saved = state.dexieTable.schema.idxByName['[_deleted+id]'];
      delete state.dexieTable.schema.idxByName['[_deleted+id]'];
      try {
        await students
          .find()
          .exec()
          .then((docs) => docs[0]!.remove());
        await new Promise((r) => setTimeout(r, 5));
        await cleanupDeleted({ internals: (instance as unknown as { internals: never }).internals, primaryPath: 'id' } as never, 0);
        expect(await stored()).toBe(7);
      } finally {
        state.dexieTable.schema.idxByName['[_deleted+id]'] = saved;
      }
    } finally {
      await db.remove();
    }
  });

  it('opens a database written with RxDB’s full set of indexes: the unused ones are dropped and the data kept', async () => {
    const factory = new IDBFactory();
    const name = `upgrade${Date.now()}`;
    const before = await createTutorDatabase({
      name,
      storage: getRxStorageDexie({ indexedDB: factory, IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    await before.collections.students.bulkInsert(
      Array.from({ length: 30 }, (_, i) => makeDoc('students', `u${hex(i)}`, { firstName: `U${i}`, familyId: `fam-${i % 2}` }, ctx)),
    );
    await before.close();
    expect(Object.entries(await docsIndexes(factory)).find(([n]) => n.endsWith('--students'))![1]).toContain('_meta.lwt');

    const after = await createTutorDatabase({
      name,
      storage: tutorDexieStorage({ indexedDB: factory, IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    try {
      expect(Object.entries(await docsIndexes(factory)).find(([n]) => n.endsWith('--students'))![1]).not.toContain('_meta.lwt');
      expect(await after.collections.students.count().exec()).toBe(30);
      expect(
        (await after.collections.students.find({ selector: { familyId: 'fam-0' }, sort: [{ id: 'asc' }] }).exec()).map((d) => d.firstName),
      ).toHaveLength(15);
      await after.collections.students.insert(makeDoc('students', 'new-one', { firstName: 'New' }, ctx));
      expect(await after.collections.students.count().exec()).toBe(31);
    } finally {
      await after.close();
    }
    // And opening the upgraded database again changes nothing.
    const again = await createTutorDatabase({
      name,
      storage: tutorDexieStorage({ indexedDB: factory, IDBKeyRange }),
      validate: 'precompiled',
      collections: ['students'],
    });
    try {
      expect(await again.collections.students.count().exec()).toBe(31);
      expect(Object.entries(await docsIndexes(factory)).find(([n]) => n.endsWith('--students'))![1]).toEqual([
        '[_deleted+familyId+id]',
        '[_deleted+id]',
        '[_deleted+status+id]',
        '[_meta.lwt+id]',
      ]);
    } finally {
      await again.remove();
    }
  });
});
