/**
 * Start-up snapshots (data/snapshots.ts) on the app's own storage (RxDB's Dexie storage with the
 * app's shortcuts) over fake-indexeddb: what a screen is first given after a restart is the
 * collection as it is now, whatever changed since the snapshot was written, or nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TutorDatabase } from '../../../src-renderer/src/data/database';
import { deleteDexieDatabases } from '../../../src-renderer/src/data/dexie-storage';
import { deleteDoc, saveDoc, watchCollection } from '../../../src-renderer/src/data';
import {
  flushSnapshotWrites,
  packClocks,
  readPartSnapshot,
  snapshotDatabaseName,
  unpackClocks,
  writeSnapshot,
} from '../../../src-renderer/src/data/snapshots';
import { studentValues } from '../../sync/helpers/fixtures';
import { openStudentsStore, studentsLaptop } from './students-laptop';

type Doc = Record<string, unknown> & { id: string };
interface Delivery {
  source: 'snapshot' | 'live';
  docs: Doc[];
}

let clock = Date.parse('2026-03-01T10:00:00Z');
const ctx = () => ({ staffId: 's1', deviceId: 'dev-a', now: new Date((clock += 1_000)) });

const laptop = (name?: string) => studentsLaptop('snap', name);

/** Watches the students; resolves with every delivery once the live query has answered too. */
async function watchStudents(db: TutorDatabase): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  const stop = watchCollection<Doc>(db, db.students as never, (docs, source) => deliveries.push({ source, docs }));
  // The live query answers after the snapshot (if any) was delivered; wait until RxDB has
  // emitted for a subscription started after ours, then a little longer for ours.
  for (let i = 0; i < 100 && deliveries.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await db.students.find().exec();
  await new Promise((r) => setTimeout(r, 50));
  stop();
  return deliveries;
}

const current = async (db: TutorDatabase) => (await db.students.find().exec()).map((d) => d.toJSON() as Doc);

describe('start-up snapshots', () => {
  it('are written from the live result and read after a restart, without a second delivery', async () => {
    const l = laptop();
    let { db } = await l.start();
    for (const [id, firstName] of [
      ['stu-b', 'Bea'],
      ['stu-a', 'Ada'],
      ['stu-c', 'Cy'],
    ])
      await saveDoc(db, 'students', id, studentValues({ firstName }), ctx());
    const first = await watchStudents(db);
    expect(first.map((d) => d.source)).toEqual(['live']);
    await l.stop();

    const restarted = await l.start();
    db = restarted.db;
    const store = restarted.store;
    // Stored without the per-field clocks inline: each distinct stamp once, beside the documents.
    const saved = (await store.get('students')) as { docs: Doc[]; clocks: { stamps: string[]; data: Uint32Array } };
    expect(saved.docs.every((d) => !('fieldClock' in d))).toBe(true);
    expect(saved.clocks.stamps).toHaveLength(3);
    expect(saved.clocks.data).toBeInstanceOf(Uint32Array);
    const again = await watchStudents(db);
    expect(again.map((d) => d.source)).toEqual(['snapshot']);
    // The clocks are back, the same as the storage's (toEqual compares them too).
    expect(again[0]!.docs.every((d) => typeof d.fieldClock === 'object' && Object.keys(d.fieldClock as object).length > 0)).toBe(true);
    expect(again[0]!.docs).toEqual(await current(db));
    expect(again[0]!.docs.map((d) => d.id)).toEqual(['stu-a', 'stu-b', 'stu-c']);
    await l.stop();
  });

  it('never show a stale document: any edits, additions and deletions since are applied', async () => {
    const ids = ['stu-1', 'stu-2', 'stu-3', 'stu-4', 'stu-5'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('save' as const), id: fc.constantFrom(...ids), name: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 4 }), fc.array(op, { minLength: 1, maxLength: 6 }), async (before, after) => {
        const apply = async (db: TutorDatabase, ops: typeof before) => {
          for (const o of ops) {
            if (o.kind === 'save') await saveDoc(db, 'students', o.id, studentValues({ firstName: o.name || 'X' }), ctx());
            else await deleteDoc(db, 'students', o.id, ctx());
          }
        };
        const l = laptop();
        let { db } = await l.start();
        await apply(db, before);
        await watchStudents(db); // the snapshot is written from this result
        await apply(db, after); // ...and these changes come after it
        await l.stop();

        ({ db } = await l.start());
        const seen = await watchStudents(db);
        const now = await current(db);
        // Whatever was delivered first (a caught-up snapshot) is exactly what the database holds.
        expect(seen[0]!.docs).toEqual(now);
        expect(seen.at(-1)!.docs).toEqual(now);
        await l.stop();
      }),
      { numRuns: 15 },
    );
  });

  it('show a document purged without a change record only until checked against the storage', async () => {
    const l = laptop();
    let { db } = await l.start();
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
    await saveDoc(db, 'students', 'stu-2', studentValues({ firstName: 'Bea' }), ctx());
    await watchStudents(db);
    await l.stop();
    // Purge stu-2 behind RxDB's back (as a storage clean-up would): no change record is left.
    const dexie = await openStudentsStore(l);
    await new Promise<void>((resolve, reject) => {
      const tx = dexie.transaction('docs', 'readwrite');
      tx.objectStore('docs').delete('stu-2');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    dexie.close();

    ({ db } = await l.start());
    const seen = await watchStudents(db);
    // The catch-up cannot see a purge (the app never purges): the snapshot still holds stu-2,
    // and the check against the storage (here at once; in the app some seconds after start-up)
    // takes it out.
    expect(seen.map((d) => d.source)).toEqual(['snapshot', 'live']);
    expect(seen[0]!.docs.map((d) => d.id)).toEqual(['stu-1', 'stu-2']);
    expect(seen.at(-1)!.docs.map((d) => d.id)).toEqual(['stu-1']);
    await l.stop();
  });

  it('are ignored when written for another schema version', async () => {
    const l = laptop();
    const first = await l.start();
    let db = first.db;
    const store = first.store;
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
    await watchStudents(db);
    await flushSnapshotWrites(store);
    const saved = (await store.get('students')) as { schemaVersion: number };
    await store.put('students', { ...saved, schemaVersion: saved.schemaVersion - 1 });
    await l.stop();

    ({ db } = await l.start());
    expect((await watchStudents(db)).map((d) => d.source)).toEqual(['live']);
    await l.stop();
  });

  it('are removed with the practice database', async () => {
    const l = laptop();
    const { db } = await l.start();
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
    await watchStudents(db);
    await l.stop();
    const names = async () => (await l.idb.databases()).map((d) => d.name);
    expect(await names()).toContain(snapshotDatabaseName(l.name));
    await deleteDexieDatabases(l.name, l.idb);
    expect(await names()).toEqual([]);
  });

  it('catch a part up only as far as the reader allows for its size', async () => {
    const l = laptop();
    let { db, store } = await l.start();
    for (const [id, firstName] of [
      ['stu-1', 'Ada'],
      ['stu-2', 'Bea'],
      ['stu-3', 'Cy'],
    ] as const)
      await saveDoc(db, 'students', id, studentValues({ firstName }), ctx());
    const keep = (d: Record<string, unknown>) => d.firstName !== 'Zed';
    const found = await db.students.find().exec();
    const docs = found.map((d) => d.toJSON());
    const lwts = found.map((d) => (d as unknown as { _data: { _meta: { lwt: number } } })._data._meta.lwt);
    await writeSnapshot(store, db.students as never, docs, lwts, { key: 'students:part', scope: { all: true }, keep });
    await l.stop();
    ({ db, store } = await l.start());
    await new Promise((r) => setTimeout(r, 1_100)); // past the checkpoint's margin
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada B' }), ctx());
    await saveDoc(db, 'students', 'stu-4', studentValues({ firstName: 'Dee' }), ctx());
    await deleteDoc(db, 'students', 'stu-2', ctx());
    const read = (limit: number) =>
      readPartSnapshot<Doc, { all: boolean }>(
        store,
        db.students as never,
        'students:part',
        () => keep,
        (saved) => {
          expect(saved).toBe(3);
          return limit;
        },
      );
    expect(await read(2)).toBeNull(); // three changes: too far behind for this reader
    const part = await read(3);
    expect(part?.caughtUp).toBe(3);
    expect(part?.docs.map((d) => [d.id, d.firstName])).toEqual([
      ['stu-1', 'Ada B'],
      ['stu-3', 'Cy'],
      ['stu-4', 'Dee'],
    ]);
    await l.stop();
  });
});

