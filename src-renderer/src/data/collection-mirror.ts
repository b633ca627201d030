/**
 * Whole-collection live results, kept in memory from RxDB's change stream (docs/architecture.md
 * "The start-up path").
 *
 * A screen that shows a whole collection (`useLiveQuery(collection)` without a selector) is
 * given the collection's mirror: its documents, loaded once and then kept current by applying
 * every change event. Screens share one mirror per collection, so opening Reports after Students
 * does not read the 10,000 students again; a mirror nobody has watched for `LINGER_MS` is
 * dropped.
 *
 * Loading: the change stream is subscribed to first, then the documents are read (from the
 * start-up snapshot, caught up, when there is one; else from the storage), then every event
 * that arrived meanwhile is applied in order. Each event carries the whole document as written,
 * so applying all of them after any read gives the state after the last one.
 *
 * A snapshot is only as good as its catch-up, which trusts `_meta.lwt` (the computer's clock)
 * and sees only what left a change record (not a purge, which nothing in the app does): some
 * seconds after start-up (`verifyAfter`) a mirror that started from one reads the collection
 * once more and takes what the storage holds, should the two disagree.
 */
import type { RxCollection } from 'rxdb';
import type { Subscription } from 'rxjs';
import {
  plainResults,
  scheduleWrite,
  sharedRead,
  SNAPSHOT_COLLECTIONS,
  snapshotStoreOf,
  type LiveDoc,
  type Meta,
  type SnapshotStore,
} from './snapshots';

/** How long a mirror nobody watches is kept (moving between screens reuses it). */
export const LINGER_MS = 60_000;

type Source = 'snapshot' | 'live';
type Listener = (docs: unknown[], source: Source) => void;
type Entry = { doc: Record<string, unknown>; lwt: number };
type ChangeEvent = { operation: string; documentId: string; documentData: Record<string, unknown> & Partial<Meta> };

export interface WatchOptions {
  /**
   * When a mirror that started from a snapshot checks it against the storage (one full read).
   * The app passes "some seconds after the opened screen has painted". Without it, at once.
   */
  verifyAfter?: Promise<unknown>;
}

function plain(doc: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _m, _rev: _r, _attachments: _a, _deleted: _d, ...rest } = doc;
  return rest;
}

