/**
 * The saved search index (features/search/search-service.ts) on the app's own storage (RxDB's
 * Dexie storage with the app's shortcuts) over fake-indexeddb, across restarts: what the search
 * finds once it is usable after a restart is what the database holds now, whatever was written
 * after the index was saved, or the index is built as before.
 */
import fc from 'fast-check';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { tutorDexieStorage } from '../../../src-renderer/src/data/dexie-storage';
import { deleteDoc, saveDoc } from '../../../src-renderer/src/data';
import { flushSnapshotWrites, openSnapshotStore, type SnapshotStore } from '../../../src-renderer/src/data/snapshots';
import {
  createSearchService,
  SAVED_SEARCH_KEY,
  type SearchService,
  type SearchServiceOptions,
} from '../../../src-renderer/src/features/search/search-service';
import { newProgressNote } from '../../../src-shared/notes/timeline';
import { stampChange } from '../../../src-shared/model/meta';
import type { Note } from '../../../src-shared/model/types';
import { studentValues } from '../../sync/helpers/fixtures';

let clock = Date.parse('2026-03-01T10:00:00Z');
const ctx = () => ({ staffId: 'emily', deviceId: 'laptop-a', now: new Date((clock += 1_000)) });

/** One laptop's storage: the same IndexedDB across restarts. */
function laptop(name = `srch${Math.random().toString(36).slice(2)}`) {
  const idb = new IDBFactory();
  const storage = tutorDexieStorage({ indexedDB: idb, IDBKeyRange });
  let open: { db: TutorDatabase; store: SnapshotStore; search: SearchService | null } | null = null;
  return {
    idb,
    name,
    /** Opens the database; with `search`, starts the search service and waits until it is usable. */
    async start({ search = true, options = {} as Partial<SearchServiceOptions> } = {}) {
      const db = await createTutorDatabase({ name, storage, validate: 'ajv', collections: ['students', 'families', 'notes'] });
      const store = await openSnapshotStore(name, idb);
      open = { db, store, search: null };
      if (search) {
        open.search = createSearchService(db, { store, startDelayMs: 0, ...options });
        await open.search.ready;
      }
      return open as { db: TutorDatabase; store: SnapshotStore; search: SearchService };
    },
    /** Closes without saving what changed since the last save (as when the window is closed). */
    async stop() {
      if (!open) return;
      open.search?.dispose();
      open.store.close();
      await open.db.close();
      open = null;
    },
  };
}

const noteValues = (studentId: string, title: string, body: string) => ({ ...newProgressNote(studentId, 'emily', title), body });
const noteIds = (s: SearchService, q: string) =>
  s
    .search(q, { kinds: ['note'], limit: 1000 })
    .map((h) => h.id)
    .sort();