describe('packed clocks', () => {
  const key = fc.constantFrom('firstName', 'lastName', 'email', 'status', 'notes');
  const stamp = fc.constantFrom('2026-03-01T10:00:00.000Z-0000-dev-a', '2026-03-01T10:00:01.000Z-0001-dev-b', '');
  const clock = fc.oneof(
    fc.dictionary(key, stamp),
    // Not a clock the app writes: kept as it is.
    fc.dictionary(key, fc.oneof(stamp, fc.integer())),
    fc.constant(undefined),
    fc.constant(null),
  );
  const doc = fc.record({ id: fc.string(), firstName: fc.string(), fieldClock: clock }, { requiredKeys: ['id'] });

  it('give every document back exactly as it was, clock and key order included, through a structured clone', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 30 }), (docs) => {
        const packed = structuredClone(packClocks(docs as Record<string, unknown>[]));
        unpackClocks(packed.docs, packed.clocks);
        expect(packed.docs).toEqual(docs);
        packed.docs.forEach((d, i) => {
          const original = (docs[i] as { fieldClock?: unknown }).fieldClock;
          expect('fieldClock' in d).toBe('fieldClock' in docs[i]!);
          if (original && typeof original === 'object') expect(Object.keys(d.fieldClock as object)).toEqual(Object.keys(original));
        });
      }),
    );
  });

  it('store each distinct stamp and list of fields once', () => {
    const same = { firstName: 'S1', lastName: 'S1', email: 'S2' };
    const docs = Array.from({ length: 100 }, (_, i) => ({ id: `d${i}`, fieldClock: i % 2 ? same : { ...same, notes: 'S3' } }));
    const { docs: stripped, clocks } = packClocks(docs);
    expect(stripped.every((d) => !('fieldClock' in d))).toBe(true);
    expect(clocks.stamps).toEqual(['S1', 'S2', 'S3']);
    expect(clocks.keySets).toEqual([
      ['firstName', 'lastName', 'email', 'notes'],
      ['firstName', 'lastName', 'email'],
    ]);
  });
});
