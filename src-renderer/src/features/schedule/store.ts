/**
 * The schedule's in-memory view of the database, kept current from RxDB's change stream (local
 * edits and replicated ones alike), so moving between weeks does not query IndexedDB: the
 * calendar only expands the visible range from memory (see queries.ts).
 *
 * - Every Lesson and Closure document is loaded (a series is one document, so a practice with
 *   100,000 occurrences a year has a few thousand).
 * - Occurrence documents (attendance and per-occurrence changes: one per past lesson in a busy
 *   practice) are loaded by date: from two weeks ago onwards at first, and further back only when
 *   the calendar, an export or a report asks for an older range (`ensureLoaded`). Both an original
 *   start and a moved start at/after `loadedFromMs` are in memory, so any range starting a day
 *   after it expands exactly. They are indexed by lesson and original start, the form
 *   `expandLessons` takes directly.
 * - Both parts start from a part snapshot (data/snapshots.ts) caught up with every change since
 *   it was saved: the recent one at every start, the older one (what this computer last looked
 *   back to, e.g. a year for Reports) when an older range is first asked for. What no snapshot
 *   covers is read through the `originalStart` / `start` indexes.
 *
 * A lesson or occurrence document that cannot be expanded (a schema-valid record with an empty
 * start, see src-shared/schedule/validity.ts) is kept out and listed in `skipped`, so one bad
 * record costs the calendar that record, not the whole screen.
 *
 * Change notifications are coalesced (one per animation frame at most), so a bulk write of
 * thousands of documents re-renders once.
 */
import { useSyncExternalStore } from 'react';
import type { Subscription } from 'rxjs';
import type { Closure, Lesson, Occurrence } from '../../../../src-shared/model/types';
import { toMs } from '../../../../src-shared/schedule/time';
import { lessonProblem, occurrenceProblem } from '../../../../src-shared/schedule/validity';
import {
  loadCollection,
  MAX_CATCH_UP,
  plainResults,
  readPartSnapshot,
  scheduleWrite,
  snapshotStoreOf,
  type PartSnapshot,
  type TutorDatabase,
} from '../../data';
import type { RxCollection } from 'rxdb';
import { useApp } from '../../app/AppContext';
import { whenStarted } from '../../app/startup';

const WEEK_MS = 7 * 86_400_000;
/** Occurrence documents loaded up front: from the start of last week onwards. */
const INITIAL_WEEKS = 2;
/** Paging back loads at least this many more weeks at once. */
const STEP_WEEKS = 3;

type Meta = { _meta?: unknown; _rev?: unknown; _attachments?: unknown; _deleted?: unknown };
type OccurrenceResult = { primary: string; toJSON(): unknown; _data: { _meta: { lwt: number } } };

/** The start-up snapshot of the recent occurrence documents, and how much older than the cutoff it may start. */
const RECENT_KEY = 'occurrences:recent';
const RECENT_MAX_EXTRA_MS = 4 * WEEK_MS;

/** The start-up snapshot of the older occurrence documents loaded on demand (`ensureLoaded`). */
const OLDER_KEY = 'occurrences:older';
/**
 * The older snapshot serves a load only when it starts at most this much before the load's
 * start: a short look back (the students table's recent lesson dates, paging back a week) does
 * not read and keep a year that Reports once needed.
 */
const OLDER_MAX_EXTRA_MS = 6 * WEEK_MS;
/** A look back read from the indexes is saved only when it is at least this long (a report's months, not a week). */
const OLDER_MIN_SPAN_MS = 12 * WEEK_MS;
/**
 * Changes since it was saved that the older snapshot still catches up: up to half its size.
 * Catching up reads each changed document once with a ranged `getAll`, the indexes' cursor
 * would read all of them, and a centre marks about 2,000 lessons a week, so Reports opened
 * monthly still starts from it.
 */
const olderMaxCatchUp = (saved: number) => Math.max(MAX_CATCH_UP, Math.floor(saved / 2));
type OlderScope = { fromMs: number; toMs: number };

/** The documents `findOccurrences(fromMs, null)` gives: an original or moved start at/after fromMs. */
function occurrenceFrom(fromMs: number): (doc: Record<string, unknown>) => boolean {
  const from = new Date(fromMs).toISOString();
  return (d) => (typeof d.originalStart === 'string' && d.originalStart >= from) || (typeof d.start === 'string' && d.start >= from);
}