/** Waits until the service has applied what the change stream delivered (no timing asserted). */
async function settled(s: SearchService, check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('saved search index', () => {
  it('is loaded after a restart and caught up with edits, additions, deletions and renames since it was saved', async () => {
    const l = laptop();
    const started = await l.start();
    const { store } = started;
    let { db, search } = started;
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Olivia', lastName: 'Garcia' }), ctx());
    await saveDoc(db, 'notes', 'note-1', noteValues('stu-1', 'Term report', 'Equivalent fractions are solid now.'), ctx());
    await saveDoc(db, 'notes', 'note-2', noteValues('stu-1', 'Piano', 'Clementi sonatina, first movement.'), ctx());
    await saveDoc(db, 'notes', 'note-3', noteValues('stu-1', 'Reading', 'Macbeth act one.'), ctx());
    await settled(search, () => noteIds(search, 'macbeth').length === 1);
    expect(search.source).toBe('built');
    // The throttled save, written now instead of after its timer.
    await flushSnapshotWrites(store);
    expect(await store.get(SAVED_SEARCH_KEY)).toBeTruthy();

    // While the app still runs, after the save: an edit and a deletion that are not saved.
    await saveDoc(db, 'notes', 'note-1', { body: 'Long division needs practice.' }, ctx());
    await deleteDoc(db, 'notes', 'note-2', ctx());
    await settled(search, () => noteIds(search, 'clementi').length === 0);
    await l.stop();

    // While the app is closed: an addition, a deletion and a rename.
    ({ db } = await l.start({ search: false }));
    await saveDoc(db, 'notes', 'note-4', noteValues('stu-1', 'Science', 'Photosynthesis and chloroplasts.'), ctx());
    await deleteDoc(db, 'notes', 'note-3', ctx());
    await saveDoc(db, 'students', 'stu-1', { lastName: 'Okafor' }, ctx());
    await l.stop();

    ({ db, search } = await l.start());
    expect(search.source).toBe('saved');
    expect(search.caughtUp).toBeGreaterThan(0);
    expect(noteIds(search, 'division')).toEqual(['note-1']);
    expect(noteIds(search, 'fractions')).toEqual([]);
    expect(noteIds(search, 'clementi')).toEqual([]);
    expect(noteIds(search, 'macbeth')).toEqual([]);
    expect(noteIds(search, 'chloroplasts')).toEqual(['note-4']);
    // The rename reached the notes' keywords (both the saved one and the new one).
    expect(noteIds(search, 'okafor')).toEqual(['note-1', 'note-4']);
    expect(noteIds(search, 'garcia')).toEqual([]);
    expect(search.search('okafor', { kinds: ['student'] }).map((h) => h.id)).toEqual(['stu-1']);
    expect(search.noteIdsOfStudent('stu-1').sort()).toEqual(['note-1', 'note-4']);
    expect(search.size).toBe(3);

    // After that the change stream keeps it up to date as before.
    await saveDoc(db, 'notes', 'note-5', noteValues('stu-1', 'Mock', 'Quadratic equations.'), ctx());
    await settled(search, () => noteIds(search, 'quadratic').length === 1);
    expect(noteIds(search, 'quadratic')).toEqual(['note-5']);
    await l.stop();
  });

  it("is saved without the notes' texts; a loaded index makes the snippets of the notes shown from the database", async () => {
    const l = laptop();
    const started = await l.start();
    let { db, search } = started;
    const long = `${'Warm-up scales and sight reading. '.repeat(20)}Then equivalent fractions with the fraction wall.`;
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Olivia', lastName: 'Garcia' }), ctx());
    await saveDoc(db, 'notes', 'note-1', noteValues('stu-1', 'Term report', long), ctx());
    await saveDoc(db, 'notes', 'note-2', noteValues('stu-1', 'Mock exam', 'Simplifying fractions, then ratio.'), ctx());
    await settled(search, () => noteIds(search, 'fractions').length === 2);
    const built = search.search('fractions', { kinds: ['note'] });
    expect(built.find((h) => h.id === 'note-1')?.snippet).toContain('equivalent fractions with the fraction wall');
    // Saved once the writes are over a second old, so a start does not read them again.
    await new Promise((r) => setTimeout(r, 1_500));
    await search.saveNow();
    const saved = (await started.store.get(SAVED_SEARCH_KEY)) as { json: string };
    expect(saved.json).not.toContain('fraction wall');
    expect(saved.json).toContain('Term report');
    await l.stop();

    // While closed, note-2 changes: catching up gives the index its new text at once.
    ({ db } = await l.start({ search: false }));
    await saveDoc(db, 'notes', 'note-2', { body: 'Simplifying fractions and percentages.' }, ctx());
    await l.stop();

    ({ db, search } = await l.start());
    expect(search.source).toBe('saved');
    const loaded = search.search('fractions', { kinds: ['note'] });
    const one = loaded.find((h) => h.id === 'note-1')!;
    expect(one).toMatchObject({ snippet: '', textUnloaded: true });
    expect(loaded.find((h) => h.id === 'note-2')).toMatchObject({ snippet: 'Simplifying fractions and percentages.' });
    expect(loaded.find((h) => h.id === 'note-2')?.textUnloaded).toBeUndefined();

    const completed = await search.completeSnippets(loaded);
    expect(completed.map((h) => h.id)).toEqual(loaded.map((h) => h.id));
    const done = completed.find((h) => h.id === 'note-1')!;
    expect(done.textUnloaded).toBeUndefined();
    expect(done.snippet).toBe(built.find((h) => h.id === 'note-1')!.snippet);
    // The index keeps the text it was given: the next search has the snippet at once.
    expect(search.search('fractions', { kinds: ['note'] }).find((h) => h.id === 'note-1')?.snippet).toBe(done.snippet);
    await l.stop();
  });

  it('never finds a deleted note and finds every note as it is now, whatever happened after the save', async () => {
    const ids = ['note-1', 'note-2', 'note-3', 'note-4'];
    const words = ['alpha', 'bravo', 'charlie', 'delta'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('save' as const), id: fc.constantFrom(...ids), word: fc.constantFrom(...words) }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
    );
    const run = async (db: TutorDatabase, ops: { kind: 'save' | 'delete'; id: string; word?: string }[]) => {
      for (const o of ops) {
        if (o.kind === 'save') await saveDoc(db, 'notes', o.id, noteValues('stu-1', 'Note', `Practised ${o.word!}.`), ctx());
        else await deleteDoc(db, 'notes', o.id, ctx());
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 5 }),
        fc.array(op, { maxLength: 4 }),
        fc.array(op, { maxLength: 4 }),
        async (before, running, closed) => {
          const l = laptop();
          const started = await l.start();
          const { store } = started;
          let { db, search } = started;
          await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
          await run(db, before);
          // Once the change stream has been applied, save.
          const expected = async (d: TutorDatabase) => {
            const notes = (await d.notes.find().exec()).map((n) => n.toJSON() as Note);
            return Object.fromEntries(
              words.map((w) => [
                w,
                notes
                  .filter((n) => n.body.includes(w))
                  .map((n) => n.id)
                  .sort(),
              ]),
            );
          };
          const found = (s: SearchService) => Object.fromEntries(words.map((w) => [w, noteIds(s, w)]));
          const want = await expected(db);
          await settled(search, () => JSON.stringify(found(search)) === JSON.stringify(want));
          expect(found(search)).toEqual(want);
          await flushSnapshotWrites(store);
          await run(db, running);
          await l.stop();
          ({ db } = await l.start({ search: false }));
          await run(db, closed);
          await l.stop();

          ({ db, search } = await l.start());
          expect(search.source).toBe('saved');
          expect(found(search)).toEqual(await expected(db));
          expect(search.size).toBe((await db.notes.count().exec()) + 1);
          await l.stop();
        },
      ),
      { numRuns: 12 },
    );
  });

  it('finds what a sync wrote to storage while the app was closed (a replicated note, a replicated deletion)', async () => {
    const l = laptop();
    const started = await l.start();
    const { store } = started;
    let { db, search } = started;
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
    await saveDoc(db, 'notes', 'note-1', noteValues('stu-1', 'Local', 'Trigonometry revision.'), ctx());
    await settled(search, () => noteIds(search, 'trigonometry').length === 1);
    await flushSnapshotWrites(store);
    await l.stop();

    // What the replication's pull does: write the other laptop's documents straight to storage
    // (RxDB's storage instance, as the replication protocol's bulkWrite does), no search running.
    ({ db } = await l.start({ search: false }));
    const remote = stampChange<Note>(
      undefined,
      noteValues('stu-1', 'From the office', 'Photosynthesis worksheet.') as never,
      { staffId: 'maria', deviceId: 'office-laptop', now: new Date((clock += 1_000)) },
      () => 'note-remote',
    );
    const [existing] = await db.notes.storageInstance.findDocumentsById(['note-1'], false);
    const now = Date.now();
    const res = await db.notes.storageInstance.bulkWrite(
      [
        {
          document: {
            ...remote,
            id: 'note-remote',
            _deleted: false,
            _rev: '1-remote',
            _meta: { lwt: now },
            _attachments: {},
          } as never,
        },
        { previous: existing, document: { ...existing!, _deleted: true, _rev: '99-remote', _meta: { lwt: now } } as never },
      ],
      'replication-test',
    );
    expect(res.error).toEqual([]);
    await l.stop();

    ({ db, search } = await l.start());
    expect(search.source).toBe('saved');
    expect(noteIds(search, 'photosynthesis')).toEqual(['note-remote']);
    expect(noteIds(search, 'trigonometry')).toEqual([]);
    await l.stop();
  });

  it('is ignored when saved by another version (index or collection schema): the index is built', async () => {
    for (const field of ['indexVersion', 'schemaVersions'] as const) {
      const l = laptop();
      let { db, store, search } = await l.start();
      await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
      await saveDoc(db, 'notes', 'note-1', noteValues('stu-1', 'Local', 'Trigonometry revision.'), ctx());
      await settled(search, () => noteIds(search, 'trigonometry').length === 1);
      await flushSnapshotWrites(store);
      const saved = (await store.get(SAVED_SEARCH_KEY)) as { indexVersion: number; schemaVersions: { notes: number }; json: string };
      // An index from elsewhere that would find a note the database does not hold.
      const json = saved.json.replaceAll('Trigonometry', 'Zebrafish').replaceAll('trigonometry', 'zebrafish');
      const other =
        field === 'indexVersion'
          ? { ...saved, json, indexVersion: saved.indexVersion + 1 }
          : { ...saved, json, schemaVersions: { ...saved.schemaVersions, notes: saved.schemaVersions.notes + 1 } };
      await store.put(SAVED_SEARCH_KEY, other);
      await l.stop();

      ({ db, search } = await l.start());
      expect(search.source).toBe('built');
      expect(noteIds(search, 'zebrafish')).toEqual([]);
      expect(noteIds(search, 'trigonometry')).toEqual(['note-1']);
      await l.stop();

      // The same record with this version's numbers is loaded (so the test above can fail).
      ({ db, store } = await l.start({ search: false }));
      // (Its checkpoints moved past the last writes, or catching up would re-apply note-1.)
      const later = Date.now() + 10_000;
      const cp = { lwt: later, id: '' };
      await store.put(SAVED_SEARCH_KEY, { ...saved, json, checkpoints: { notes: cp, students: cp, families: cp } });
      await l.stop();
      ({ search } = await l.start());
      expect(search.source).toBe('saved');
      expect(noteIds(search, 'zebrafish')).toEqual(['note-1']);
      await l.stop();
    }
  });

  it('is not used when its counts disagree with the collections: the index is built', async () => {
    const l = laptop();
    const started = await l.start();
    const { store } = started;
    let { db, search } = started;
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
    await saveDoc(db, 'notes', 'note-1', noteValues('stu-1', 'Local', 'Trigonometry revision.'), ctx());
    await saveDoc(db, 'notes', 'note-2', noteValues('stu-1', 'Other', 'Trigonometry again.'), ctx());
    await settled(search, () => noteIds(search, 'trigonometry').length === 2);
    await flushSnapshotWrites(store);
    await l.stop();
    // Purge note-2 behind RxDB's back (as a storage clean-up would): no change record is left.
    const dexie = await new Promise<IDBDatabase>((resolve, reject) => {
      void l.idb.databases().then((list) => {
        const name = list.map((d) => d.name!).find((n) => n.startsWith(`rxdb-dexie-${l.name}--`) && n.endsWith('--notes'))!;
        const req = l.idb.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    });
    await new Promise<void>((resolve, reject) => {
      const tx = dexie.transaction('docs', 'readwrite');
      tx.objectStore('docs').delete('note-2');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    dexie.close();

    ({ db, search } = await l.start());
    expect(search.source).toBe('built');
    expect(noteIds(search, 'trigonometry')).toEqual(['note-1']);
    await l.stop();
  });
  it('does not read a settled bulk write again at the next start (an import, a first sync)', async () => {
    const l = laptop();
    const { db, search } = await l.start();
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Ada' }), ctx());
    const bulk = Array.from({ length: 50 }, (_, i) =>
      stampChange<Note>(undefined, noteValues('stu-1', `Imported ${i}`, `Imported worksheet ${i}.`) as never, ctx(), () => `note-${i}`),
    );
    // One bulk write: every note gets the same _meta.lwt.
    await db.notes.bulkInsert(bulk);
    await settled(search, () => noteIds(search, 'imported').length === 50);
    // Saved while the bulk is under a second old: catching up re-reads it (the margin).
    await search.saveNow();
    await l.stop();
    let again = await l.start();
    expect(again.search.source).toBe('saved');
    expect(again.search.caughtUp).toBeGreaterThanOrEqual(50);
    // Saved once it is settled: nothing to read again.
    await new Promise((r) => setTimeout(r, 1_500));
    await saveDoc(again.db, 'notes', 'note-0', { body: 'Edited worksheet.' }, ctx());
    await settled(again.search, () => noteIds(again.search, 'edited').length === 1);
    await new Promise((r) => setTimeout(r, 1_500));
    await again.search.saveNow();
    await l.stop();
    again = await l.start();
    expect(again.search.source).toBe('saved');
    expect(again.search.caughtUp).toBe(0);
    expect(noteIds(again.search, 'imported')).toHaveLength(50);
    expect(noteIds(again.search, 'edited')).toEqual(['note-0']);
    await l.stop();
  });

  it('a change while the index is being written is not saved half-way: that text is dropped, the next save has it', async () => {
    // The save pauses between slices; the first pause waits until the test lets it go on.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atFirstPause = new Promise<void>((r) => (reached = r));
    let pauses = 0;
    const pause = () => {
      pauses += 1;
      if (pauses > 1) return Promise.resolve();
      reached();
      return gate;
    };
    const l = laptop();
    const { db, store, search } = await l.start({ options: { saveSlices: { pause, budgetMs: 0, step: 1 } } });
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Olivia', lastName: 'Garcia' }), ctx());
    await saveDoc(db, 'notes', 'note-1', noteValues('stu-1', 'Macbeth', 'Macbeth act one.'), ctx());
    await settled(search, () => noteIds(search, 'macbeth').length === 1);

    const saving = search.saveNow();
    await atFirstPause;
    await saveDoc(db, 'notes', 'note-2', noteValues('stu-1', 'Hamlet', 'Hamlet act two.'), ctx());
    await settled(search, () => noteIds(search, 'hamlet').length === 1);
    release();
    await saving;
    expect(pauses).toBeGreaterThan(1);
    expect(await store.get(SAVED_SEARCH_KEY), 'the text written across the change is not saved').toBeUndefined();

    await search.saveNow();
    const saved = (await store.get(SAVED_SEARCH_KEY)) as { json: string } | undefined;
    expect(saved?.json).toContain('"hamlet"');
    await l.stop();
    const again = await l.start();
    expect(again.search.source).toBe('saved');
    expect(noteIds(again.search, 'hamlet')).toEqual(['note-2']);
    expect(noteIds(again.search, 'macbeth')).toEqual(['note-1']);
    await l.stop();
  });

  it('a save still waiting when the database closes (a practice being replaced) does nothing and fails nothing', async () => {
    const l = laptop();
    const { db, store, search } = await l.start();
    await saveDoc(db, 'students', 'stu-1', studentValues({ firstName: 'Olivia', lastName: 'Garcia' }), ctx());
    await saveDoc(db, 'notes', 'note-1', noteValues('stu-1', 'Reading', 'Macbeth act one.'), ctx());
    await settled(search, () => noteIds(search, 'macbeth').length === 1);
    // The index changed and its save waits for its timer; then the database is closed under it.
    await db.close();
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      await expect(search.saveNow()).resolves.toBeUndefined();
      await expect(flushSnapshotWrites(store)).resolves.toBeUndefined();
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
    expect(await store.get(SAVED_SEARCH_KEY)).toBeUndefined();
    search.dispose();
    store.close();
  });
});
