/**
 * Whole-collection mirrors (data/collection-mirror.ts) on the app's own storage over
 * fake-indexeddb: what the watchers are given is the collection as it is, after any changes
 * made before, during and after the load, from a snapshot or not; and a snapshot that went stale
 * without a change record (a clock set back) is corrected by the check against the storage.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TutorDatabase } from '../../../src-renderer/src/data/database';
import { deleteDoc, saveDoc, watchCollection } from '../../../src-renderer/src/data';
import { studentValues } from '../../sync/helpers/fixtures';
import { openStudentsStore, studentsLaptop } from './students-laptop';

type Doc = Record<string, unknown> & { id: string };
type Source = 'snapshot' | 'live';

let clock = Date.parse('2026-03-01T10:00:00Z');
const ctx = () => ({ staffId: 's1', deviceId: 'dev-a', now: new Date((clock += 1_000)) });

const laptop = (name?: string) => studentsLaptop('mirror', name);

const current = async (db: TutorDatabase) => (await db.students.find().exec()).map((d) => d.toJSON() as Doc);
const settle = () => new Promise((r) => setTimeout(r, 30));

/** Watches the students; every delivery is recorded. */
function watch(db: TutorDatabase, verifyAfter?: Promise<unknown>) {
  const seen: { source: Source; docs: Doc[] }[] = [];
  const stop = watchCollection<Doc>(
    db,
    db.students as never,
    (docs, source) => seen.push({ source, docs }),
    verifyAfter ? { verifyAfter } : {},
  );
  return { seen, stop, last: () => seen.at(-1)?.docs };
}

const ids = ['stu-1', 'stu-2', 'stu-3', 'stu-4', 'stu-5', 'stu-6'];
const op = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), id: fc.constantFrom(...ids), name: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
  fc.record({
    kind: fc.constant('bulk' as const),
    names: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 4 }),
  }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function apply(db: TutorDatabase, ops: Op[]): Promise<void> {
  for (const o of ops) {
    if (o.kind === 'save') await saveDoc(db, 'students', o.id, studentValues({ firstName: o.name }), ctx());
    else if (o.kind === 'delete') await deleteDoc(db, 'students', o.id, ctx());
    else {
      // One bulk write (as a sync pull or an import): several documents, one burst of events.
      const now = ctx().now.toISOString();
      const docs = o.names.map((n, i) => ({ ...studentValues({ firstName: n }), id: `bulk-${i}`, updatedAt: now }));
      await db.students.bulkUpsert(docs as never);
    }
  }
}