/** The documents `findOccurrences(fromMs, toMs)` gives: an original or moved start in [fromMs, toMs). */
function occurrenceIn(fromMs: number, toMs: number): (doc: Record<string, unknown>) => boolean {
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const within = (v: unknown) => typeof v === 'string' && v >= from && v < to;
  return (d) => within(d.originalStart) || within(d.start);
}

function lwtOf(data: unknown): number {
  return (data as { _meta?: { lwt?: number } })._meta?.lwt ?? 0;
}

function plain<T>(data: T & Meta): T {
  const { _meta: _m, _rev: _r, _attachments: _a, _deleted: _d, ...doc } = data;
  return doc as T;
}

/** A record the store keeps out of the calendar, and why. */
export interface SkippedRecord {
  collection: 'lessons' | 'occurrences';
  id: string;
  reason: string;
}

export class ScheduleStore {
  readonly lessons = new Map<string, Lesson>();
  /** Records that cannot be expanded, by id. */
  readonly skipped = new Map<string, SkippedRecord>();
  readonly closuresById = new Map<string, Closure>();
  readonly occurrencesById = new Map<string, Occurrence>();
  /** lessonId → original start (ms) → Occurrence document. */
  readonly occurrenceIndex = new Map<string, Map<number, Occurrence>>();
  /** Each loaded occurrence document's `_meta.lwt` (what a snapshot saved from memory needs). */
  private readonly lwtById = new Map<string, number>();
  /** Loaded occurrence documents kept out of the calendar (`skipped`), so a snapshot saved from memory still holds them. */
  private readonly invalidOccurrences = new Map<string, Occurrence>();
  /** Ids the change stream touched while an older range was being read: the read's copy of them is stale. */
  private touched: Set<string> | null = null;
  /** Where the recent part (loaded at start) begins; older parts end there. */
  private recentFromMs = Number.POSITIVE_INFINITY;
  /** Bumped on every change; memoised expansions key on it. */
  version = 0;
  ready = false;
  loadMs = 0;
  /** When each part of the initial load had arrived (ms after the store was created; for the benchmark). */
  readonly loadPhases: Record<string, number> = {};
  /** Where each part of the initial load came from (data/snapshots.ts; for tests and the benchmark). */
  loadSources: Record<'lessons' | 'occurrences' | 'closures', 'snapshot' | 'storage'> | null = null;
  /** Where the last older range (`ensureLoaded`) came from: its snapshot, the indexes, or both (for tests and the benchmark). */
  olderSource: 'snapshot' | 'storage' | 'snapshot+storage' | null = null;
  /** Occurrence documents with an original or moved start at/after this instant are loaded. */
  loadedFromMs = Number.POSITIVE_INFINITY;
  private loading: Promise<void> = Promise.resolve();
  private lessonList: Lesson[] | null = null;
  private closureList: Closure[] | null = null;
  private skippedList: SkippedRecord[] | null = null;
  private listeners = new Set<() => void>();
  private subs: Subscription[] = [];
  private pending = false;
  private readyPromise: Promise<void>;
  private startGate: Promise<void> | null = null;
  private openGate: () => void = () => {};

  /**
   * Loads at once, or, with `startAfter`, once that resolves or `startNow()` is called (the app
   * lets the opened screen load first when only background users want the store, see
   * `scheduleStoreFor`).
   */
  constructor(
    readonly db: TutorDatabase,
    startAfter?: Promise<void>,
  ) {
    if (startAfter) {
      this.startGate = new Promise<void>((resolve) => (this.openGate = resolve));
      void startAfter.then(this.openGate);
    }
    this.readyPromise = this.load();
  }

