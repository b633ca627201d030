/**
 * The one full-text index of the app (src-shared/search): at start (after the opened screen has
 * painted its data, app/startup.ts) loaded from where it was saved last time and caught up with
 * every change since, or else built from the database; then kept up to date from RxDB's change
 * streams (incremental upsert/remove), so a note typed on this laptop or replicated from another
 * one is findable within the same tick. Saved again (throttled) after it changed.
 *
 * One service per database. No React and no DOM here beyond timers, so it is unit-tested in Node
 * against a real RxDB database.
 */
import type { RxCollection, RxStorageDefaultCheckpoint } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { Family, Note, Student } from '../../../../src-shared/model/types';
import {
  createSearchIndex,
  familySearchDoc,
  loadSearchIndex,
  SEARCH_INDEX_VERSION,
  makeSnippet,
  noteSearchDoc,
  studentSearchDoc,
  type SearchHit,
  type SearchIndex,
  type SearchKind,
  type SearchOptions,
} from '../../../../src-shared/search/index';
import { stringifyInSlices, type SliceOptions } from '../../../../src-shared/search/json-slices';
import {
  forEachChangeSince,
  MAX_CATCH_UP,
  scheduleSave,
  settledCheckpoint,
  snapshotStoreOf,
  type SnapshotStore,
  type TutorDatabase,
} from '../../data';
import { whenStarted } from '../../app/startup';

export type SearchStatus = 'building' | 'ready' | 'error';

export interface SearchService {
  readonly status: SearchStatus;
  readonly error: string;
  /** Milliseconds the initial build took (reading the database and indexing), 0 until ready. */
  readonly buildMs: number;
  /** The build's phases: reading the documents, indexing them (ms). */
  readonly buildPhases: { readMs: number; indexMs: number };
  /** Loading a saved index: reading it, parsing it, loading MiniSearch, catching up, counting (ms). */
  readonly loadPhases: { getMs: number; parseMs: number; loadMs: number; catchUpMs: number; countMs: number };
  /** Documents in the index. */
  readonly size: number;
  /**
   * Where the index came from at start: 'saved' (loaded and caught up with `caughtUp` changes)
   * or 'built' (read from the database); '' until ready.
   */
  readonly source: 'saved' | 'built' | '';
  readonly caughtUp: number;
  /** `performance.now()` when the search became usable (0 until then). */
  readonly readyAt: number;
  /** Saves the index now (when it is up to date and changed since last saved); for tests and benches. */
  saveNow(): Promise<void>;
  /** Resolves when the initial build is done (rejects if it failed). */
  readonly ready: Promise<void>;
  search(query: string, options?: SearchOptions): SearchHit[];
  /**
   * The hits with the snippets of notes whose text the index does not hold in memory (a loaded
   * index keeps none; SearchHit.textUnloaded) made from the notes in the database, which also
   * gives the index those texts for later searches. Only the hits passed are read: the few shown.
   */
  completeSnippets(hits: readonly SearchHit[]): Promise<SearchHit[]>;
  /** Ids of the notes about a student (any kind), from the index's bookkeeping. */
  noteIdsOfStudent(studentId: string): string[];
  /** A student's display name ('' if unknown). */
  studentName(studentId: string): string;
  /** Changes whenever the index changes (for useSyncExternalStore). */
  version(): number;
  subscribe(listener: () => void): () => void;
  dispose(): void;
}

type RawDoc = Record<string, unknown> & { id: string; _deleted?: boolean };
interface RawEvent {
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  documentId: string;
  documentData: RawDoc;
  previousDocumentData?: RawDoc;
}
interface RawBulk {
  events: RawEvent[];
}
type Kind = 'notes' | 'students' | 'families';
const KINDS: readonly Kind[] = ['students', 'families', 'notes'];
const KIND_OF: Record<Kind, SearchKind> = { notes: 'note', students: 'student', families: 'family' };

/** The key of the saved index in the practice's snapshot store (collection names have no colon). */
export const SAVED_SEARCH_KEY = 'search:index';
/**
 * Saving serialises the whole index on the main thread (about 1–1.5 s at 50,000 notes), so while
 * the app is in use it is saved at most this often; a start catches up with the changes since
 * (up to MAX_CATCH_UP), and the window going to the background saves at once (main.tsx).
 */