async function waitFor(fn: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('collection mirrors', () => {
  it('give every watcher the collection as it is, after changes before, during and after the load', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 4 }),
        fc.array(op, { maxLength: 4 }),
        fc.array(op, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (before, during, after, restart) => {
          const l = laptop();
          let { db } = await l.start();
          try {
            await apply(db, before);
            if (restart) {
              const w = watch(db); // its result is saved as the snapshot...
              await waitFor(() => w.seen.length > 0, 'the first delivery');
              w.stop();
              await l.stop();
              ({ db } = await l.start()); // ...that the next start begins with
            }
            const first = watch(db);
            await Promise.all([apply(db, during), waitFor(() => first.seen.length > 0, 'the first delivery')]);
            if (restart) expect(first.seen[0]!.source).toBe('snapshot');
            await settle();
            expect(first.last()).toEqual(await current(db));
            await apply(db, after);
            await settle();
            expect(first.last()).toEqual(await current(db));
            // A screen opened later shares the mirror: given the current documents at once.
            const second = watch(db);
            expect(second.seen).toHaveLength(1);
            expect(second.last()).toEqual(await current(db));
            first.stop();
            second.stop();
          } finally {
            await l.stop();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('are saved as the snapshot after changes, for the next start', async () => {
    const l = laptop();
    let { db } = await l.start();
    await apply(db, [{ kind: 'save', id: 'stu-1', name: 'Ada' }]);
    const w = watch(db);
    await waitFor(() => w.seen.length > 0, 'the first delivery');
    await apply(db, [
      { kind: 'save', id: 'stu-2', name: 'Bea' },
      { kind: 'save', id: 'stu-1', name: 'Ada B' },
    ]);
    await settle();
    await l.stop();
    ({ db } = await l.start());
    const again = watch(db);
    await waitFor(() => again.seen.length > 0, 'the first delivery');
    expect(again.seen[0]!.source).toBe('snapshot');
    expect(again.seen[0]!.docs.map((d) => d.firstName)).toEqual(['Ada B', 'Bea']);
    again.stop();
    await l.stop();
  });

  it('correct a snapshot that went stale without a change record, once checked against the storage', async () => {
    const l = laptop();
    let { db } = await l.start();
    await apply(db, [
      { kind: 'save', id: 'stu-1', name: 'Ada' },
      { kind: 'save', id: 'stu-2', name: 'Bea' },
    ]);
    const w = watch(db);
    await waitFor(() => w.seen.length > 0, 'the first delivery');
    w.stop();
    await l.stop();
    // Rename stu-1 behind RxDB's back with a time before the snapshot's checkpoint (as a write
    // made while the computer's clock was set back would have): the catch-up cannot see it.
    const dexie = await openStudentsStore(l);
    await new Promise<void>((resolve, reject) => {
      const tx = dexie.transaction('docs', 'readwrite');
      const docs = tx.objectStore('docs');
      const get = docs.get('stu-1');
      get.onsuccess = () => {
        const doc = get.result as { firstName: string; _meta: { lwt: number } };
        docs.put({ ...doc, firstName: 'Ada (renamed while the clock was wrong)', _meta: { ...doc._meta, lwt: doc._meta.lwt - 3_600_000 } });
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    dexie.close();

    ({ db } = await l.start());
    let check = () => {};
    const seen = watch(db, new Promise<void>((r) => (check = r)));
    await waitFor(() => seen.seen.length > 0, 'the first delivery');
    expect(seen.seen[0]!.source).toBe('snapshot');
    expect(seen.seen[0]!.docs[0]!.firstName).toBe('Ada'); // the stale snapshot, until checked
    check();
    await waitFor(() => seen.seen.length > 1, 'the correction');
    expect(seen.last()).toEqual(await current(db));
    expect(seen.last()![0]!.firstName).toBe('Ada (renamed while the clock was wrong)');
    seen.stop();
    await l.stop();
  });

  it.each(['storage', 'snapshot'] as const)('keep a change made while the load reads from the %s', async (path) => {
    const l = laptop();
    let { db } = await l.start();
    await apply(db, [
      { kind: 'save', id: 'stu-1', name: 'Ada' },
      { kind: 'save', id: 'stu-2', name: 'Bea' },
    ]);
    if (path === 'snapshot') {
      const w = watch(db);
      await waitFor(() => w.seen.length > 0, 'the first delivery');
      w.stop();
      await l.stop();
      ({ db } = await l.start());
    }
    // The load's last read returns what it read, and only then a rename and a deletion land. From
    // storage that read is the query; from a snapshot it is the catch-up's query of the changes
    // since the snapshot (its count was asked for beside the snapshot's read, before).
    const target = (path === 'storage' ? db.students : db.students.storageInstance) as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    const method = path === 'storage' ? 'find' : 'query';
    const original = target[method]!.bind(target);
    let once = true;
    const landNow = async () => {
      if (!once) return;
      once = false;
      await apply(db, [
        { kind: 'save', id: 'stu-1', name: 'Ada while loading' },
        { kind: 'delete', id: 'stu-2' },
      ]);
    };
    target[method] =
      path === 'storage'
        ? (...args: unknown[]) => {
            const query = original(...args) as { exec(): Promise<unknown> };
            return {
              exec: async () => {
                const result = await query.exec();
                await landNow();
                return result;
              },
            };
          }
        : async (...args: unknown[]) => {
            const result = await original(...args);
            await landNow();
            return result;
          };
    const w = watch(db);
    await waitFor(() => w.seen.length > 0, 'the first delivery');
    await settle();
    expect(w.seen[0]!.source).toBe(path === 'storage' ? 'live' : 'snapshot');
    expect(w.last()!.map((d) => [d.id, d.firstName])).toEqual([['stu-1', 'Ada while loading']]);
    w.stop();
    await l.stop();
  });
});