  /** Start loading now if the store was waiting for start-up (a screen needs it). */
  startNow(): void {
    this.openGate();
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  private async load(): Promise<void> {
    if (this.startGate) await this.startGate;
    const t0 = performance.now();
    const buffered: (() => void)[] = [];
    let live = false;
    const route = (apply: () => void) => (live ? (apply(), this.changed()) : buffered.push(apply));
    this.subs.push(
      this.db.lessons.$.subscribe((e) => route(() => this.applyLesson(e.operation, plain(e.documentData as Lesson & Meta)))),
      this.db.occurrences.$.subscribe((e) => {
        this.touched?.add(e.documentId);
        route(() =>
          this.applyOccurrence(
            e.operation,
            plain(e.documentData as Occurrence & Meta),
            e.previousDocumentData ? plain(e.previousDocumentData as Occurrence & Meta) : undefined,
            lwtOf(e.documentData),
          ),
        );
      }),
      this.db.closures.$.subscribe((e) => route(() => this.applyClosure(e.operation, plain(e.documentData as Closure & Meta)))),
    );
    const cutoff = Date.now() - INITIAL_WEEKS * WEEK_MS;
    const timed = async <T>(name: string, p: Promise<T>): Promise<T> => {
      const r = await p;
      this.loadPhases[name] = performance.now() - t0;
      return r;
    };
    // Lessons, closures and the recent occurrence documents come from start-up snapshots caught
    // up with the database when there are some (data/snapshots.ts).
    const [lessons, recent, closures] = await Promise.all([
      timed('lessons', loadCollection<Lesson>(this.db, this.db.lessons as unknown as RxCollection)),
      timed('occurrences', this.loadRecentOccurrences(cutoff)),
      timed('closures', loadCollection<Closure>(this.db, this.db.closures as unknown as RxCollection)),
    ]);
    for (const d of lessons.docs) this.applyLesson('INSERT', d);
    recent.docs.forEach((o, i) => this.applyOccurrence('INSERT', o, undefined, recent.lwts[i]));
    for (const d of closures.docs) this.applyClosure('INSERT', d);
    this.loadSources = { lessons: lessons.source, occurrences: recent.source, closures: closures.source };
    performance.mark('tutordesk:schedule-store', { detail: this.loadSources });
    this.loadedFromMs = recent.fromMs;
    this.recentFromMs = recent.fromMs;
    for (const apply of buffered) apply();
    live = true;
    this.ready = true;
    this.loadMs = performance.now() - t0;
    this.changed();
  }

  /**
   * The occurrence documents from `cutoff` on (or from a somewhat earlier start): from their
   * start-up snapshot when it can be caught up, else from the indexes (and saved for next time).
   */
  private async loadRecentOccurrences(
    cutoff: number,
  ): Promise<{ docs: Occurrence[]; lwts: number[]; fromMs: number; source: 'snapshot' | 'storage' }> {
    const store = snapshotStoreOf(this.db);
    const coll = this.db.occurrences as unknown as RxCollection;
    if (store) {
      const part = await readPartSnapshot<Occurrence, { fromMs: number }>(store, coll, RECENT_KEY, (scope) =>
        typeof scope?.fromMs === 'number' && scope.fromMs <= cutoff && scope.fromMs >= cutoff - RECENT_MAX_EXTRA_MS
          ? occurrenceFrom(scope.fromMs)
          : null,
      ).catch(() => null);
      if (part) {
        const { fromMs } = part.scope;
        if (part.caughtUp > 0)
          scheduleWrite(store, coll, part.docs, part.lwts, { key: RECENT_KEY, scope: { fromMs }, keep: occurrenceFrom(fromMs) });
        return { docs: part.docs, lwts: part.lwts, fromMs, source: 'snapshot' as const };
      }
    }
    const { docs, lwts } = plainResults<Occurrence>(await this.findOccurrences(cutoff, null));
    if (store) scheduleWrite(store, coll, docs, lwts, { key: RECENT_KEY, scope: { fromMs: cutoff }, keep: occurrenceFrom(cutoff) });
    return { docs, lwts, fromMs: cutoff, source: 'storage' as const };
  }

  /** Occurrence documents whose original or moved start is in [fromMs, toMs) (toMs null = no end), each once. */
  private async findOccurrences(fromMs: number, toMs_: number | null): Promise<OccurrenceResult[]> {
    const from = new Date(fromMs).toISOString();
    const to = toMs_ === null ? null : new Date(toMs_).toISOString();
    const range = to === null ? { $gte: from } : { $gte: from, $lt: to };
    const [byOriginal, byMoved] = await Promise.all([
      this.db.occurrences.find({ selector: { originalStart: range } }).exec(),
      this.db.occurrences.find({ selector: { start: range } }).exec(),
    ]);
    const byId = new Map<string, OccurrenceResult>();
    for (const d of [...byOriginal, ...byMoved] as unknown as OccurrenceResult[]) byId.set(d.primary, d);
    return [...byId.values()];
  }

  /**
   * The older occurrence documents' snapshot, caught up, when it can serve a load of
   * [target, loadedFromMs): it must reach the range (its end at/after `target`), hold something
   * not loaded yet (its start before `loadedFromMs`) and not reach far beyond it (OLDER_MAX_EXTRA_MS).
   */
  private async readOlderSnapshot(target: number): Promise<PartSnapshot<Occurrence, OlderScope> | null> {
    const store = snapshotStoreOf(this.db);
    if (!store) return null;
    const usable = (scope: OlderScope) =>
      typeof scope?.fromMs === 'number' &&
      typeof scope.toMs === 'number' &&
      scope.toMs >= target &&
      scope.fromMs < this.loadedFromMs &&
      scope.fromMs >= target - OLDER_MAX_EXTRA_MS
        ? occurrenceIn(scope.fromMs, scope.toMs)
        : null;
    const coll = this.db.occurrences as unknown as RxCollection;
    return readPartSnapshot<Occurrence, OlderScope>(store, coll, OLDER_KEY, usable, olderMaxCatchUp).catch(() => null);
  }

  /**
   * Saves what is loaded before the recent part, [loadedFromMs, recentFromMs), as the older
   * snapshot. Memory is exact there (loaded, and kept current by the change stream); a write
   * still on its way is caught up by `writeSnapshot`.
   */
  private saveOlder(): void {
    const store = snapshotStoreOf(this.db);
    if (!store || !(this.loadedFromMs < this.recentFromMs)) return;
    const scope: OlderScope = { fromMs: this.loadedFromMs, toMs: this.recentFromMs };
    const keep = occurrenceIn(scope.fromMs, scope.toMs);
    const docs: Occurrence[] = [];
    const lwts: number[] = [];
    for (const map of [this.occurrencesById, this.invalidOccurrences])
      for (const doc of map.values())
        if (keep(doc as unknown as Record<string, unknown>)) {
          docs.push(doc);
          lwts.push(this.lwtById.get(doc.id) ?? 0);
        }
    scheduleWrite(store, this.db.occurrences as unknown as RxCollection, docs, lwts, { key: OLDER_KEY, scope, keep });
  }

  /** Reads [fromMs, toMs) through the indexes: the documents and their `_meta.lwt`s. */
  private async fetchOccurrences(fromMs: number, toMs_: number): Promise<{ docs: Occurrence[]; lwts: number[] }> {
    return plainResults<Occurrence>(await this.findOccurrences(fromMs, toMs_));
  }

  /** True when every occurrence document needed to expand `range` is in memory. */
  covers(range: { start: string }): boolean {
    return this.ready && this.loadedFromMs <= Date.parse(range.start) - 86_400_000;
  }

  /**
   * Loads older occurrence documents so that ranges from `fromMs` on expand exactly (in steps of
   * at least three weeks, so paging back week by week rarely waits).
   */
  ensureLoaded(fromMs: number): Promise<void> {
    this.loading = this.loading.then(async () => {
      await this.readyPromise;
      const needed = fromMs - 86_400_000;
      if (needed >= this.loadedFromMs) return;
      const target = Math.min(needed, this.loadedFromMs - STEP_WEEKS * WEEK_MS);
      this.touched = new Set();
      try {
        const { docs, lwts, fromMs: loadedFrom, source, saveAfter } = await this.readOlder(target);
        docs.forEach((o, i) => {
          // Known already (the change stream brought a newer copy) or changed while being read.
          if (this.occurrencesById.has(o.id) || this.invalidOccurrences.has(o.id) || this.touched!.has(o.id)) return;
          this.applyOccurrence('INSERT', o, undefined, lwts[i]);
        });
        this.loadedFromMs = loadedFrom;
        this.olderSource = source;
        performance.mark('tutordesk:schedule-older', { detail: { source, documents: docs.length } });
        if (saveAfter) this.saveOlder();
      } finally {
        this.touched = null;
      }
      this.changed();
    });
    return this.loading;
  }

  /**
   * The occurrence documents of [target, loadedFromMs) at least: the older snapshot (caught up)
   * where it covers, the indexes for the rest. `fromMs` is where what was read begins (the
   * snapshot's start when it reaches further back than `target`).
   */
  private async readOlder(target: number): Promise<{
    docs: Occurrence[];
    lwts: number[];
    fromMs: number;
    source: NonNullable<ScheduleStore['olderSource']>;
    saveAfter: boolean;
  }> {
    const older = await this.readOlderSnapshot(target);
    if (!older) {
      const read = await this.fetchOccurrences(target, this.loadedFromMs);
      return { ...read, fromMs: target, source: 'storage', saveAfter: this.recentFromMs - target >= OLDER_MIN_SPAN_MS };
    }
    const docs = [...older.docs];
    const lwts = [...older.lwts];
    const gaps: [number, number][] = [];
    if (target < older.scope.fromMs) gaps.push([target, older.scope.fromMs]);
    if (older.scope.toMs < this.loadedFromMs) gaps.push([older.scope.toMs, this.loadedFromMs]);
    for (const [from, to] of gaps) {
      const read = await this.fetchOccurrences(from, to);
      docs.push(...read.docs);
      lwts.push(...read.lwts);
    }
    return {
      docs,
      lwts,
      fromMs: Math.min(target, older.scope.fromMs),
      source: gaps.length ? 'snapshot+storage' : 'snapshot',
      saveAfter: gaps.length > 0 || older.caughtUp > 0,
    };
  }

  private applyLesson(op: string, doc: Lesson): void {
    const problem = op === 'DELETE' ? null : lessonProblem(doc);
    if (op === 'DELETE' || problem) this.lessons.delete(doc.id);
    else this.lessons.set(doc.id, doc);
    this.skip('lessons', doc.id, problem);
    this.lessonList = null;
  }

  private skip(collection: SkippedRecord['collection'], id: string, reason: string | null): void {
    if (reason) this.skipped.set(id, { collection, id, reason });
    else if (!this.skipped.delete(id)) return;
    this.skippedList = null;
  }

  private applyClosure(op: string, doc: Closure): void {
    if (op === 'DELETE') this.closuresById.delete(doc.id);
    else this.closuresById.set(doc.id, doc);
    this.closureList = null;
  }

  private applyOccurrence(op: string, doc: Occurrence, previous?: Occurrence, lwt = 0): void {
    const problem = op === 'DELETE' ? null : occurrenceProblem(doc);
    this.skip('occurrences', doc.id, problem);
    if (op === 'DELETE') this.lwtById.delete(doc.id);
    else this.lwtById.set(doc.id, lwt);
    if (problem) this.invalidOccurrences.set(doc.id, doc);
    else this.invalidOccurrences.delete(doc.id);
    if (problem) op = 'DELETE';
    const known = this.occurrencesById.get(doc.id);
    const old = known ?? (previous && !occurrenceProblem(previous) ? previous : undefined);
    if (old) {
      const m = this.occurrenceIndex.get(old.lessonId);
      if (m) {
        m.delete(toMs(old.originalStart));
        if (m.size === 0) this.occurrenceIndex.delete(old.lessonId);
      }
    }
    if (op === 'DELETE') {
      this.occurrencesById.delete(doc.id);
      return;
    }
    this.occurrencesById.set(doc.id, doc);
    let m = this.occurrenceIndex.get(doc.lessonId);
    if (!m) this.occurrenceIndex.set(doc.lessonId, (m = new Map()));
    m.set(toMs(doc.originalStart), doc);
  }

  private changed(): void {
    this.version += 1;
    if (this.pending) return;
    this.pending = true;
    const flush = () => {
      this.pending = false;
      for (const l of this.listeners) l();
    };
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 0);
  }