export const SEARCH_SAVE_EVERY_MS = 15 * 60_000;
/** Bumped when the saved record's shape changes (the index's own version is SEARCH_INDEX_VERSION). */
const SAVED_FORMAT = 1;

/**
 * The saved index: besides the index itself (a JSON string: one IndexedDB value that is cheap to
 * store and read, parsed only when everything else fits), per collection the newest change it
 * holds (`_meta.lwt` and id), the checkpoint catching up starts from (`settledCheckpoint` of that
 * change when saved) and the schema version it was built from.
 */
interface SavedSearch {
  format: number;
  indexVersion: number;
  schemaVersions: Record<Kind, number>;
  newest: Record<Kind, RxStorageDefaultCheckpoint>;
  checkpoints: Record<Kind, RxStorageDefaultCheckpoint>;
  /** JSON of { index: SavedSearchIndex, names: [studentId, firstName, lastName][] }. */
  json: string;
}

/** Strips RxDB's internal fields (_rev, _meta, _deleted, _attachments) from an event payload. */
function clean<T>(raw: RawDoc): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!k.startsWith('_')) out[k] = v;
  return out as T;
}

const yieldToUi = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
/** Between slices of the save: a pause for the UI, none while the window is hidden (timers are throttled there, and nobody is waiting). */
const pauseUnlessHidden = (): Promise<void> =>
  typeof document !== 'undefined' && document.visibilityState === 'hidden' ? Promise.resolve() : yieldToUi();

export interface SearchServiceOptions {
  /** Changes applied per chunk (default 500). */
  chunkSize?: number;
  /** Notes read per page at start-up (default 2000). */
  pageSize?: number;
  /** Wait for an idle moment, at most this long, before building (default 300 ms). */
  startDelayMs?: number;
  /**
   * Start building only after this (the app passes `whenStarted()`: the opened screen has
   * painted its data, app/startup.ts). Changes made meanwhile are buffered as usual.
   */
  startAfter?: Promise<void>;
  /** Where the index is saved and loaded from (the app: the practice's snapshot store). */
  store?: SnapshotStore;
  /** Load the saved index at start (default true; false always builds, still saving). */
  loadSaved?: boolean;
  /** How the save is sliced (default: a 0 ms timer after ~12 ms of work, none while hidden). */
  saveSlices?: Partial<Pick<SliceOptions, 'pause' | 'budgetMs' | 'step'>>;
}

function startWhenIdle(maxDelayMs: number): Promise<void> {
  if (maxDelayMs <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const ric = (globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number }).requestIdleCallback;
    if (ric) ric(() => resolve(), { timeout: maxDelayMs });
    else setTimeout(resolve, maxDelayMs);
  });
}