/** RxDB's default sort: by primary key, as strings compare in JavaScript. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class CollectionMirror {
  private readonly byId = new Map<string, Entry>();
  private order: string[] = [];
  private orderDirty = false;
  private docs: unknown[] | null = null;
  private source: Source = 'live';
  private readonly listeners = new Set<Listener>();
  private readonly sub: Subscription;
  /** Events not applied yet: the load (or a check) is still reading. */
  private buffered: ChangeEvent[] | null = [];
  /** Events applied while a check reads the collection again; replayed on its result. */
  private duringCheck: ChangeEvent[] | null = null;
  private flushQueued = false;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly primary: string;
  private readonly store: SnapshotStore | undefined;

  constructor(
    db: object,
    private readonly collection: RxCollection,
    private readonly options: WatchOptions,
    private readonly onClosed: () => void,
  ) {
    this.primary = collection.schema.primaryPath as string;
    this.store = SNAPSHOT_COLLECTIONS.has(collection.name) ? snapshotStoreOf(db) : undefined;
    this.sub = (collection.$ as unknown as { subscribe(fn: (e: ChangeEvent) => void): Subscription }).subscribe((e) => this.onEvent(e));
    void this.load();
  }

  watch(listener: Listener): () => void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    this.listeners.add(listener);
    if (this.docs) listener(this.docs, this.source);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && !this.closed) this.lingerTimer = setTimeout(() => this.close(), LINGER_MS);
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.sub.unsubscribe();
    this.listeners.clear();
    this.onClosed();
  }

  private async load(): Promise<void> {
    const snapshot = this.store ? await sharedRead<Record<string, unknown>>(this.store, this.collection).catch(logged) : null;
    if (this.closed) return;
    performance.mark(`tutordesk:snapshot:${this.collection.name}`, { detail: snapshot ? snapshot.caughtUp : null });
    let save = !snapshot || snapshot.caughtUp > 0;
    // Both a snapshot and RxDB's result are in primary-key order already.
    if (snapshot) {
      snapshot.docs.forEach((doc, i) => this.byId.set(String(doc[this.primary]), { doc, lwt: snapshot.lwts[i]! }));
      this.source = 'snapshot';
    } else {
      const read = await this.readAll();
      if (!read) return;
      for (const [id, e] of read) this.byId.set(id, e);
      performance.mark(`tutordesk:live:${this.collection.name}`);
    }
    this.order = [...this.byId.keys()];
    this.orderDirty = false;
    const events = this.buffered ?? [];
    this.buffered = null;
    for (const e of events) this.apply(e);
    if (events.length) save = true;
    this.deliver(save);
    if (snapshot) void (this.options.verifyAfter ?? Promise.resolve()).then(() => this.check());
  }

  /** Every document now, by id; null when the collection closed meanwhile. */
  private async readAll(): Promise<Map<string, Entry> | null> {
    if (this.closed || this.collection.closed) return null;
    const results = (await this.collection.find().exec().catch(logged)) as LiveDoc[] | null;
    if (!results || this.closed) return null;
    const { docs, lwts } = plainResults<Record<string, unknown>>(results);
    const byId = new Map<string, Entry>();
    docs.forEach((doc, i) => byId.set(String(doc[this.primary]), { doc, lwt: lwts[i]! }));
    return byId;
  }

  /** Reads the collection again; when it disagrees with what the snapshot gave, the storage wins. */
  private async check(): Promise<void> {
    if (this.closed || this.collection.closed) return;
    this.duringCheck = [];
    const read = await this.readAll();
    const events = this.duringCheck;
    this.duringCheck = null;
    if (!read || this.closed) return;
    const before = this.byId;
    const after = new Map(read);
    for (const e of events) applyTo(after, this.primary, e);
    if (sameEntries(before, after)) return;
    console.warn(`The start-up snapshot of ${this.collection.name} disagreed with the database; showing the database`);
    performance.mark(`tutordesk:snapshot-corrected:${this.collection.name}`);
    before.clear();
    for (const [id, e] of after) before.set(id, e);
    this.orderDirty = true;
    this.source = 'live';
    this.deliver(true);
  }

  private onEvent(e: ChangeEvent): void {
    if (this.closed) return;
    if (this.buffered) return void this.buffered.push(e);
    this.duringCheck?.push(e);
    this.apply(e);
    this.source = 'live';
    if (this.flushQueued) return;
    this.flushQueued = true;
    // One delivery for a bulk write, whose events may arrive over several microtasks: the
    // screens then never see a part of it (a table with half of the families just imported).
    setTimeout(() => {
      this.flushQueued = false;
      if (!this.closed) this.deliver(true);
    }, 0);
  }

  private apply(e: ChangeEvent): void {
    const had = this.byId.has(e.documentId);
    applyTo(this.byId, this.primary, e);
    if (had !== this.byId.has(e.documentId)) this.orderDirty = true;
  }

  private deliver(save: boolean): void {
    if (this.orderDirty) {
      this.order = [...this.byId.keys()].sort(compareIds);
      this.orderDirty = false;
    }
    const entries = this.order.map((id) => this.byId.get(id)!);
    this.docs = entries.map((e) => e.doc);
    for (const l of [...this.listeners]) l(this.docs, this.source);
    if (save && this.store)
      scheduleWrite(
        this.store,
        this.collection,
        this.docs,
        entries.map((e) => e.lwt),
      );
  }
}

function sameEntries(a: Map<string, Entry>, b: Map<string, Entry>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, e] of b) if (a.get(id)?.lwt !== e.lwt) return false;
  return true;
}

function applyTo(byId: Map<string, Entry>, primary: string, e: ChangeEvent): void {
  const id = e.documentId ?? String(e.documentData[primary]);
  if (e.operation === 'DELETE' || e.documentData._deleted) byId.delete(id);
  else byId.set(id, { doc: plain(e.documentData), lwt: e.documentData._meta?.lwt ?? 0 });
}

function logged(e: unknown): null {
  console.warn('Reading a collection for its screens failed', e);
  return null;
}

const mirrors = new WeakMap<RxCollection, CollectionMirror>();

/**
 * Every document of `collection` (not deleted, in primary-key order, as plain objects), now and
 * after every change: first from its snapshot when the database has a store and the snapshot can
 * be caught up (`source` 'snapshot'), else read from the storage ('live'); then after each change
 * ('live'). Returns the function that stops watching.
 */
export function watchCollection<T>(
  db: object,
  collection: RxCollection,
  onDocs: (docs: T[], source: Source) => void,
  options: WatchOptions = {},
): () => void {
  let mirror = mirrors.get(collection);
  if (!mirror) {
    const created = new CollectionMirror(db, collection, options, () => mirrors.delete(collection));
    mirror = created;
    mirrors.set(collection, created);
    (collection.database as unknown as { onClose: (() => void)[] }).onClose.push(() => created.close());
  }
  return mirror.watch(onDocs as Listener);
}