  /** All lessons (array, stable until a lesson changes). */
  allLessons(): Lesson[] {
    if (!this.lessonList) this.lessonList = [...this.lessons.values()];
    return this.lessonList;
  }

  /** The records kept out of the calendar (array, stable until that list changes). */
  skippedRecords(): SkippedRecord[] {
    if (!this.skippedList) this.skippedList = [...this.skipped.values()].sort((a, b) => a.id.localeCompare(b.id));
    return this.skippedList;
  }

  allClosures(): Closure[] {
    if (!this.closureList) this.closureList = [...this.closuresById.values()].sort((a, b) => a.startDate.localeCompare(b.startDate));
    return this.closureList;
  }

  /** Occurrence documents of one lesson. */
  occurrencesOf(lessonId: string): Occurrence[] {
    return [...(this.occurrenceIndex.get(lessonId)?.values() ?? [])];
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => (this.ready ? this.version : -1);

  close(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    this.listeners.clear();
  }
}

const stores = new WeakMap<TutorDatabase, ScheduleStore>();

export interface StoreUse {
  /**
   * Not needed to show the opened screen (the top bar's reminders, the students table's lesson
   * dates): the store then loads only once that screen has painted its data (app/startup.ts),
   * unless someone else needs it sooner. The schedule and billing screens use it at once.
   */
  background?: boolean;
}

/** The store of a database (created on first use, lives as long as the database). */
export function scheduleStoreFor(db: TutorDatabase, use: StoreUse = {}): ScheduleStore {
  let s = stores.get(db);
  if (!s) {
    s = new ScheduleStore(db, whenStarted());
    stores.set(db, s);
    const created = s;
    db.onClose.push(() => created.close());
  }
  if (!use.background) s.startNow();
  return s;
}

/** The store and its version (re-renders on every coalesced change; -1 while loading). */
export function useScheduleStore(use: StoreUse = {}): { store: ScheduleStore; version: number } {
  const { db } = useApp();
  const store = scheduleStoreFor(db, use);
  const version = useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  return { store, version };
}