export function createSearchService(db: TutorDatabase, opts: SearchServiceOptions = {}): SearchService {
  const chunkSize = opts.chunkSize ?? 500;
  const pageSize = opts.pageSize ?? 2000;
  let index: SearchIndex = createSearchIndex();
  /** The students' names (a name is part of their notes' keywords). */
  const students = new Map<string, Pick<Student, 'firstName' | 'lastName'>>();
  /** studentId → ids of notes about them (kept in step with the index). */
  const notesByStudent = new Map<string, Set<string>>();
  /** noteId → its studentIds (to update notesByStudent on change/removal). */
  const noteStudents = new Map<string, string[]>();
  const listeners = new Set<() => void>();
  let status: SearchStatus = 'building';
  let error = '';
  let buildMs = 0;
  const buildPhases = { readMs: 0, indexMs: 0 };
  const loadPhases = { getMs: 0, parseMs: 0, loadMs: 0, catchUpMs: 0, countMs: 0 };
  let ver = 0;
  let disposed = false;
  const buffered: { kind: Kind; event: RawEvent }[] = [];
  let live = false;
  let source: 'saved' | 'built' | '' = '';
  let caughtUp = 0;
  let readyAt = 0;
  /** Per collection, the newest change the index holds (in getChangedDocumentsSince's order). */
  const newest: Record<Kind, RxStorageDefaultCheckpoint> = {
    notes: { lwt: 0, id: '' },
    students: { lwt: 0, id: '' },
    families: { lwt: 0, id: '' },
  };
  /** Changed since last saved. */
  let dirty = false;
  /** Student renames whose notes are being re-indexed. */
  const reindexing = new Set<Promise<void>>();
  const store = opts.store;

  const notify = () => {
    ver += 1;
    for (const l of listeners) l();
    if (store && dirty && status === 'ready') scheduleSave(store, SAVED_SEARCH_KEY, save, SEARCH_SAVE_EVERY_MS);
  };
  const seen = (kind: Kind, lwt: number | undefined, id: string) => {
    dirty = true;
    const n = newest[kind];
    if (lwt !== undefined && (lwt > n.lwt || (lwt === n.lwt && id > n.id))) newest[kind] = { lwt, id };
  };

  const busy = () => status !== 'ready' || draining || queue.length > 0 || reindexing.size > 0;

  let saving: Promise<void> | null = null;
  /**
   * Saves the index if it changed, unless it is not up to date right now (a later change saves
   * it). The ~23 M characters are written in slices (stringifyInSlices), so a tutor typing while
   * it saves is not held up for a second; if the index changed meanwhile, the text may mix two
   * states, so it is thrown away and the save tried again later. One save at a time: a call while
   * one runs gets that one.
   */
  function save(): Promise<void> {
    saving ??= saveOnce().finally(() => {
      saving = null;
    });
    return saving;
  }
  async function saveOnce(): Promise<void> {
    if (!store || disposed || !dirty || busy()) return;
    // The database may have been closed meanwhile (a practice being replaced): nothing to save.
    if (db.closed || KINDS.some((k) => !db.collections[k])) return;
    const at = { ver, index };
    const value: SavedSearch = {
      format: SAVED_FORMAT,
      indexVersion: SEARCH_INDEX_VERSION,
      schemaVersions: { notes: db.notes.schema.version, students: db.students.schema.version, families: db.families.schema.version },
      newest: { ...newest },
      checkpoints: {
        notes: settledCheckpoint(newest.notes),
        students: settledCheckpoint(newest.students),
        families: settledCheckpoint(newest.families),
      },
      json: '',
    };
    dirty = false;
    const names = [...students].map(([id, s]) => [id, s.firstName, s.lastName]);
    try {
      value.json = (await stringifyInSlices({ index, names }, { pause: pauseUnlessHidden, ...opts.saveSlices })) ?? '';
    } catch (e) {
      dirty = true;
      throw e;
    }
    if (disposed) return;
    if (dirty || ver !== at.ver || index !== at.index || busy()) {
      dirty = true;
      scheduleSave(store, SAVED_SEARCH_KEY, save, SEARCH_SAVE_EVERY_MS);
      return;
    }
    try {
      await store.put(SAVED_SEARCH_KEY, value);
    } catch (e) {
      dirty = true;
      console.warn('Saving the search index failed', e);
      return;
    }
    // Saved with a checkpoint a second before its newest change (it was too recent): save again
    // later, when it has settled, or the next start re-reads that last second (all of a bulk
    // write: an import, a first sync), and past MAX_CATCH_UP changes rebuilds the index.
    if (KINDS.some((k) => value.checkpoints[k].lwt !== value.newest[k].lwt)) {
      dirty = true;
      scheduleSave(store, SAVED_SEARCH_KEY, save, SEARCH_SAVE_EVERY_MS);
    }
  }
  const nameOf = (id: string): string => {
    const s = students.get(id);
    return s ? `${s.firstName} ${s.lastName}`.trim() : '';
  };

  const linkNote = (note: Pick<Note, 'id' | 'studentIds'>) => {
    unlinkNote(note.id);
    noteStudents.set(note.id, note.studentIds);
    for (const s of note.studentIds) {
      let set = notesByStudent.get(s);
      if (!set) notesByStudent.set(s, (set = new Set()));
      set.add(note.id);
    }
  };
  function unlinkNote(noteId: string) {
    const prev = noteStudents.get(noteId);
    if (!prev) return;
    for (const s of prev) notesByStudent.get(s)?.delete(noteId);
    noteStudents.delete(noteId);
  }

  /** A student's name is part of their notes' keywords: re-index those notes after a rename. */
  async function reindexNotesOf(studentId: string) {
    const ids = [...(notesByStudent.get(studentId) ?? [])];
    if (ids.length === 0) return;
    const docs = await db.notes.findByIds(ids).exec();
    for (const d of docs.values()) index.upsert(noteSearchDoc(d.toJSON() as Note, nameOf));
    dirty = true;
  }
  function reindexLater(studentId: string) {
    const p = reindexNotesOf(studentId)
      .catch((e: unknown) => console.warn('Re-indexing the notes of a renamed student failed', e))
      .finally(() => {
        reindexing.delete(p);
        notify();
      });
    reindexing.add(p);
  }

  function apply(kind: Kind, e: RawEvent) {
    seen(kind, (e.documentData as { _meta?: { lwt: number } })._meta?.lwt, e.documentId);
    const deleted = e.operation === 'DELETE' || e.documentData._deleted === true;
    if (kind === 'notes') {
      if (deleted) {
        index.remove(e.documentId, 'note');
        unlinkNote(e.documentId);
      } else {
        const note = clean<Note>(e.documentData);
        index.upsert(noteSearchDoc(note, nameOf));
        linkNote(note);
      }
    } else if (kind === 'students') {
      if (deleted) {
        index.remove(e.documentId, 'student');
        students.delete(e.documentId);
      } else {
        const s = clean<Student>(e.documentData);
        const before = nameOf(s.id);
        students.set(s.id, s);
        index.upsert(studentSearchDoc(s));
        if (before && before !== nameOf(s.id)) reindexLater(s.id);
      }
    } else if (deleted) {
      index.remove(e.documentId, 'family');
    } else {
      index.upsert(familySearchDoc(clean<Family>(e.documentData)));
    }
  }

  // Subscribe before reading, so nothing written during the build is missed; events that arrive
  // during the build are applied after it, in order. A small write (one note saved) is applied
  // at once; a large bulk (an import, the first sync) in chunks, yielding to the UI in between.
  const queue: { kind: Kind; event: RawEvent }[] = [];
  let draining = false;
  async function drain() {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0 && !disposed) {
        for (const { kind, event } of queue.splice(0, chunkSize)) apply(kind, event);
        notify();
        if (queue.length > 0) await yieldToUi();
      }
    } finally {
      draining = false;
    }
  }
  const subs: Subscription[] = (['notes', 'students', 'families'] as const).map((kind) =>
    (db.collections[kind].eventBulks$ as unknown as { subscribe(cb: (b: RawBulk) => void): Subscription }).subscribe((bulk) => {
      if (disposed) return;
      if (!live) {
        for (const event of bulk.events) buffered.push({ kind, event });
        return;
      }
      if (!draining && queue.length === 0 && bulk.events.length <= chunkSize) {
        for (const event of bulk.events) apply(kind, event);
        notify();
        return;
      }
      for (const event of bulk.events) queue.push({ kind, event });
      void drain();
    }),
  );

  const lwtOf = (d: { _data: unknown }) => (d._data as { _meta: { lwt: number } })._meta.lwt;
  const indexNote = (d: { toJSON(): unknown; _data: unknown }) => {
    const note = d.toJSON() as Note;
    seen('notes', lwtOf(d), note.id);
    linkNote(note);
    index.upsert(noteSearchDoc(note, nameOf));
    return note;
  };

  /**
   * Reads the notes page by page along the updatedAt index (the cursor stops at each page's
   * limit), indexing each page before reading the next, so results appear progressively and the
   * UI is never blocked for long. Ascending on purpose: RxDB cannot serve a descending sort from
   * an index, so every page would read and sort all remaining notes.
   */
  async function readAndIndexNotes(): Promise<number> {
    let readMs = 0;
    let cursor = '';
    let seenAtCursor = new Set<string>();
    for (;;) {
      const r0 = performance.now();
      const docs = await db.notes
        .find({ selector: cursor ? { updatedAt: { $gte: cursor } } : {}, sort: [{ updatedAt: 'asc' }], limit: pageSize } as never)
        .exec();
      const page = docs.map((d) => ({ id: d.id, updatedAt: d.updatedAt }));
      readMs += performance.now() - r0;
      if (disposed) return readMs;
      let added = 0;
      for (const d of docs) {
        if (d.updatedAt === cursor && seenAtCursor.has(d.id)) continue;
        indexNote(d);
        added += 1;
      }
      const last = page.at(-1);
      if (last) {
        if (last.updatedAt !== cursor) seenAtCursor = new Set();
        cursor = last.updatedAt;
        for (const n of page) if (n.updatedAt === cursor) seenAtCursor.add(n.id);
      }
      notify();
      if (page.length < pageSize) return readMs;
      if (added === 0) {
        // More notes than a page share one updatedAt (e.g. an import): read the rest at once.
        const r1 = performance.now();
        const rest = await db.notes.find({ selector: { updatedAt: { $gte: cursor } } } as never).exec();
        readMs += performance.now() - r1;
        for (const d of rest) if (!(d.updatedAt === cursor && seenAtCursor.has(d.id))) indexNote(d);
        return readMs;
      }
      await yieldToUi();
    }
  }

  /** Runs `fn` over `items`, yielding to the UI after every `chunkSize` of them. */
  async function inChunks<T>(items: readonly T[], fn: (item: T) => void): Promise<void> {
    for (let i = 0; i < items.length; i++) {
      if (i > 0 && i % chunkSize === 0) await yieldToUi();
      fn(items[i]!);
    }
  }

  /** Back to an empty index (a saved one that did not fit is dropped before building). */
  function reset() {
    index = createSearchIndex();
    students.clear();
    notesByStudent.clear();
    noteStudents.clear();
    for (const k of KINDS) newest[k] = { lwt: 0, id: '' };
    caughtUp = 0;
  }

  /**
   * Loads the saved index and catches it up with every change since its checkpoints, in each
   * collection (edits replace, deletions discard, new documents are added). False, with nothing
   * kept, when there is none or it does not fit: another version or too many changes. Its counts
   * are checked once it is in use (countsAgree).
   */
  async function loadSaved(): Promise<boolean> {
    if (!store || opts.loadSaved === false) return false;
    let t = performance.now();
    const phase = (name: keyof typeof loadPhases) => {
      const now = performance.now();
      loadPhases[name] = now - t;
      t = now;
    };
    const saved = (await store.get(SAVED_SEARCH_KEY)) as Partial<SavedSearch> | undefined;
    phase('getMs');
    if (
      !saved ||
      saved.format !== SAVED_FORMAT ||
      saved.indexVersion !== SEARCH_INDEX_VERSION ||
      typeof saved.json !== 'string' ||
      !saved.newest ||
      !saved.checkpoints ||
      !saved.schemaVersions ||
      KINDS.some(
        (k) =>
          saved.schemaVersions![k] !== db[k].schema.version ||
          typeof saved.newest![k]?.lwt !== 'number' ||
          typeof saved.checkpoints![k]?.lwt !== 'number',
      )
    )
      return false;
    const parsed = JSON.parse(saved.json) as { index?: unknown; names?: [string, string, string][] };
    phase('parseMs');
    const loaded = await loadSearchIndex(parsed.index);
    phase('loadMs');
    if (!loaded || !Array.isArray(parsed.names) || disposed) return false;
    index = loaded;
    for (const [id, firstName, lastName] of parsed.names) students.set(id, { firstName, lastName });
    for (const e of loaded.entries()) if (e.kind === 'note') linkNote(e);
    Object.assign(newest, saved.newest);
    // Students first: a renamed student's notes are re-indexed with the new name.
    for (const kind of KINDS) {
      const n = await forEachChangeSince(
        db[kind] as unknown as RxCollection,
        saved.checkpoints[kind],
        (raw, deleted) =>
          apply(kind, { operation: deleted ? 'DELETE' : 'UPDATE', documentId: String(raw.id), documentData: raw as unknown as RawDoc }),
        MAX_CATCH_UP - caughtUp,
      );
      if (n === null || disposed) return false;
      caughtUp += n.changes;
    }
    while (reindexing.size > 0) await Promise.all([...reindexing]);
    phase('catchUpMs');
    dirty = caughtUp > 0;
    return true;
  }

  /**
   * A document can leave a collection without a change record only by being purged (the app never
   * purges), so a loaded index is checked against the collections' counts once it is in use: the
   * counts walk every key (about 0.6 s at 50,000 notes), which would otherwise delay the first
   * search. Counts taken while changes arrive can disagree for a moment; that only rebuilds.
   */
  async function countsAgree(): Promise<boolean> {
    const t = performance.now();
    const counts: number[] = [];
    for (const kind of KINDS) counts.push(await db[kind].count().exec());
    loadPhases.countMs = performance.now() - t;
    return KINDS.every((kind, i) => counts[i] === index.count(KIND_OF[kind]));
  }

  /** Builds the index anew from the database, buffering changes meanwhile; searches wait for it. */
  async function rebuild(): Promise<void> {
    live = false;
    status = 'building';
    notify();
    reset();
    await build();
    source = 'built';
    if (disposed) return;
    await goLive();
    status = 'ready';
  }

  /** From here on changes go to the index as they come: the ones buffered meanwhile first, in order. */
  async function goLive(): Promise<void> {
    live = true;
    for (const e of buffered.splice(0)) queue.push(e);
    await drain();
  }

  async function build(): Promise<number> {
    const [studentDocs, familyDocs] = await Promise.all([db.students.find().exec(), db.families.find().exec()]);
    // In chunks, yielding to the UI in between (10,000 students and their families took
    // about half a second in one go).
    await inChunks(studentDocs, (d) => {
      const s = d.toJSON() as Student;
      seen('students', lwtOf(d), s.id);
      students.set(s.id, s);
      index.upsert(studentSearchDoc(s));
    });
    await inChunks(familyDocs, (d) => {
      const f = d.toJSON() as Family;
      seen('families', lwtOf(d), f.id);
      index.upsert(familySearchDoc(f));
    });
    if (disposed) return 0;
    return readAndIndexNotes();
  }

  const ready = (async () => {
    // Off the critical path: the screen the user opened loads and paints first.
    await opts.startAfter;
    await startWhenIdle(opts.startDelayMs ?? 300);
    const t0 = performance.now();
    try {
      let readNotesMs = 0;
      let fromSaved = false;
      try {
        fromSaved = await loadSaved();
      } catch (e) {
        console.warn('The saved search index could not be loaded; building it', e);
      }
      if (disposed) return;
      if (fromSaved) source = 'saved';
      else {
        reset();
        readNotesMs = await build();
        source = 'built';
      }
      if (disposed) return;
      await goLive();
      buildMs = performance.now() - t0;
      buildPhases.readMs = readNotesMs;
      buildPhases.indexMs = buildMs - readNotesMs;
      status = 'ready';
      readyAt = performance.now();
      if (source === 'saved') {
        notify();
        if (!(await countsAgree()) && !disposed) {
          console.warn('The saved search index disagrees with the database; building it');
          await rebuild();
        }
      }
    } catch (e) {
      status = 'error';
      error = (e as Error).message;
      live = true;
      throw e;
    } finally {
      notify();
    }
  })();
  ready.catch(() => {});

  return {
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    get buildMs() {
      return buildMs;
    },
    buildPhases,
    loadPhases,
    get size() {
      return index.size;
    },
    get source() {
      return source;
    },
    get caughtUp() {
      return caughtUp;
    },
    get readyAt() {
      return readyAt;
    },
    saveNow: save,
    ready,
    search: (query, options) => index.search(query, options),
    async completeSnippets(hits) {
      const ids = hits.filter((h) => h.textUnloaded && h.kind === 'note').map((h) => h.id);
      if (ids.length === 0 || disposed || db.closed) return [...hits];
      const notes = await db.notes.findByIds(ids).exec();
      const texts = new Map<string, string>();
      for (const id of ids) {
        const doc = notes.get(id);
        // A note gone meanwhile has no text to show (its removal reaches the index by itself).
        const text = doc ? noteSearchDoc(doc.toJSON() as Note).text : '';
        texts.set(id, text);
        index.setText('note', id, text);
      }
      return hits.map((h) => {
        if (!h.textUnloaded || h.kind !== 'note') return h;
        const text = texts.get(h.id) ?? '';
        const { textUnloaded: _was, ...rest } = h;
        return { ...rest, snippet: makeSnippet(text || h.title, h.terms) };
      });
    },
    noteIdsOfStudent: (studentId) => [...(notesByStudent.get(studentId) ?? [])],
    studentName: nameOf,
    version: () => ver,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      disposed = true;
      for (const s of subs) s.unsubscribe();
      listeners.clear();
      index.clear();
    },
  };
}

const services = new WeakMap<TutorDatabase, SearchService>();

/** The app's search service for `db`, created (and its build started) on first use. */
export function getSearchService(db: TutorDatabase): SearchService {
  let s = services.get(db);
  if (!s) services.set(db, (s = createSearchService(db, { startAfter: whenStarted(), store: snapshotStoreOf(db), loadSaved })));
  return s;
}

let loadSaved = true;
/** Test builds only (testing/notes-hooks.ts): build the index at start even when one is saved. */
export function setLoadSavedSearchIndex(load: boolean): void {
  loadSaved = load;
}
